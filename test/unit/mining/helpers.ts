import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

/** Datasets shared by every checkout at `../shared/datasets` from the project root. */
export const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** An inline input as a byte stream cut into `chunkSize`-byte pieces, to exercise chunk seams. */
export function bytes(text: string | Uint8Array, chunkSize = 1 << 16): AsyncIterable<Uint8Array> {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return (async function* () {
    for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
  })();
}

export function stream(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}
