import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import type { Emulator } from './dynamodb.ts';

/**
 * The credentials every local AWS client (DynamoDB, SQS, S3, Step Functions) signs with.
 *
 * s3rver is the only emulator that checks them: it looks the access key id up in its account
 * registry, which only knows `S3RVER`, and answers `InvalidAccessKeyId` to anything else (for
 * signed SDK calls and for presigned URLs alike). It never verifies SigV4 signatures, so the
 * secret does not matter; `S3RVER` is its documented pair. DynamoDB Local and fauxqs accept any
 * credentials, and the local Step Functions endpoint ignores them.
 */
export const LOCAL_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/**
 * S3 client settings the local stack needs besides endpoint, region and credentials:
 * - path-style URLs (`http://127.0.0.1:<port>/<bucket>/<key>`), as there is no wildcard DNS;
 * - checksums only when an operation requires them. With the SDK's default (`WHEN_SUPPORTED`)
 *   a PutObject whose body is a stream is sent `aws-chunked` with a trailing CRC32, and s3rver
 *   stores the chunk framing as the object's content. The same setting keeps
 *   `x-amz-checksum-crc32` (of an empty body) out of presigned PUT URLs.
 */
export const LOCAL_S3_CLIENT_OPTIONS = {
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
} as const;

export interface S3EmulatorOptions {
  /** Directory holding all local data; buckets and objects go to `<dataDir>/s3`. */
  dataDir: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
}

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  httpServer?: Server;
}
type S3rverConstructor = new (options: {
  address: string;
  port: number;
  silent: boolean;
  directory: string;
  allowMismatchedSignatures?: boolean;
  vhostBuckets?: boolean;
}) => S3rverInstance;

// s3rver is CommonJS without type declarations.
const S3rver = createRequire(import.meta.url)('s3rver') as S3rverConstructor;

/**
 * Starts s3rver on 127.0.0.1 with its files under `<dataDir>/s3`, so buckets and objects survive
 * restarts. Clients must use `LOCAL_CREDENTIALS` and `LOCAL_S3_CLIENT_OPTIONS`.
 */
export async function startS3(options: S3EmulatorOptions): Promise<Emulator> {
  const directory = resolve(options.dataDir, 's3');
  await mkdir(directory, { recursive: true });
  const server = new S3rver({ address: '127.0.0.1', port: options.port ?? 0, silent: true, directory, vhostBuckets: false });
  const address = await server.run();
  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      // close() waits for idle keep-alive sockets of SDK clients; drop them first.
      server.httpServer?.closeIdleConnections();
      const closed = server.close();
      server.httpServer?.closeAllConnections();
      await closed;
    },
  };
}
