import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { PmjClient } from '../../client/index.ts';
import { newProject, type Project } from './client.ts';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

/** Runs `pmj` as a user would from the checkout (`npx pmj …` runs bin/pmj.mjs), stdout a pipe and so not a TTY. */
async function pmj(project: Project, args: string[], configDir: string, withEnv = true) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/pmj.mjs', ...args], {
      cwd: root,
      env: { ...process.env, PMJ_CONFIG_DIR: configDir, ...(withEnv ? { PMJ_BASE_URL: inject('baseUrl'), PMJ_TOKEN: project.token } : { PMJ_BASE_URL: '', PMJ_TOKEN: '' }) },
      timeout: 110_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout: string; stderr: string };
    return { code: failed.code ?? -1, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('pmj CLI against the local stack', () => {
  let project: Project;
  let client: PmjClient;
  let configDir: string;

  beforeAll(async () => {
    project = await newProject('cli-user');
    client = new PmjClient({ baseUrl: inject('baseUrl'), token: project.token });
    configDir = await mkdtemp(join(tmpdir(), 'pmj-config-'));
  });

  it('analyze --watch uploads, prints progress and the summary, downloads the artifacts, exit 0', async () => {
    const to = await mkdtemp(join(tmpdir(), 'pmj-results-'));
    const { code, stdout, stderr } = await pmj(project, ['analyze', '../shared/datasets/receipt.csv', '--watch', '--to', to], configDir);
    expect(stderr).not.toMatch(/pmj:/);
    expect(code).toBe(0);

    // Not a TTY: plain lines, no bars and no escape sequences.
    expect(stdout).not.toMatch(/\u001b\[/);
    expect(stdout).toMatch(/^uploaded receipt\.csv \(\d+ bytes\)$/m);
    for (const phase of ['Data Loading & Validation', 'Process Discovery', 'Performance Analysis', 'Machine Learning Analysis', 'Report Generation']) {
      expect(stdout).toContain(`phase ${phase}: Completed in `);
    }
    expect(stdout).toMatch(/^progress 100% \(5\/5 phases\)/m);

    expect(stdout).toMatch(/^operation op-[0-9a-f-]{36} /m);
    const operationId = /^operation (op-[0-9a-f-]{36}) /m.exec(stdout)![1];
    const summary = Object.fromEntries([...stdout.matchAll(/^(Status|Cases|Events|Variants|Top bottleneck|Anomalies|Artifacts) {2,}(.+)$/gm)].map((m) => [m[1], m[2]]));
    const results = await client.results(operationId!);
    expect(summary).toMatchObject({ Status: 'Completed', Cases: '1434', Events: '8577', Variants: '116', Anomalies: String(results.summary.anomaliesDetected), Artifacts: String(results.artifacts!.length) });
    const top = (results.phaseResults.find((p) => p.phaseName === 'Performance Analysis')!.results.bottlenecks as { activity: string }[])[0]!;
    expect(summary['Top bottleneck']).toMatch(new RegExp(`^${top.activity.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(\\d+ % of case time\\)$`));

    // Every artifact the results list is on disk, byte for byte the size the API reports.
    const files = await readdir(to);
    expect(files).toHaveLength(results.artifacts!.length);
    for (const file of files) expect(stdout).toContain(join(to, file));
    const sizes = await Promise.all(files.map(async (f) => (await stat(join(to, f))).size));
    expect(sizes.sort()).toEqual(results.artifacts!.map((a) => a.sizeBytes).sort());
    const pdf = files.find((f) => f.endsWith('.pdf'));
    expect(pdf).toBeDefined();
    expect((await readFile(join(to, pdf!))).subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('--json prints one parseable document; ops get and a missing operation answer the right exit codes', async () => {
    const to = await mkdtemp(join(tmpdir(), 'pmj-results-'));
    const analysed = await pmj(project, ['--json', 'analyze', '../shared/datasets/receipt.csv', '--watch', '--to', to], configDir);
    expect(analysed.code).toBe(0);
    const document = JSON.parse(analysed.stdout);
    expect(document).toMatchObject({ status: 'Completed', summary: { cases: 1434, events: 8577, variants: 116 } });
    expect(document.artifacts.length).toBeGreaterThan(0);
    expect((await readdir(to)).sort()).toEqual(document.artifacts.map((a: { path: string }) => a.path.slice(to.length + 1)).sort());

    const got = await pmj(project, ['--json', 'ops', 'get', document.operationId], configDir);
    expect(got.code).toBe(0);
    expect(JSON.parse(got.stdout)).toMatchObject({ operationId: document.operationId, status: 'Completed' });

    const missing = await pmj(project, ['--json', 'ops', 'get', `op-${randomUUID()}`], configDir);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.stdout).error).toMatchObject({ status: 404, exitCode: 3 });

    const usage = await pmj(project, ['analyze', 'no-such-file.csv'], configDir);
    expect(usage.code).toBe(2);
    analysed_ = document;
  });

  let analysed_: { operationId: string; jobId: string } | undefined;

  it('login stores the config; ops list, jobs logs and timeline, results download and batch submit --watch use it', async () => {
    const home = await mkdtemp(join(tmpdir(), 'pmj-login-'));
    const bare = { ...project, token: '' };
    const before = await pmj(bare, ['ops', 'list'], home, false);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('not logged in');
    const login = await pmj(bare, ['login', '--base-url', inject('baseUrl'), '--token', project.token], home, false);
    expect(login.code).toBe(0);
    expect(JSON.parse(await readFile(join(home, 'config.json'), 'utf8'))).toEqual({ baseUrl: inject('baseUrl'), token: project.token });
    expect((await stat(join(home, 'config.json'))).mode & 0o077).toBe(0);

    const listed = await pmj(bare, ['ops', 'list', '--status', 'Completed'], home, false);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^Operation +Type +Status/);
    expect(listed.stdout).toContain(analysed_!.operationId);

    const logs = await pmj(bare, ['jobs', 'logs', analysed_!.jobId, '--follow'], home, false);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(/INFO +Data Loading & Validation: Loaded 8577 events in 1434 cases/);
    const timeline = await pmj(bare, ['--json', 'jobs', 'timeline', analysed_!.jobId], home, false);
    expect(JSON.parse(timeline.stdout).timeline.map((e: { eventType: string }) => e.eventType)).toEqual(expect.arrayContaining(['JobStarted', 'StageStarted', 'JobCompleted']));

    const to = await mkdtemp(join(tmpdir(), 'pmj-download-'));
    const downloaded = await pmj(bare, ['--json', 'results', 'download', analysed_!.operationId, '--to', to], home, false);
    expect(downloaded.code).toBe(0);
    expect((await readdir(to)).length).toBe(JSON.parse(downloaded.stdout).length);

    const uploaded = JSON.parse((await pmj(bare, ['--json', 'datasets', 'upload', '../shared/datasets/receipt.csv'], home, false)).stdout);
    expect(uploaded).toMatchObject({ status: 'Available', sizeBytes: expect.any(Number) });
    const batchFile = join(to, 'batch.json');
    await writeFile(batchFile, JSON.stringify({
      batchName: 'cli batch',
      operations: [
        { operationKey: 'analyze', operationName: 'analysis', operationType: 'ProcessMiningAnalysis', parameters: { datasetId: uploaded.datasetId } },
        { operationKey: 'report', operationName: 'report', operationType: 'ReportGeneration', dependencies: ['analyze'], parameters: { exportFormats: ['PDF'] } },
      ],
    }));
    const batch = await pmj(bare, ['batch', 'submit', batchFile, '--watch'], home, false);
    expect(batch.code).toBe(0);
    expect(batch.stdout).toMatch(/^analyze: Completed$/m);
    expect(batch.stdout).toMatch(/^report: Completed$/m);
  });
});
