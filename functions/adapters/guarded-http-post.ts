import * as http from 'node:http';
import * as https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { checkReceiver, type ReceiverPolicy, type Resolver } from '../domain/receiver-guard.ts';
import type { Post } from '../domain/callbacks.ts';

export interface GuardedPostOptions {
  resolve: Resolver;
  policy: () => ReceiverPolicy;
  /** The whole attempt, resolution included. */
  timeoutMs?: number;
  /** Bytes of the answer kept; the rest is never read. */
  excerptBytes?: number;
  /** Test seam: the CA of a local https receiver. */
  ca?: string | Buffer;
}

/**
 * POSTs to a receiver that the guard checks again on this attempt: the host is resolved once, every address is
 * checked, and the connection goes only to checked addresses (a pinned `lookup`), so a name that resolves
 * differently a moment later (DNS rebinding) is never asked again. TLS still verifies the certificate against the
 * host name (SNI and Host are the original name). Redirects are not followed: a 3xx is just an answer that is not
 * 2xx. A refused receiver throws ReceiverRefusedError before any connection is made.
 */
export function guardedHttpPost(options: GuardedPostOptions): Post {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const excerptBytes = options.excerptBytes ?? 1024;
  return async (target, body, headers) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const { url, addresses } = await abortable(checkReceiver(target, options.resolve, options.policy()), deadline);
    // Node asks for every address when it races IPv4 and IPv6 (autoSelectFamily): it gets the checked ones only.
    const checked = addresses.map((address) => ({ address, family: isIP(address) === 6 ? 6 : 4 }));
    const pinnedLookup: LookupFunction = (_hostname, lookupOptions, callback) => {
      if (lookupOptions.all) (callback as (error: null, addresses: Array<{ address: string; family: number }>) => void)(null, checked);
      else callback(null, checked[0]!.address, checked[0]!.family);
    };
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const requestOptions: https.RequestOptions = {
      method: 'POST',
      host: hostname,
      port: url.port || undefined,
      path: `${url.pathname}${url.search}`,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' },
      lookup: pinnedLookup,
      // A pooled socket could have been connected to an address checked on an earlier attempt.
      agent: false,
      signal: deadline,
      ...(isIP(hostname) ? {} : { servername: hostname }),
      ...(options.ca ? { ca: options.ca } : {}),
    };
    return new Promise((resolve, reject) => {
      const request = (url.protocol === 'https:' ? https : http).request(requestOptions, (response) => {
        const chunks: Buffer[] = [];
        let kept = 0;
        const finish = () => {
          response.removeAllListeners('data');
          const retryAfter = response.headers['retry-after'];
          resolve({ status: response.statusCode ?? 0, excerpt: Buffer.concat(chunks).toString('utf8'), ...(retryAfter !== undefined ? { retryAfter } : {}) });
          response.destroy();
        };
        response.on('data', (chunk: Buffer) => {
          const room = excerptBytes - kept;
          chunks.push(chunk.subarray(0, room));
          kept += Math.min(room, chunk.length);
          if (kept >= excerptBytes) finish();
        });
        response.on('end', finish);
        // The status is known: an answer cut short (or too slow to finish) still counts as that answer.
        response.on('error', finish);
        response.on('aborted', finish);
      });
      request.on('error', reject);
      request.end(body);
    });
  };
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
