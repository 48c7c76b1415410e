import { join } from 'node:path';
import { buildApp, type BuildAppOptions } from 'fauxqs';
import { LOCAL_REGION } from '../function-runtime.ts';
import type { Emulator } from './dynamodb.ts';
import { QueuePersistence } from './sqs-persistence.ts';

export interface SqsEmulatorOptions {
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** Where the queues' messages are kept between runs (`<dataDir>/sqs/messages.json`); in memory only when omitted. */
  dataDir?: string;
}

export interface SqsEmulator extends Emulator {
  /**
   * Puts back the messages saved by the last run (call once the queues are provisioned, before
   * anything consumes them) and from then on saves them periodically and on stop().
   */
  restoreMessages(): Promise<{ restored: number; dropped: number }>;
}

/**
 * fauxqs' store classes, which `buildApp({ stores })` accepts but the package's entry does
 * not export: loaded from the files next to that entry. Holding the store is what makes the
 * queues persistable (see sqs-persistence.ts): fauxqs' public surface can read messages (its
 * `/_fauxqs/queues/<name>` inspection route) but not put one back with its id, receive count
 * and deadline. test/local/sqs-persistence.test.ts fails if an upgrade of fauxqs moves them.
 */
async function fauxqsStores(): Promise<NonNullable<BuildAppOptions['stores']>> {
  const entry = import.meta.resolve('fauxqs');
  const load = async <T>(path: string, name: string): Promise<new () => T> => {
    const module = (await import(new URL(path, entry).href)) as Record<string, unknown>;
    if (typeof module[name] !== 'function') throw new Error(`fauxqs has no ${name} in ${path}; the SQS persistence needs updating for this fauxqs version`);
    return module[name] as new () => T;
  };
  type Stores = NonNullable<BuildAppOptions['stores']>;
  const [SqsStore, SnsStore, S3Store] = await Promise.all([
    load<Stores['sqsStore']>('./sqs/sqsStore.js', 'SqsStore'),
    load<Stores['snsStore']>('./sns/snsStore.js', 'SnsStore'),
    load<Stores['s3Store']>('./s3/s3Store.js', 'S3Store'),
  ]);
  return { sqsStore: new SqsStore(), snsStore: new SnsStore(), s3Store: new S3Store() };
}

/**
 * Starts fauxqs, an SQS emulator that keeps queues and messages in memory. Queues are
 * provisioned again on every start; with `dataDir`, messages (visible, delayed and in flight,
 * with their receive counts) are saved every 2 s and on stop, and restoreMessages() puts them back.
 *
 * `startFauxqs()` always listens on 0.0.0.0; this uses fauxqs' documented `buildApp()` instead
 * to bind 127.0.0.1 only (same stores and behaviour, including RedrivePolicy dead-lettering).
 *
 * Queue URLs look like `http://sqs.us-east-1.localhost:<port>/000000000000/<name>`. fauxqs
 * resolves a queue by that exact URL string, so use the URLs it returns verbatim: clients send
 * to the configured endpoint (`http://127.0.0.1:<port>`), never to the URL's host.
 */
export async function startSqs(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const stores = await fauxqsStores();
  const persistence = options.dataDir ? new QueuePersistence({ store: stores.sqsStore, file: join(options.dataDir, 'sqs', 'messages.json') }) : undefined;
  const app = buildApp({ logger: false, defaultRegion: LOCAL_REGION, stores });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') {
    await app.close();
    throw new Error('fauxqs did not report a TCP address');
  }
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    restoreMessages: async () => (persistence ? persistence.restore() : { restored: 0, dropped: 0 }),
    async stop() {
      if (stopped) return;
      stopped = true;
      try {
        await app.close();
      } finally {
        // After close, so no request changes the queues between the last write and the exit.
        const kept = (await persistence?.stop()) ?? 0;
        if (kept > 0) console.log(`Kept ${kept} queued message(s) for the next start.`);
      }
    },
  };
}
