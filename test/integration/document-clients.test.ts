import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createDataset, newProject, startAnalysis, type Project } from './client.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/document-clients');
/** The document's example job id, replaced by the job under test. */
const exampleJobId = 'cc0e8400-e29b-41d4-a716-446655440000';
/** The workflow polls every 30 s; the harness's clock runs that interval 60 times faster (500 ms). */
const intervalScale = 60;

const pythonWithRequests = await new Promise<boolean>((done) => execFile('python3', ['-c', 'import requests'], (error) => done(!error)));

async function until(check: () => boolean, timeoutMs: number, what: string) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the job-tracking document's example clients, run as they are", () => {
  let project: Project;
  let receiver: LoopbackReceiver;
  let jobId: string;

  beforeAll(async () => {
    receiver = await startLoopbackReceiver();
    project = await newProject('user123');
    const { datasetId } = await createDataset(project, 'receipt.csv', 'csv');
    const started = await startAnalysis(project, datasetId);
    jobId = started.body.jobId;
  });
  afterAll(() => receiver.close());

  it('runTrackingWorkflow follows a job to its end and prints its final efficiency', async () => {
    // Only the base URL, the token, the receiver and the job id are supplied; the code is the document's.
    const source = readFileSync(resolve(fixtures, 'tracking-workflow.js'), 'utf8')
      .replaceAll('/api/{tenantId}/{projectId}', `${inject('baseUrl')}${project.base}`)
      .replaceAll('https://your-app.com/webhooks/job-events', `${receiver.base}/job-events`)
      .replaceAll(exampleJobId, jobId);
    const printed: string[] = [];
    const errors: unknown[][] = [];
    const intervals = new Set<NodeJS.Timeout>();
    const context = {
      fetch,
      token: project.token,
      console: { log: (...args: unknown[]) => printed.push(args.map(String).join(' ')), error: (...args: unknown[]) => errors.push(args) },
      setInterval: (fn: () => void, ms: number) => {
        const handle = setInterval(fn, ms / intervalScale);
        intervals.add(handle);
        return handle;
      },
      clearInterval: (handle: NodeJS.Timeout) => {
        clearInterval(handle);
        intervals.delete(handle);
      },
    };
    try {
      runInNewContext(source, context);
      await until(() => printed.some((line) => line.startsWith('最終効率: ')) || errors.length > 0, 90_000, 'the workflow to report completion');
    } finally {
      for (const handle of intervals) clearInterval(handle);
    }
    expect(errors).toEqual([]);
    expect(printed[0]).toBe('包括的なジョブ追跡を開始します...');
    expect(printed).toContain('ジョブ追跡中: integration analysis');
    expect(printed.find((line) => line.startsWith('ジョブイベントに購読: '))).toMatch(/^ジョブイベントに購読: sub-[0-9a-f-]{36}$/);
    expect(printed.find((line) => line.startsWith('  CPU 使用率: '))).toMatch(/^ {2}CPU 使用率: (\d+|null)%$/);
    expect(printed).toContain('ジョブタイムライン:');
    expect(printed.filter((line) => line.startsWith('[')).every((line) => /^\[\d{4}-\d{2}-\d{2}T[^\]]+\] (INFO|WARN|ERROR|[A-Z][A-Za-z]+): .+$/.test(line))).toBe(true);
    expect(printed).toContain('ジョブが正常に完了しました!');
    expect(printed.find((line) => line.startsWith('最終効率: '))).toMatch(/^最終効率: (Good|Fair|Poor)$/);
    const percentages = printed.filter((line) => line.startsWith('進捗更新: ')).map((line) => Number(line.slice('進捗更新: '.length, -1)));
    expect([...percentages].sort((a, b) => a - b)).toEqual(percentages);
  });

  it.skipIf(!pythonWithRequests)('JobTracker (Python, requests) reads every field the document shows', async () => {
    const output = await new Promise<string>((done, fail) =>
      execFile('python3', [resolve(fixtures, 'run_job_tracker.py'), inject('baseUrl'), project.tenantId, project.projectId, project.token, jobId], { cwd: fixtures, timeout: 120_000 }, (error, stdout, stderr) =>
        error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout),
      ),
    );
    const lines = output.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('progress ')).at(-1)).toBe('progress Completed 100');
    expect(lines).toContainEqual(expect.stringMatching(/^logs \d+ debug [1-9]\d*$/));
    expect(lines).toContainEqual(expect.stringMatching(/^efficiency (Good|Fair|Poor)$/));
    expect(lines).toContain('benchmark ProcessMiningAnalysis');
    expect(lines).toContainEqual(expect.stringMatching(/^history [1-9]\d*$/));
    expect(lines).toContain('timeline JobStarted .. JobCompleted');
    expect(lines).toContain('tracking 1 Completed Good');
  });

  it.skipIf(!pythonWithRequests)("AsyncOperationManager (Python, the async-operations document's) starts, follows, lists and cancels", async () => {
    const other = await newProject('user456');
    const { datasetId } = await createDataset(other, 'receipt.csv', 'csv');
    const output = await new Promise<string>((done, fail) =>
      execFile(
        'python3',
        [resolve(fixtures, 'run_async_operation_manager.py'), inject('baseUrl'), other.tenantId, other.projectId, other.token, datasetId, `${receiver.base}/async`],
        { cwd: fixtures, timeout: 120_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stderr}`)) : done(stdout)),
      ),
    );
    const lines = output.trim().split('\n');
    expect(lines).toEqual(['started Initiated ProcessMiningAnalysis', 'ended Completed 100', 'listed 1', expect.stringMatching(/^cancel 200 Cancel(led|ling)$/)]);
  });
});
