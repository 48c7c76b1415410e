import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticCsv } from '../../bench/synthetic-log.ts';
import { call, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

const terminal = ['Completed', 'Failed', 'Cancelled', 'Timeout'];

interface Observation {
  at: number;
  status: string;
  percentage: number;
  running: { phaseName: string; progress?: number; currentActivity?: { component: string; operation: string; details: string | null } } | undefined;
}

/** The operation's status every 250 ms until `stop` says so (or it ends), with a hard limit. */
async function poll(project: Project, operationId: string, stop: (o: Observation) => boolean, limitMs: number): Promise<Observation[]> {
  const seen: Observation[] = [];
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    const { body } = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    const observation = { at: Date.now(), status: body.status, percentage: body.progress.percentage, running: body.phases.find((p: { status: string }) => p.status === 'Running') };
    seen.push(observation);
    if (terminal.includes(body.status) || stop(observation)) return seen;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`operation ${operationId} still ${seen.at(-1)?.status} after ${limitMs} ms`);
}

describe('progress inside phases, on a 2,000,000-event log', () => {
  let project: Project;
  let datasetId: string;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pm-progress-'));
    const file = writeSyntheticCsv({ events: 2_000_000, seed: 1 }, join(dir, 'synthetic-2000000.csv'));
    project = await newProject('watcher');
    const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'synthetic-2000000', format: 'csv' } });
    expect(created.status).toBe(201);
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: await readFile(file) });
    expect(put.ok).toBe(true);
    datasetId = created.body.datasetId;
  }, 60_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('rises inside the phases and never falls, with the running phase\'s progress and activity changing', async () => {
    const started = await startAnalysis(project, datasetId);
    expect(started.status).toBe(202);
    const seen = await poll(project, started.body.operationId, () => false, 50_000);
    expect(seen.at(-1)!.status).toBe('Completed');

    const percentages = seen.map((o) => o.percentage);
    expect(percentages.every((p, i) => i === 0 || p >= percentages[i - 1]!)).toBe(true);
    // Inside phases: figures other than the phase boundaries (20 % steps with equal weights and no history here).
    const inside = new Set(percentages.filter((p) => p % 20 !== 0));
    expect(inside.size).toBeGreaterThanOrEqual(3);
    const running = seen.flatMap((o) => (o.running ? [o.running] : []));
    const loading = running.filter((p) => p.phaseName === 'Data Loading & Validation');
    expect(new Set(loading.map((p) => p.progress)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(loading.map((p) => p.currentActivity?.details)).size).toBeGreaterThanOrEqual(3);
    expect(loading.at(-1)!.currentActivity).toMatchObject({ component: expect.any(String), operation: expect.stringMatching(/records|checkpoint/) });
    // Phases seen mid-way (progress strictly between 0 and 100), and the activities the engine reported. Only the
    // loading phase is long enough on this log to be caught by every run: the later phases last well under a second
    // each on an idle machine and can fall between two polls, so how many of them were caught is logged, not asserted.
    const midway = new Set(running.filter((p) => (p.progress ?? 0) > 0 && (p.progress ?? 0) < 100).map((p) => p.phaseName));
    expect(midway.has('Data Loading & Validation')).toBe(true);
    expect(new Set(running.map((p) => p.currentActivity?.operation)).size).toBeGreaterThanOrEqual(2);
    console.log(
      JSON.stringify({
        polls: seen.length,
        seconds: (seen.at(-1)!.at - seen[0]!.at) / 1000,
        percentages: [...new Set(percentages)],
        midway: [...midway],
        activities: [...new Set(running.map((p) => `${p.phaseName}: ${p.currentActivity?.operation}`))],
      }),
    );
  });

  it('stops the running phase at its next safe point within about 2 s of a graceful cancel, not Completed', async () => {
    const started = await startAnalysis(project, datasetId);
    const operationId = started.body.operationId as string;
    // Cancel while the loading phase is under way: a long phase that reports every 65,536 records.
    const before = await poll(project, operationId, (o) => o.running?.phaseName === 'Data Loading & Validation' && (o.running.progress ?? 0) >= 5, 30_000);
    expect(before.at(-1)!.status).toBe('Running');
    const cancelledAt = Date.now();
    const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token, body: { reason: 'enough' } });
    expect(cancelled.status).toBe(200);

    let phase: { phaseName: string; status: string; progress?: number; endTime?: string } | undefined;
    while (Date.now() - cancelledAt < 10_000) {
      const { body } = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
      phase = body.phases.find((p: { phaseName: string }) => p.phaseName === 'Data Loading & Validation');
      if (phase?.status !== 'Running') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(phase).toMatchObject({ status: 'Cancelled' });
    expect(Date.parse(phase!.endTime!) - cancelledAt).toBeLessThan(2_500);
    expect(phase!.progress).toBeGreaterThan(0);
    // Nothing starts after it.
    await new Promise((r) => setTimeout(r, 1500));
    const after = await waitForStatus(project, operationId, terminal);
    expect(after.status).toBe('Cancelled');
    expect(after.phases.slice(1).every((p: { status: string }) => p.status === 'Pending')).toBe(true);
  });
});
