import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import { functions } from '../../lib/topology.ts';

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
    // Taken from the job's progress: nothing runs once it has completed.
    expect(info.body.executionMetrics).toMatchObject({ currentStage: null, overallProgress: 100 });
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

  it('completes every metrics field: measured, computed, or null where nothing can be known', async () => {
    const { body } = await call('GET', `${job}/metrics`, { token: project.token });
    const used = body.currentMetrics.resourceUtilization;
    expect(used.cpu).toEqual({ usage: expect.any(Number), cores: expect.any(Number), efficiency: expect.any(Number) });
    expect(used.memory).toMatchObject({ allocatedBytes: functions.RunPhase.memoryMb * 1024 * 1024, peakBytes: expect.any(Number), efficiency: expect.any(Number) });
    expect(used.disk).toMatchObject({ reads: expect.any(String), writes: expect.any(String), iops: null, latency: null });
    expect(used.network).toMatchObject({ bytesIn: expect.any(String), bytesOut: expect.any(String), requests: expect.any(Number), connections: null });
    expect(body.currentMetrics.processing).toMatchObject({ processingEfficiency: expect.any(Number), errorRate: 0, retryRate: 0 });
    expect(body.currentMetrics.stages).toMatchObject({ completed: 5, averageStageTime: expect.any(String), stageEfficiency: 100 });
    expect(Object.keys(body.performanceTrends).sort()).toEqual(['cpuTrend', 'memoryTrend', 'overallEfficiency', 'predictionAccuracy', 'throughputTrend']);
    expect(body.performanceTrends.overallEfficiency).toMatch(/^(Good|Fair|Poor)$/);
    // The project's first run: nothing to compare with yet.
    expect(body.benchmarks).toMatchObject({ jobType: 'ProcessMiningAnalysis', comparedJobs: 0, averageJobDuration: null, currentPerformanceRank: null });
  });

  it('records progress every 10 %, DEBUG entries hidden by default, and speaks Japanese when asked', async () => {
    const timeline = await call('GET', `${job}/timeline`, { token: project.token });
    const progress = timeline.body.timeline.filter((e: { eventType: string }) => e.eventType === 'Progress').map((e: { details: { progress: number } }) => e.details.progress);
    expect(progress).toEqual([20, 40, 60, 80, 100]);
    const ja = await call('GET', `${job}/timeline?granularity=major_events`, { token: project.token, headers: { 'Accept-Language': 'ja' } });
    expect(ja.body.timeline[0].description).toBe('ジョブ実行開始');
    expect(ja.body.timeline.map((e: { description: string }) => e.description)).toContain('プロセス発見ステージ開始');
    const stages = await call('GET', `${job}/progress`, { token: project.token, headers: { 'Accept-Language': 'ja,en;q=0.5' } });
    expect(stages.body.stages.map((s: { stageName: string }) => s.stageName)).toEqual(['データの読み込みと検証', 'プロセス発見', 'パフォーマンス分析', '機械学習分析', 'レポート生成']);
    const info = await call('GET', `${job}/logs`, { token: project.token });
    expect(info.body.logsSummary.debugEntries).toBeGreaterThan(0);
    expect(info.body.logs.some((l: { level: string }) => l.level === 'DEBUG')).toBe(false);
    const debug = await call('GET', `${job}/logs?level=DEBUG`, { token: project.token });
    expect(debug.body.logs.filter((l: { level: string }) => l.level === 'DEBUG')).toHaveLength(info.body.logsSummary.debugEntries);
    for (const name of ['プロセス発見', 'ProcessDiscovery', 'Process Discovery']) {
      const results = await call('GET', `${project.base}/async/operation/${operation.operationId}/results?phase=${encodeURIComponent(name)}`, { token: project.token });
      expect(results.status).toBe(200);
      expect(results.body.phaseResults.map((p: { phaseName: string }) => p.phaseName)).toEqual(['Process Discovery']);
    }
  });

  it('pages tracked jobs, names unknown ids, reports system health and honours the refresh hint', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const tracked = await call('GET', `${project.base}/execution/tracking/batch?jobIds=${operation.execution.executionId},${unknown}&refreshInterval=15`, { token: project.token });
    expect(tracked.body).toMatchObject({ jobCount: 1, notFound: [unknown], refreshInterval: 15, nextToken: null });
    expect(tracked.headers.get('cache-control')).toBe('private, max-age=15');
    expect(tracked.body.systemHealth).toMatchObject({ activeOperations: 0, queueHealth: 'Good', resourceAvailability: 'High', estimatedCapacity: expect.stringMatching(/additional jobs$|^unlimited$/) });
    const page = await call('GET', `${project.base}/execution/tracking/batch?pageSize=1`, { token: project.token });
    expect(page.body.jobs).toHaveLength(1);
    expect((await call('GET', `${project.base}/execution/tracking/batch?nextToken=forged`, { token: project.token })).status).toBe(400);
  });

  it('names the compute resource among the dependencies', async () => {
    const { body } = await call('GET', `${job}/dependencies`, { token: project.token });
    expect(body.dependencies.resourceDependencies).toContainEqual({ resourceType: 'ComputeFunction', resourceId: 'RunPhase', memoryMb: functions.RunPhase.memoryMb, status: 'Released', allocatedAt: null, phase: null });
    expect(body.blockingConditions).toEqual([]);
  });

  it("hides other projects' jobs", async () => {
    const stranger = await newProject();
    expect((await call('GET', `${stranger.base}/execution/job/${operation.execution.executionId}/logs`, { token: stranger.token })).status).toBe(404);
  });
});
