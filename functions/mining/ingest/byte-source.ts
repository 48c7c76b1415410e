import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export type ByteSource = AsyncIterable<Uint8Array> | NodeJS.ReadableStream;

/** Normalizes any accepted input to an async iterable of byte chunks (strings become UTF-8). */
export async function* byteChunks(source: ByteSource): AsyncGenerator<Uint8Array> {
  for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
    yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  }
}

/**
 * Gunzips a byte source. zlib's stream runs inflate on the libuv thread pool, so
 * decompression overlaps with parsing on the main thread.
 */
export function gunzip(source: ByteSource): AsyncIterable<Uint8Array> {
  const input = Readable.from(byteChunks(source), { objectMode: false });
  const inflater = createGunzip();
  input.on('error', (error) => inflater.destroy(error));
  // A consumer that stops early destroys the inflater; stop pulling the source too.
  inflater.on('close', () => input.destroy());
  return input.pipe(inflater);
}
