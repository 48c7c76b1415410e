import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export type ByteProgress = (sent: number, total: number) => void;

/**
 * PUTs a file to a presigned URL with its Content-Length (S3 refuses chunked uploads to a presigned PUT, which
 * `fetch` with a stream body would send), reporting bytes as they leave.
 */
export async function putFile(url: string, headers: Record<string, string>, path: string, onProgress?: ByteProgress): Promise<void> {
  const total = (await stat(path)).size;
  const target = new URL(url);
  const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, { method: 'PUT', headers: { ...headers, 'Content-Length': String(total) } });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    request.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  let sent = 0;
  const file = createReadStream(path);
  file.on('data', (chunk) => {
    sent += chunk.length;
    onProgress?.(sent, total);
  });
  await pipeline(file, request);
  const { status, body } = await answered;
  if (status < 200 || status >= 300) throw new Error(`upload refused by storage: ${status} ${body.slice(0, 200)}`);
}

/** Streams a URL to a file; the body never sits whole in memory. */
export async function getToFile(url: string, path: string): Promise<number> {
  const response = await fetch(url);
  if (!response.ok || !response.body) throw new Error(`download of ${new URL(url).pathname} failed: ${response.status}`);
  let bytes = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => (bytes += chunk.length));
  await pipeline(body, createWriteStream(path));
  return bytes;
}
