import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { contractViolationsReport } from './contract-violations.ts';
import { contractCheckEnv } from '../../local/contract-check.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dataDir: string;
  }
}

let child: ChildProcess | undefined;
let dataDir: string | undefined;
let violationsFile: string | undefined;

/** Starts the local stack the way `npm start` does, on a free port and a fresh data folder. */
export async function setup(project: TestProject) {
  dataDir = await mkdtemp(join(tmpdir(), 'pm-integration-'));
  const root = resolve(import.meta.dirname, '../..');
  // Every answer the stack sends during the run is checked against the OpenAPI document; teardown reports violations.
  violationsFile = join(dataDir, 'contract-violations.ndjson');
  child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    cwd: root,
    // A small limit, so the tests can watch operations wait for a slot.
    env: { ...process.env, PORT: '0', LOCAL_DATA_DIR: dataDir, MAX_ACTIVE_OPERATIONS_PER_PROJECT: '2', [contractCheckEnv]: violationsFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`local stack did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child!.stdout!.on('data', onData);
    child!.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (process.env.LOCAL_STACK_LOGS) process.stderr.write(chunk);
    });
    child!.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`local stack exited with ${code}:\n${output}`));
    });
  });
  project.provide('baseUrl', baseUrl);
  project.provide('dataDir', dataDir);
}

export async function teardown() {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }
  const report = violationsFile ? await contractViolationsReport(violationsFile) : undefined;
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  // Every test has run: the run fails here, naming each route and status. Vitest only logs an error thrown from a
  // global teardown and still exits 0, so the exit code is set as well.
  if (report) {
    process.exitCode = 1;
    throw new Error(report);
  }
}
