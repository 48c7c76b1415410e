import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { call, createDataset, newProject, startAnalysis, type Project } from './client.ts';
import { januaryLogFrom } from '../fixtures/document-clients/january-log.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';

const fixtures = resolve(import.meta.dirname, '../fixtures/document-clients');
/**
 * The documents' example ids, replaced by real ones of the test's project (the only edit to their code besides the base
 * URL, the token and receiver URLs): the job id of the tracking workflow, the dataset id of the async workflow.
 */
const exampleJobId = 'cc0e8400-e29b-41d4-a716-446655440000';
const exampleDatasetId = '880e8400-e29b-41d4-a716-446655440000';
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

  it("runAsyncWorkflow (the async-operations document's) registers, starts, follows and prints the results", async () => {
    const other = await newProject('analyst');
    const log = januaryLogFrom('receipt.csv');
    const created = await call('POST', `${other.base}/datasets`, { token: other.token, body: { name: 'receipt, January 2024', format: 'csv' } });
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: log.csv });
    expect(put.ok).toBe(true);
    // The document's start asks for Slack notifications: the project's Slack integration is a loopback receiver.
    const slack = await call('PUT', `${other.base}/async/integrations/slack`, { token: other.token, body: { webhookUrl: `${receiver.base}/slack` } });
    expect(slack.status).toBe(200);
    const source = readFileSync(resolve(fixtures, 'async-workflow.js'), 'utf8')
      .replaceAll('/api/{tenantId}/{projectId}', `${inject('baseUrl')}${other.base}`)
      .replaceAll('https://your-app.com/webhooks/', `${receiver.base}/async-workflow/`)
      .replaceAll(exampleDatasetId, created.body.datasetId);
    const printed: string[] = [];
    const errors: unknown[][] = [];
    const timers = new Set<NodeJS.Timeout>();
    const exchanges: string[] = [];
    let inFlight = 0;
    let idleSince: number | null = null;
    // The document's flow can also end without a word (a poll that sees neither Running, Completed nor Failed):
    // nothing in flight and no timer pending for a second is an end too, so the test fails at once and says what it saw.
    const ended = () => {
      if (inFlight > 0 || timers.size > 0 || printed.length < 4) idleSince = null;
      else idleSince ??= Date.now();
      return idleSince !== null && Date.now() - idleSince > 1000;
    };
    const context = {
      fetch: async (...args: Parameters<typeof fetch>) => {
        inFlight += 1;
        try {
          const response = await fetch(...args);
          const body = await response.text();
          exchanges.push(`${(args[1]?.method ?? 'GET')} ${String(args[0]).replace(inject('baseUrl'), '')} -> ${response.status} ${body.slice(0, 400)}`);
          return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
        } finally {
          inFlight -= 1;
        }
      },
      token: other.token,
      console: { log: (...args: unknown[]) => printed.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')), error: (...args: unknown[]) => errors.push(args) },
      setTimeout: (fn: () => void, ms: number) => {
        const handle = setTimeout(() => {
          timers.delete(handle);
          fn();
        }, ms / intervalScale);
        timers.add(handle);
        return handle;
      },
    };
    try {
      runInNewContext(source, context);
      // The artifacts are printed synchronously after the summary, so the summary line means the workflow has ended.
      await until(() => printed.some((line) => line.startsWith('操作結果: ')) || errors.length > 0 || ended(), 90_000, 'the workflow to print the results');
    } finally {
      for (const handle of timers) clearTimeout(handle);
    }
    expect(errors, exchanges.join('\n')).toEqual([]);
    expect(printed, `the workflow ended before printing the results:\n${printed.join('\n')}`).toContain('操作が正常に完了しました!');
    expect(printed[0]).toBe('非同期操作ワークフローを開始します...');
    expect(printed[1]).toMatch(/^Webhook登録完了: wh-[0-9a-f-]{36}$/);
    const operationId = /^操作開始: (op-[0-9a-f-]{36})$/.exec(printed[2]!)?.[1];
    expect(operationId).toBeDefined();
    // A fresh project has no history of the type: the start's estimate is null, not invented.
    expect(printed[3]).toBe('推定完了時間: null');
    // monitorOperation polls again only while the status is Running: its first poll must already see the run.
    const polls = printed.filter((line) => line.startsWith(`操作 ${operationId}: `));
    expect(polls[0]).toMatch(/: (Running|Completed) \(\d+%\)$/);
    expect(polls.at(-1)).toBe(`操作 ${operationId}: Completed (100%)`);
    const percentages = polls.map((line) => Number(/\((\d+)%\)$/.exec(line)![1]));
    expect([...percentages].sort((a, b) => a - b)).toEqual(percentages);
    expect(printed.filter((line) => line.startsWith('推定完了時間: ')).every((line) => /^推定完了時間: (null|\d{4}-\d{2}-\d{2}T\S+Z)$/.test(line))).toBe(true);
    expect(printed).toContain('操作が正常に完了しました!');
    // The summary counts the events the window kept: those of the generated log that fall in January 2024.
    const summary = JSON.parse(printed.find((line) => line.startsWith('操作結果: '))!.slice('操作結果: '.length));
    expect(summary.recordsAnalyzed).toBe(log.eventsInJanuary);
    expect(log.eventsInJanuary).toBeLessThan(log.events);
    expect(printed).toContain('生成された成果物:');
    const artifacts = printed.filter((line) => line.startsWith('- '));
    expect(artifacts.length).toBe(summary.artifactsCreated);
    expect(artifacts.every((line) => /^- .+ \([A-Z]+\): http:\/\/127\.0\.0\.1:\d+\/\S+$/.test(line))).toBe(true);
    for (const format of ['PDF', 'CSV', 'JSON']) expect(artifacts.some((line) => line.includes(`(${format}):`))).toBe(true);
    // What the document registered was delivered to the loopback receiver: the webhook's start and end, the completion callback, the Slack post.
    const delivered = (path: string, text: string) => receiver.messages().some((m) => m.path === path && m.body.includes(operationId!) && m.body.includes(text));
    await until(
      () => delivered('/async-workflow/async-operations', 'operation.completed') && delivered('/async-workflow/completion', 'operation.completed') && delivered('/slack', operationId!),
      20_000,
      'the webhook, the completion callback and the Slack post',
    );
    expect(delivered('/async-workflow/async-operations', 'operation.started')).toBe(true);
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
