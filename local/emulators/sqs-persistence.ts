import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { BuildAppOptions, FauxqsServer } from 'fauxqs';
import { z } from 'zod';

/** fauxqs' own message record, as its public inspection API returns it. */
type SqsMessage = NonNullable<ReturnType<FauxqsServer['inspectQueue']>>['messages']['ready'][number];
/** fauxqs' queue store, the object `buildApp({ stores })` serves. */
export type SqsStore = NonNullable<BuildAppOptions['stores']>['sqsStore'];

const storedMessage = z.object({
  messageId: z.string(),
  body: z.string(),
  md5OfBody: z.string(),
  messageAttributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional(), BinaryValue: z.string().optional() })),
  md5OfMessageAttributes: z.string(),
  sentTimestamp: z.number(),
  approximateReceiveCount: z.number().int().nonnegative(),
  approximateFirstReceiveTimestamp: z.number().optional(),
  messageGroupId: z.string().optional(),
  messageDeduplicationId: z.string().optional(),
  sequenceNumber: z.string().optional(),
  /** Epoch ms at which a delayed or in-flight message becomes visible again; absent when it is visible. */
  visibleAt: z.number().optional(),
});

/** The file: every queue's messages, by queue name (queue URLs change with the port). */
const queueSnapshot = z.object({
  version: z.literal(1),
  savedAt: z.string(),
  queues: z.record(z.string(), z.array(storedMessage)),
});
type QueueSnapshot = z.infer<typeof queueSnapshot>;
type StoredMessage = z.infer<typeof storedMessage>;

function stored(message: SqsMessage, visibleAt?: number): StoredMessage {
  const { delayUntil: _delayUntil, ...rest } = message;
  return { ...rest, ...(visibleAt !== undefined ? { visibleAt } : {}) };
}

/** Every message of every queue: visible, delayed, and received but not deleted (in flight). */
export function snapshotQueues(store: SqsStore, now = new Date()): QueueSnapshot {
  const queues: QueueSnapshot['queues'] = {};
  for (const queue of store.listQueues()) {
    const { ready, delayed, inflight } = queue.inspectMessages();
    const messages = [
      ...ready.map((message) => stored(message)),
      ...delayed.map((message) => stored(message, message.delayUntil)),
      ...inflight.map((entry) => stored(entry.message, entry.visibilityDeadline)),
    ];
    if (messages.length > 0) queues[queue.name] = messages;
  }
  return { version: 1, savedAt: now.toISOString(), queues };
}

/**
 * Puts the messages back into the (freshly provisioned, empty) queues with their ids, receive
 * counts and first-receive times, so a consumer that counts attempts from the receive count
 * (the callback deliverer) and the queues' maxReceiveCount go on where they were. Delays and
 * visibility timeouts keep their wall-clock deadline, as in SQS, which keeps time while its
 * consumers are down: one that ended while the stack was stopped is due at once.
 */
export function restoreQueues(store: SqsStore, snapshot: QueueSnapshot): { restored: number; dropped: number } {
  let restored = 0;
  let dropped = 0;
  for (const [name, messages] of Object.entries(snapshot.queues)) {
    const queue = store.getQueueByName(name);
    if (!queue) {
      // The topology no longer has this queue: nothing would consume these messages.
      dropped += messages.length;
      continue;
    }
    for (const { visibleAt, ...message } of messages) {
      queue.enqueue({ ...message, ...(visibleAt !== undefined ? { delayUntil: visibleAt } : {}) });
      restored += 1;
    }
  }
  return { restored, dropped };
}

export interface QueuePersistenceOptions {
  store: SqsStore;
  file: string;
  /** How often the queues are written while running: what a crash (kill -9) can lose at most. */
  intervalMs?: number;
}

/**
 * Keeps fauxqs' in-memory queues in a file: restored once on start, written every
 * `intervalMs` while running (only when something changed) and on stop. Writes go to a
 * temporary file renamed over the old one, so a crash mid-write leaves the previous snapshot.
 *
 * Why a snapshot of fauxqs' store rather than a journal of API calls or a re-send on start:
 * SendMessage cannot set a message's id or receive count, and delays above 15 minutes need
 * visibility changes; the store keeps all of it, and a snapshot of it restores exactly what
 * SQS would still hold. A crash can replay a message deleted after the last write: delivery
 * is at least once anyway, and receivers deduplicate on the delivery id in the body.
 */
export class QueuePersistence {
  private timer: NodeJS.Timeout | undefined;
  private lastWritten: string | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly options: QueuePersistenceOptions) {}

  /** Restores the saved messages, then starts the periodic writes (not before: they would overwrite the file with empty queues). */
  async restore(): Promise<{ restored: number; dropped: number }> {
    if (this.timer) throw new Error('The queues were restored already');
    const snapshot = await this.read();
    const result = snapshot ? restoreQueues(this.options.store, snapshot) : { restored: 0, dropped: 0 };
    this.timer ??= setInterval(() => void this.save().catch((error: unknown) => console.error('[sqs] could not save the queues:', error)), this.options.intervalMs ?? 2_000);
    this.timer.unref();
    return result;
  }

  /** Writes the queues if they changed since the last write; resolves with the number of messages they hold. Writes never overlap. */
  save(): Promise<number> {
    const saving = this.writing.then(async () => {
      const snapshot = snapshotQueues(this.options.store);
      const count = Object.values(snapshot.queues).reduce((sum, messages) => sum + messages.length, 0);
      const text = JSON.stringify(snapshot.queues);
      if (text === this.lastWritten) return count;
      await mkdir(dirname(this.options.file), { recursive: true });
      const temporary = `${this.options.file}.tmp`;
      await writeFile(temporary, JSON.stringify(snapshot));
      await rename(temporary, this.options.file);
      this.lastWritten = text;
      return count;
    });
    this.writing = saving.then(
      () => undefined,
      () => undefined,
    );
    return saving;
  }

  /** Stops the periodic writes and writes once more (call after the queue server stopped taking requests); the messages kept. */
  async stop(): Promise<number> {
    // Not restored yet means the file still holds the last run's messages: keep it as it is.
    if (this.timer === undefined) return 0;
    clearInterval(this.timer);
    this.timer = undefined;
    return this.save();
  }

  private async read(): Promise<QueueSnapshot | undefined> {
    let text: string;
    try {
      text = await readFile(this.options.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const snapshot = queueSnapshot.parse(JSON.parse(text));
      this.lastWritten = JSON.stringify(snapshot.queues);
      return snapshot;
    } catch (error) {
      // Kept aside rather than lost or fatal: the stack starts with empty queues.
      const aside = `${this.options.file}.unreadable-${Date.now()}`;
      await rename(this.options.file, aside);
      console.error(`[sqs] ${this.options.file} could not be read (${error instanceof Error ? error.message : String(error)}); moved to ${aside}`);
      return undefined;
    }
  }
}
