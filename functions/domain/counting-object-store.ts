import type { ObjectStore } from './ports.ts';

export interface StorageCounters {
  networkOutBytes: number;
  storageRequests: number;
}

/** The phase's view of storage: every request and every byte written is counted into its samples. */
export function countingObjectStore(objects: ObjectStore, counters: StorageCounters): ObjectStore {
  const counted =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    (...args: A): Promise<R> => {
      counters.storageRequests += 1;
      return call(...args);
    };
  return {
    presignPut: (...args) => objects.presignPut(...args),
    presignGet: (...args) => objects.presignGet(...args),
    head: counted((key: string) => objects.head(key)),
    read: counted((key: string) => objects.read(key)),
    readBytes: counted((key: string) => objects.readBytes(key)),
    write: counted((key: string, body: Buffer | string, contentType: string) => {
      counters.networkOutBytes += typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
      return objects.write(key, body, contentType);
    }),
    copyPrefix: counted((from: string, to: string) => objects.copyPrefix(from, to)),
    listPrefix: counted((prefix: string, limit: number) => objects.listPrefix(prefix, limit)),
    deletePrefix: counted((prefix: string) => objects.deletePrefix(prefix)),
  };
}
