import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

describe('job tracking, served from what the job recorded', () => {
  let project: Project;
  let operation: any;
  let job: string;

  beforeAll(async () => {
    project = await newProject('carol');
    const { datasetId } = await createDataset(project, 'receipt.csv', 'csv');
    const started = await startAnalysis(project, datasetId);
    operation = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
    job = `${project.base}/execution/job/${operation.execution.executionId}`;
  });

  it('lists structured logs with level filters and a summary', async () => {
    const info = await call('GET', `${job}/logs`, { token: project.token });
    expect(info.status).toBe(200);
    expect(info.body).toMatchObject({ jobId: operation.execution.executionId, jobName: 'integration analysis', jobStatus: 'Completed' });
    const messages = info.body.logs.map((l: { message: string }) => l.message);
    expect(messages).toContain('Data Loading & Validation started');
    expect(messages).toContain('Report Generation completed');
    expect(info.body.logs[0]).toMatchObject({ timestamp: expect.any(String), level: 'INFO', component: expect.any(String), stage: expect.any(String) });
    const times = info.body.logs.map((l: { timestamp: string }) => l.timestamp);
    expect([...times].sort()).toEqual(times);
    expect(info.body.logsSummary.totalEntries).toBe(info.body.logsSummary.infoEntries + info.body.logsSummary.warnEntries + info.body.logsSummary.errorEntries + info.body.logsSummary.debugEntries);

    const errors = await call('GET', `${job}/logs?level=ERROR`, { token: project.token });
    expect(errors.body.logs).toEqual([]);
    const limited = await call('GET', `${job}/logs?limit=2&format=raw`, { token: project.token });
    expect(limited.body.logs).toHaveLength(2);
    expect(limited.body.logs[0]).toMatch(/^\d{4}-\d{2}-\d{2}T.* INFO /);
    const later = await call('GET', `${job}/logs?fromTime=${encodeURIComponent(operation.phases[4].startTime)}`, { token: project.token });
    expect(later.body.logs.every((l: { timestamp: string }) => l.timestamp >= operation.phases[4].startTime)).toBe(true);
    expect((await call('GET', `${job}/logs?level=TRACE`, { token: project.token })).status).toBe(400);
    expect((await call('GET', `${job}/logs?limit=10001`, { token: project.token })).status).toBe(400);
  });

  it('reports progress by stage with the recorded timestamps', async () => {
    const progress = await call('GET', `${job}/progress`, { token: project.token });
    expect(progress.body.overallProgress.percentage).toBe(100);
    expect(progress.body.stages.map((s: { stageName: string; stageOrder: number; startTime: string }) => [s.stageName, s.stageOrder, s.startTime])).toEqual(
      operation.phases.map((p: { phaseName: string; startTime: string }, i: number) => [p.phaseName, i + 1, p.startTime]),
    );
    expect(progress.body.qualityMetrics).toMatchObject({ dataQualityScore: 100, stagesCompleted: 5, stagesFailed: 0, errorsEncountered: 0 });
  });

  it('gives a timeline from job start to completion', async () => {
    const major = await call('GET', `${job}/timeline?granularity=major_events`, { token: project.token });
    const types = major.body.timeline.map((e: { eventType: string }) => e.eventType);
    expect(types[0]).toBe('JobStarted');
    expect(types.at(-1)).toBe('JobCompleted');
    expect(types.filter((t: string) => t === 'StageCompleted')).toHaveLength(5);
    expect(major.body.upcomingEvents).toEqual([]);
    const detailed = await call('GET', `${job}/timeline?includeSubEvents=true&granularity=seconds`, { token: project.token });
    expect(detailed.body.timeline.some((e: { eventType: string }) => e.eventType === 'Milestone')).toBe(true);
    expect(detailed.body.timeline[0].timestamp).toMatch(/:\d{2}\.000Z$/);
  });

  it('reports measured resource metrics and their history', async () => {
    const metrics = await call('GET', `${job}/metrics?includeHistory=true&interval=1m`, { token: project.token });
    expect(metrics.body.currentMetrics.resourceUtilization.memory.usedBytes).toBeGreaterThan(0);
    expect(metrics.body.currentMetrics.processing).toMatchObject({ recordsProcessed: 8577, totalRecords: 8577, errorRate: 0 });
    expect(metrics.body.currentMetrics.stages).toMatchObject({ completed: 5, running: 0, pending: 0 });
    expect(metrics.body.historicalMetrics.length).toBeGreaterThan(0);
    const cpuOnly = await call('GET', `${job}/metrics?metrics=cpu`, { token: project.token });
    expect(Object.keys(cpuOnly.body.currentMetrics.resourceUtilization)).toEqual(['cpu']);
    expect((await call('GET', `${job}/metrics?metrics=cpu,gpu`, { token: project.token })).status).toBe(400);
  });

  it('tracks several jobs at once', async () => {
    const tracked = await call('GET', `${project.base}/execution/tracking/batch?jobIds=${operation.execution.executionId}&includeMetrics=true`, { token: project.token });
    expect(tracked.body).toMatchObject({ jobCount: 1, summary: { completed: 1, running: 0 } });
    expect(tracked.body.jobs[0]).toMatchObject({ jobId: operation.execution.executionId, status: 'Completed', progress: 100, submittedBy: 'carol' });
    expect((await call('GET', `${project.base}/execution/tracking/batch?submittedBy=nobody`, { token: project.token })).body.jobCount).toBe(0);
  });

  it("hides other projects' jobs", async () => {
    const stranger = await newProject();
    expect((await call('GET', `${stranger.base}/execution/job/${operation.execution.executionId}/logs`, { token: stranger.token })).status).toBe(404);
  });
});
