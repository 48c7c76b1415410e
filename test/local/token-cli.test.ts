import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const ids = ['--tenant', '11111111-1111-4111-8111-11111111111A', '--project', '22222222-2222-4222-8222-222222222222'];
let dataDir: string;

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  const run = promisify(execFile)(process.execPath, ['--import', 'tsx', 'local/token-cli.ts', ...args], {
    cwd: root,
    env: { ...process.env, LOCAL_DATA_DIR: dataDir, MAX_TOKEN_LIFETIME_SECONDS: '', ...extraEnv },
  });
  return run.then(
    ({ stdout }) => ({ code: 0, stdout, stderr: '' }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'token-cli-'));
});
afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('npm run token', () => {
  it('mints a token with canonical ids within the maximum lifetime', async () => {
    const { code, stdout } = await cli([...ids, '--ttl', '86400']);
    expect(code).toBe(0);
    const claims = decodeJwt(stdout.trim());
    expect(claims.tenantId).toBe('11111111-1111-4111-8111-11111111111a');
    expect(claims.exp! - claims.iat!).toBe(86_400);
  });

  it('refuses a ttl over the maximum with a clear message', async () => {
    const over = await cli([...ids, '--ttl', '86401']);
    expect(over.code).toBe(2);
    expect(over.stdout).toBe('');
    expect(over.stderr).toMatch(/--ttl 86401 is over the maximum token lifetime of 86400 s/);
    const configured = await cli([...ids, '--ttl', '601'], { MAX_TOKEN_LIFETIME_SECONDS: '600' });
    expect(configured.stderr).toMatch(/maximum token lifetime of 600 s/);
  });

  it('refuses a user id with control characters', async () => {
    const result = await cli([...ids, '--user', 'alice\nadmin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--user/);
  });
});
