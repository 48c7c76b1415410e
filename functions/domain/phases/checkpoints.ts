import { deserializeEventLog, serializeEventLog } from '../../mining/log/event-log-codec.ts';
import type { EventLog } from '../../mining/log/event-log.ts';
import type { PhaseContext } from '../phase-runner.ts';
import { checkpointKeys } from './checkpoint-keys.ts';

export { checkpointKeys };


export async function saveEventLog(context: PhaseContext, log: EventLog): Promise<number> {
  const bytes = serializeEventLog(log);
  await context.objects.write(context.jobObjectKey(checkpointKeys.eventLog), bytes, 'application/octet-stream');
  return bytes.length;
}

export async function loadEventLog(context: PhaseContext): Promise<EventLog> {
  const bytes = await context.objects.readBytes(context.jobObjectKey(checkpointKeys.eventLog));
  context.bytesRead(bytes.length);
  return deserializeEventLog(bytes);
}

export async function saveJson(context: PhaseContext, name: string, value: unknown): Promise<number> {
  const body = JSON.stringify(value);
  await context.objects.write(context.jobObjectKey(name), body, 'application/json');
  return Buffer.byteLength(body);
}

export async function loadJson<T>(context: PhaseContext, name: string): Promise<T> {
  const bytes = await context.objects.readBytes(context.jobObjectKey(name));
  context.bytesRead(bytes.length);
  return JSON.parse(bytes.toString('utf8')) as T;
}
