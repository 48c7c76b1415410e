import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/handlers/api/dashboard.ts';
import { dashboardPage, env } from '../../../lib/topology.ts';

const root = resolve(import.meta.dirname, '../../..');

describe('the built dashboard', () => {
  it('is the build of the current sources (npm run dashboard:build after changing dashboard/ or client/)', async () => {
    // Prepare: a fresh build of the same sources into a scratch folder.
    const outDir = await mkdtemp(join(tmpdir(), 'dashboard-build-'));
    try {
      // In a process of its own, as `npm run dashboard:build` runs it: NODE_ENV (vitest sets `test`) picks the packages' builds.
      await promisify(execFile)(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'dashboard/vite.config.ts'], {
        cwd: root,
        env: { ...process.env, NODE_ENV: 'production', DASHBOARD_OUT_DIR: outDir },
      });
      // Assess: byte for byte what is committed.
      const [fresh, committed] = await Promise.all([readFile(join(outDir, 'index.html'), 'utf8'), readFile(join(root, dashboardPage), 'utf8')]);
      expect(fresh === committed, `${dashboardPage} is stale: run npm run dashboard:build`).toBe(true);
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('is one self-contained page: its code and styles inline, nothing fetched from elsewhere', async () => {
    const page = await readFile(join(root, dashboardPage), 'utf8');
    expect(page).not.toMatch(/<script[^>]+src=/);
    expect(page).not.toMatch(/<link[^>]+stylesheet/);
    expect(page).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\//i);
    expect(page).toContain('<script id="pmj-config" type="application/json">{}</script>');
  });
});

describe('the Dashboard function', () => {
  afterEach(() => {
    delete process.env[env.dashboardSignInDomain];
    delete process.env[env.dashboardClientId];
  });

  it('serves the page with a policy that runs only its own inline script, by hash', async () => {
    const response = await handler();
    expect(response.statusCode).toBe(200);
    expect(response.headers?.['Content-Type']).toBe('text/html; charset=utf-8');
    const code = /<script type="module">([\s\S]*?)<\/script>/.exec(response.body)![1]!;
    const policy = String(response.headers?.['Content-Security-Policy']);
    expect(policy).toContain(`script-src 'sha256-${createHash('sha256').update(code).digest('base64')}';`);
    expect(/script-src [^;]*/.exec(policy)![0]).not.toContain('unsafe');
    expect(policy).toContain("frame-ancestors 'none'");
    // No hosted UI configured (locally): the page asks for a token.
    expect(response.body).toContain('<script id="pmj-config" type="application/json">{}</script>');
  });

  it("tells the page the hosted UI's domain and client, escaped so no value closes the element", async () => {
    process.env[env.dashboardSignInDomain] = 'https://pmj-1.auth.eu-west-1.amazoncognito.com';
    process.env[env.dashboardClientId] = 'client</script><script>alert(1)';
    const response = await handler();
    const config = /<script id="pmj-config" type="application\/json">(.*?)<\/script>/.exec(response.body)![1]!;
    expect(JSON.parse(config)).toEqual({ cognito: { domain: 'https://pmj-1.auth.eu-west-1.amazoncognito.com', clientId: 'client</script><script>alert(1)' } });
    expect(config).not.toContain('<');
    expect(String(response.headers?.['Content-Security-Policy'])).toContain('https://pmj-1.auth.eu-west-1.amazoncognito.com');
  });
});
