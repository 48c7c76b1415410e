import type { Command } from 'commander';
import { PmjClient } from '../client/index.ts';
import { loadConfig } from './config.ts';
import { InterruptedError } from './errors.ts';
import { Output } from './output.ts';

export interface GlobalOptions {
  json?: boolean;
  project?: string;
}

/** What every command needs: where to write, and a client for the configured API and project. */
export async function contextOf(command: Command) {
  const options = command.optsWithGlobals<GlobalOptions>();
  const output = new Output({ json: options.json });
  const config = await loadConfig();
  const client = new PmjClient({ baseUrl: config.baseUrl, token: config.token, ...(options.project ? { projectId: options.project.toLowerCase() } : {}) });
  return { output, client, options };
}

export const outputOf = (command: Command) => new Output({ json: command.optsWithGlobals<GlobalOptions>().json });

/** Ctrl-C stops a watch cleanly (bars closed, cursor back) instead of killing the process mid-draw. */
export function interruptible(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = () => controller.abort(new InterruptedError('interrupted: stopped watching; the operation goes on (`pmj ops get`, `pmj ops cancel`)'));
  process.once('SIGINT', stop);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', stop) };
}
