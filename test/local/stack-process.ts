import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';

export interface StackProcess {
  url: string;
  output(): string;
  /**
   * What Ctrl-C does: SIGINT to `npm start` and everything it started. Resolves once every process of the group is
   * gone and their output is closed, true when they all ended by themselves within 30 s.
   */
  stop(): Promise<boolean>;
}

/** Runs `npm start` as the README does, in its own process group (a terminal's job), on a free port and the given data folder. */
export async function startStackProcess(dataDir: string, env: Record<string, string> = {}): Promise<StackProcess> {
  const child: ChildProcess = spawn('npm', ['start', '--silent'], {
    cwd: resolve(import.meta.dirname, '../..'),
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (process.env.LOCAL_STACK_LOGS) process.stderr.write(chunk);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)));
  // npm gives up on SIGINT at once; the stack's own processes still hold the output pipes while they shut down.
  const closed = new Promise<void>((resolveClose) => child.once('close', () => resolveClose()));
  const groupAlive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start in 90 s:\n${output}`)), 90_000);
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        resolveUrl(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    output: () => output,
    async stop() {
      if (!groupAlive()) return true;
      process.kill(-child.pid!, 'SIGINT');
      const deadline = Date.now() + 30_000;
      const ended = await Promise.race([closed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 30_000))]);
      while (ended && groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (ended && !groupAlive()) return true;
      process.kill(-child.pid!, 'SIGKILL');
      return false;
    },
  };
}

export interface ReceivedDelivery {
  at: number;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A webhook receiver on 127.0.0.1 that answers 500 ("down") until it is brought up, and records every attempt. */
export async function startFlakyReceiver() {
  let up = false;
  const deliveries: ReceivedDelivery[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answered = up ? 204 : 500;
      deliveries.push({ at: Date.now(), path: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString(), answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    bringUp: () => {
      up = true;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls `check` until it returns a value, for at most `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
