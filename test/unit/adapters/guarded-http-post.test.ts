import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { dnsResolver } from '../../../functions/adapters/dns-receiver-guard.ts';
import { guardedHttpPost } from '../../../functions/adapters/guarded-http-post.ts';
import { ReceiverRefusedError, receiverPolicy, ResolvingReceiverGuard, type Resolver } from '../../../functions/domain/receiver-guard.ts';

// Every request in this file goes to a server on 127.0.0.1; names are answered by a stub resolver.
const policy = () => receiverPolicy('127.0.0.0/8', 'loopback');

interface Seen {
  method?: string;
  url?: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
let seen: Seen[] = [];
let answer: (request: IncomingMessage, response: ServerResponse) => void;

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      seen.push({ method: request.method, url: request.url, headers: request.headers, body });
      answer(request, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  seen = [];
  answer = (_request, response) => response.writeHead(204).end();
});

function countingResolver(answers: (call: number) => string[]) {
  let calls = 0;
  const resolve: Resolver = async () => answers(++calls);
  return { resolve, calls: () => calls };
}

describe('guardedHttpPost', () => {
  it('posts the body and headers and returns the status', async () => {
    const post = guardedHttpPost({ resolve: countingResolver(() => []).resolve, policy });
    const result = await post(`http://127.0.0.1:${port}/hooks?x=1`, '{"a":1}', { 'Content-Type': 'application/json', 'X-Webhook-Event': 'e' });
    expect(result).toEqual({ status: 204, excerpt: '' });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/hooks?x=1', body: '{"a":1}' });
    expect(seen[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'x-webhook-event': 'e', 'content-length': '7' });
  });

  it('connects to the address it checked, keeps the name as Host, and resolves only once', async () => {
    const { resolve, calls } = countingResolver((call) => (call === 1 ? ['127.0.0.1'] : ['10.0.0.1']));
    const post = guardedHttpPost({ resolve, policy: () => receiverPolicy('127.0.0.0/8,receiver.test', 'loopback') });
    const result = await post(`http://receiver.test:${port}/cb`, '{}', {});
    expect(result.status).toBe(204);
    expect(seen[0]!.headers.host).toBe(`receiver.test:${port}`);
    expect(calls()).toBe(1);
  });

  it('refuses a name that now resolves to a refused address, without connecting (DNS rebinding)', async () => {
    const { resolve } = countingResolver((call) => (call === 1 ? ['93.184.216.34'] : ['169.254.169.254']));
    // Registration resolves first and sees a public address; the delivery attempt resolves again and sees metadata.
    await new ResolvingReceiverGuard(resolve, policy()).assertAllowed(`https://rebind.test:${port}/`, 'body.webhookUrl');
    const post = guardedHttpPost({ resolve, policy });
    const refused = await post(`https://rebind.test:${port}/`, '{}', {}).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ReceiverRefusedError);
    expect((refused as ReceiverRefusedError).reason).toContain('169.254.169.254');
    expect(seen).toHaveLength(0);
  });

  it('refuses a name if any of its addresses is refused, without connecting', async () => {
    const post = guardedHttpPost({ resolve: countingResolver(() => ['127.0.0.1', '10.0.0.1']).resolve, policy: () => receiverPolicy('127.0.0.0/8', undefined) });
    await expect(post(`https://mixed.test:${port}/`, '{}', {})).rejects.toMatchObject({ reason: expect.stringContaining('10.0.0.1, a private address') });
    expect(seen).toHaveLength(0);
  });

  it('refuses loopback when the policy does not allow-list it, without connecting', async () => {
    const post = guardedHttpPost({ resolve: countingResolver(() => []).resolve, policy: () => receiverPolicy('', undefined) });
    await expect(post(`https://127.0.0.1:${port}/`, '{}', {})).rejects.toThrow(ReceiverRefusedError);
    await expect(post(`http://127.0.0.1:${port}/`, '{}', {})).rejects.toThrow(ReceiverRefusedError);
    expect(seen).toHaveLength(0);
  });

  it('does not follow redirects: a 3xx is the answer', async () => {
    answer = (request, response) => {
      if (request.url === '/start') response.writeHead(302, { Location: `http://127.0.0.1:${port}/elsewhere` }).end('moved');
      else response.writeHead(200).end('followed');
    };
    const post = guardedHttpPost({ resolve: countingResolver(() => []).resolve, policy });
    const result = await post(`http://127.0.0.1:${port}/start`, '{}', {});
    expect(result).toEqual({ status: 302, excerpt: 'moved' });
    expect(seen.map((request) => request.url)).toEqual(['/start']);
  });

  it('keeps at most the excerpt of a large answer and stops reading', async () => {
    answer = (_request, response) => {
      response.writeHead(500, { 'Content-Type': 'text/plain' });
      response.write('x'.repeat(1000));
      response.write('y'.repeat(100_000));
      // Never ends: the client has to stop reading on its own.
    };
    const post = guardedHttpPost({ resolve: countingResolver(() => []).resolve, policy, timeoutMs: 5_000 });
    const started = Date.now();
    const result = await post(`http://127.0.0.1:${port}/big`, '{}', {});
    expect(result.status).toBe(500);
    expect(result.excerpt).toBe('x'.repeat(1000) + 'y'.repeat(24));
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    answer = () => {
      // Holds the request open.
    };
    const post = guardedHttpPost({ resolve: countingResolver(() => []).resolve, policy, timeoutMs: 300 });
    const started = Date.now();
    await expect(post(`http://127.0.0.1:${port}/slow`, '{}', {})).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('counts the time spent resolving in the attempt', async () => {
    const post = guardedHttpPost({ resolve: () => new Promise(() => {}), policy: () => receiverPolicy('127.0.0.0/8,hang.test', undefined), timeoutMs: 200 });
    const started = Date.now();
    await expect(post('https://hang.test/', '{}', {})).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen).toHaveLength(0);
  });
});

describe('guardedHttpPost over https', () => {
  let tls: HttpsServer;
  let tlsPort: number;
  let cert: string;
  const names: Array<string | undefined> = [];

  beforeAll(async () => {
    // A throwaway certificate for the name only: the connection goes to 127.0.0.1, TLS verifies receiver.test.
    const dir = mkdtempSync(join(tmpdir(), 'guarded-post-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=receiver.test', '-addext', 'subjectAltName=DNS:receiver.test',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    tls = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (request, response) => {
      names.push((request.socket as TLSSocket).servername || undefined);
      request.resume().on('end', () => response.writeHead(201).end('ok'));
    });
    await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
    tlsPort = (tls.address() as AddressInfo).port;
    rmSync(dir, { recursive: true });
  });

  afterAll(async () => {
    tls.closeAllConnections();
    await new Promise((resolve) => tls.close(resolve));
  });

  it('sends the original name as SNI and verifies the certificate against it, connected to the pinned address', async () => {
    const { resolve, calls } = countingResolver(() => ['127.0.0.1']);
    const post = guardedHttpPost({ resolve, policy: () => receiverPolicy('127.0.0.0/8', undefined), ca: cert });
    expect(await post(`https://receiver.test:${tlsPort}/cb`, '{}', {})).toEqual({ status: 201, excerpt: 'ok' });
    expect(names).toEqual(['receiver.test']);
    expect(calls()).toBe(1);
  });

  it('fails when the certificate does not name the host', async () => {
    const post = guardedHttpPost({ resolve: countingResolver(() => ['127.0.0.1']).resolve, policy: () => receiverPolicy('127.0.0.0/8', undefined), ca: cert });
    await expect(post(`https://other.test:${tlsPort}/cb`, '{}', {})).rejects.toThrow(/altnames|certificate/i);
  });
});

describe('dnsResolver', () => {
  it('returns every address, and nothing for a name that does not exist', async () => {
    const resolve = dnsResolver(1000, async (hostname) => {
      if (hostname === 'two.test') return [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700::1', family: 6 }];
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    expect(await resolve('two.test')).toEqual(['93.184.216.34', '2606:4700::1']);
    expect(await resolve('none.test')).toEqual([]);
  });

  it('refuses a name whose resolution fails or takes too long', async () => {
    const failing = dnsResolver(1000, async () => {
      throw Object.assign(new Error('temporary'), { code: 'EAI_AGAIN' });
    });
    await expect(failing('flaky.test')).rejects.toMatchObject({ reason: 'host flaky.test could not be resolved (EAI_AGAIN)' });
    const slow = dnsResolver(50, () => new Promise(() => {}));
    await expect(slow('slow.test')).rejects.toMatchObject({ reason: 'host slow.test did not resolve within 0.05 s' });
  });
});
