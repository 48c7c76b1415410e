import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A receiver for webhooks, subscriptions and callbacks on 127.0.0.1 that accepts everything at once. */
export interface LoopbackReceiver {
  base: string;
  received(): number;
  /** What was posted, in order of arrival: the path and the body as text. */
  messages(): ReadonlyArray<{ path: string; body: string }>;
  close(): Promise<void>;
}

export async function startLoopbackReceiver(): Promise<LoopbackReceiver> {
  let count = 0;
  const messages: Array<{ path: string; body: string }> = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      count += 1;
      messages.push({ path: request.url ?? '/', body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received: () => count,
    messages: () => messages,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * A string the WHATWG parser (the one the service uses) reads as a URL with a host outside 127.0.0.0/8 and ::1.
 * Whatever the scheme: a receiver check that let `ftp:` or `https:` through must not get the chance to deliver.
 */
export function isOffMachineUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.hostname !== '' && !isLoopbackHost(url.hostname);
}

/** Whether any string in a JSON value (at any depth: walked without recursion) names an off-machine host. */
export function hasOffMachineUrl(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const node = stack.pop();
    if (typeof node === 'string' && isOffMachineUrl(node)) return true;
    if (node && typeof node === 'object') stack.push(...Object.values(node));
  }
  return false;
}

/**
 * Replaces every string in a JSON value that names an off-machine host by `loopbackUrl`, so a generated body can
 * never register a receiver anywhere but this machine, whatever the service's own checks do.
 */
export function keepReceiversOnLoopback(value: unknown, loopbackUrl: string): { value: unknown; replaced: number } {
  let replaced = 0;
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (isOffMachineUrl(node)) {
        replaced += 1;
        return loopbackUrl;
      }
      return node;
    }
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') {
      // defineProperty, so a generated "__proto__" key stays an own key, as JSON.parse keeps it.
      const copy: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) Object.defineProperty(copy, key, { value: walk(child), enumerable: true, writable: true, configurable: true });
      return copy;
    }
    return node;
  };
  return { value: walk(value), replaced };
}
