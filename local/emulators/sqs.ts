import { buildApp } from 'fauxqs';
import { LOCAL_REGION } from '../function-runtime.ts';
import type { Emulator } from './dynamodb.ts';

export interface SqsEmulatorOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

/**
 * Starts fauxqs, an SQS emulator that keeps queues and messages IN MEMORY ONLY: everything is
 * gone after stop() or a restart, so queues must be provisioned again on every start.
 *
 * `startFauxqs()` always listens on 0.0.0.0; this uses fauxqs' documented `buildApp()` instead
 * to bind 127.0.0.1 only (same stores and behaviour, including RedrivePolicy dead-lettering).
 *
 * Queue URLs look like `http://sqs.us-east-1.localhost:<port>/000000000000/<name>`. fauxqs
 * resolves a queue by that exact URL string, so use the URLs it returns verbatim: clients send
 * to the configured endpoint (`http://127.0.0.1:<port>`), never to the URL's host.
 */
export async function startSqs(options: SqsEmulatorOptions = {}): Promise<Emulator> {
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error('fauxqs did not report a TCP address');
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await app.close();
    },
  };
}
