import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Emulator } from './dynamodb.ts';

// CommonJS with `exports.default`: loaded through require, so the same function is found under Node and under tsx.
const startSesServer = (createRequire(import.meta.url)('aws-ses-v2-local') as { default: (config: { host: string; port: number }) => Promise<Server> }).default;

export interface SesEmulator extends Emulator {
  /** The emulator's web page listing the messages it was sent. */
  viewerUrl: string;
  /** Its JSON store (`GET /store`, `?since=<epoch seconds>`): every message with from, destination, subject and body. */
  storeUrl: string;
}

/**
 * Starts aws-ses-v2-local on 127.0.0.1: an SES v2 endpoint (`SendEmail` and more, the wire protocol the SDK speaks)
 * that keeps every message in memory and shows them on a web page. Nothing is ever sent on; messages are gone when
 * the stack stops. It accepts any credentials, as long as the request is signed.
 */
export async function startSes(options: { port?: number } = {}): Promise<SesEmulator> {
  const server = await startSesServer({ host: '127.0.0.1', port: options.port ?? 0 });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    endpoint,
    viewerUrl: `${endpoint}/`,
    storeUrl: `${endpoint}/store`,
    async stop() {
      if (stopped) return;
      stopped = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
