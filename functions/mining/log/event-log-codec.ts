import { endianness } from 'node:os';
import type { EventLog } from './event-log.ts';

/**
 * Binary checkpoint of an {@link EventLog}, stored between Step Functions states.
 *
 * Layout (all integers little-endian):
 *   0  "PMEL" magic
 *   4  u32 format version
 *   8  u32 byte length H of the UTF-8 JSON header (string tables and counts)
 *   12 JSON header, then zero padding to a multiple of 8
 *   then timestamps (f64 × events), startTimestamps (f64 × events, if present),
 *   caseOffsets (u32 × cases+1), activityCodes, resourceCodes, lifecycleCodes (u32 × events).
 * Float64 sections come first so that they sit on 8-byte boundaries; raw typed-array bytes
 * keep NaN payloads, so the round trip is bit-exact.
 */
const MAGIC = 0x4c454d50; // "PMEL" read as a little-endian u32
const VERSION = 1;

interface Header {
  cases: number;
  events: number;
  hasStartTimestamps: boolean;
  caseIds: readonly string[];
  activities: readonly string[];
  resources: readonly string[];
  lifecycles: readonly string[];
  /** Present (true) only for a log without timestamps; older checkpoints lack it. */
  untimed?: boolean;
}

/** The stored event log is not a checkpoint this code can read. */
export class EventLogCodecError extends Error {
  override readonly name = 'EventLogCodecError';
}

export function serializeEventLog(log: EventLog): Buffer {
  assertLittleEndian();
  const events = log.activityCodes.length;
  const cases = log.caseIds.length;
  const header: Header = {
    cases,
    events,
    hasStartTimestamps: log.startTimestamps !== null,
    caseIds: log.caseIds,
    activities: log.activities,
    resources: log.resources,
    lifecycles: log.lifecycles,
    ...(log.untimed === true ? { untimed: true } : {}),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const sections: ArrayBufferView[] = [log.timestamps];
  if (log.startTimestamps !== null) sections.push(log.startTimestamps);
  sections.push(log.caseOffsets, log.activityCodes, log.resourceCodes, log.lifecycleCodes);

  const dataStart = align8(12 + json.length);
  let total = dataStart;
  for (const section of sections) total += section.byteLength;
  const out = Buffer.alloc(total);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(VERSION, 4);
  out.writeUInt32LE(json.length, 8);
  json.copy(out, 12);
  let offset = dataStart;
  for (const section of sections) {
    out.set(new Uint8Array(section.buffer, section.byteOffset, section.byteLength), offset);
    offset += section.byteLength;
  }
  return out;
}

export function deserializeEventLog(buf: Uint8Array): EventLog {
  assertLittleEndian();
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < 12 || bytes.readUInt32LE(0) !== MAGIC) throw new EventLogCodecError('Not a serialized event log');
  const version = bytes.readUInt32LE(4);
  if (version !== VERSION) throw new EventLogCodecError(`Unsupported event log format version ${version}`);
  const jsonLength = bytes.readUInt32LE(8);
  if (12 + jsonLength > bytes.length) throw new EventLogCodecError('Truncated event log header');
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + jsonLength)) as Header;
  const { events, cases } = header;

  let offset = align8(12 + jsonLength);
  const expected =
    offset + events * 8 * (header.hasStartTimestamps ? 2 : 1) + (cases + 1) * 4 + events * 4 * 3;
  if (bytes.length !== expected) throw new EventLogCodecError(`Event log is ${bytes.length} bytes, expected ${expected}`);

  // Copy each section into its own ArrayBuffer: the input's byteOffset need not be aligned
  // (Node pools small Buffers), and the result must not pin the caller's buffer.
  const take = (byteLength: number): ArrayBuffer => {
    const start = bytes.byteOffset + offset;
    offset += byteLength;
    return bytes.buffer.slice(start, start + byteLength) as ArrayBuffer;
  };
  const timestamps = new Float64Array(take(events * 8));
  const startTimestamps = header.hasStartTimestamps ? new Float64Array(take(events * 8)) : null;
  const caseOffsets = new Uint32Array(take((cases + 1) * 4));
  const activityCodes = new Uint32Array(take(events * 4));
  const resourceCodes = new Uint32Array(take(events * 4));
  const lifecycleCodes = new Uint32Array(take(events * 4));
  return {
    caseIds: header.caseIds,
    caseOffsets,
    activities: header.activities,
    activityCodes,
    timestamps,
    startTimestamps,
    resources: header.resources,
    resourceCodes,
    lifecycles: header.lifecycles,
    lifecycleCodes,
    ...(header.untimed === true ? { untimed: true } : {}),
  };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

function assertLittleEndian(): void {
  // Sections are raw typed-array bytes; every Lambda architecture (x86_64, arm64) is LE.
  if (endianness() !== 'LE') throw new EventLogCodecError('Event log checkpoints require a little-endian host');
}
