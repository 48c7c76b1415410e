import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, datasetsDir, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

/** Registers a dataset and uploads `body` (generated in the test) through its presigned URL. */
async function uploadDataset(project: Project, name: string, format: 'csv' | 'xes', body: string): Promise<string> {
  const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name, format } });
  expect(created.status).toBe(201);
  const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: Buffer.from(body, 'utf8') });
  expect(put.ok).toBe(true);
  return created.body.datasetId as string;
}

/** Runs an analysis to its end and returns the operation, its detailed results and the job's WARN messages. */
async function analyse(project: Project, datasetId: string) {
  const started = await startAnalysis(project, datasetId);
  expect(started.status).toBe(202);
  const operation = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
  const results = await call('GET', `${project.base}/async/operation/${started.body.operationId}/results?format=detailed`, { token: project.token });
  const logs = await call('GET', `${project.base}/execution/job/${operation.execution.executionId}/logs?level=WARN`, { token: project.token });
  return { operation, results: results.body, warnings: (logs.body.logs as { message: string }[]).map((l) => l.message) };
}

const phase = (operation: any, name: string) => operation.phases.find((p: { phaseName: string }) => p.phaseName === name)?.results;

describe('logs without timestamps, through the API', () => {
  let project: Project;
  let untimedXes: string;

  beforeAll(async () => {
    project = await newProject('dana');
    untimedXes = (await readFile(resolve(datasetsDir, 'running-example.xes'), 'utf8')).replace(/\s*<date key="time:timestamp"[^>]*\/>/g, '');
  });

  it('an XES log without time:timestamp reports its true cases, events and variants, time figures null, and WARNs', async () => {
    const datasetId = await uploadDataset(project, 'running-example-untimed.xes', 'xes', untimedXes);
    const { operation, results, warnings } = await analyse(project, datasetId);
    expect(operation.status).toBe('Completed');

    // PM4Py's figures for the running example (whose file order is its time order).
    expect(results.summary).toMatchObject({ recordsAnalyzed: 42, processVariants: 6, dataQualityScore: 100 });
    expect(phase(operation, 'Data Loading & Validation')).toMatchObject({
      cases: 6,
      events: 42,
      errorRecords: 0,
      validationErrors: [],
      noTimestamps: { records: 42, eventOrder: 'file' },
    });
    const discovery = results.details.discovery;
    expect(discovery).toMatchObject({ cases: 6, events: 42, startActivities: { 'register request': 6 }, endActivities: { 'pay compensation': 3, 'reject request': 3 } });
    expect(discovery.activities).toHaveLength(8);
    expect(discovery.dfg.every((e: { meanTransitionMs: unknown }) => e.meanTransitionMs === null)).toBe(true);
    expect(discovery.dfg.find((e: { from: string; to: string }) => e.from === 'register request' && e.to === 'examine casually')).toMatchObject({ frequency: 3 });
    expect(discovery.caseDurations).toBeNull();
    expect(results.details.performance).toMatchObject({ caseDurations: null, bottlenecks: [] });
    expect(phase(operation, 'Performance Analysis')).toMatchObject({ caseDurations: null, performanceMetrics: null, bottlenecks: [] });

    expect(warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^The log has no timestamps: 42 records kept in file order/),
        expect.stringMatching(/no timestamps: case durations/),
        expect.stringMatching(/no timestamps: cycle-time outlier anomalies are skipped/),
      ]),
    );
  });

  it('a CSV without a timestamp column is such a log, not an error; its reports render', async () => {
    const rows = ['case_id,activity,resource'];
    const traces = [
      ['register', 'check', 'decide', 'pay'],
      ['register', 'check', 'check', 'decide'],
      ['register', 'decide', 'reject'],
    ];
    for (let c = 0; c < 12; c++) for (const [i, activity] of traces[c % 3]!.entries()) rows.push(`case-${c},${activity},r${i}`);
    const datasetId = await uploadDataset(project, 'untimed.csv', 'csv', rows.join('\n'));
    const { operation, results, warnings } = await analyse(project, datasetId);
    expect(operation.status).toBe('Completed');
    expect(results.summary).toMatchObject({ recordsAnalyzed: 44, processVariants: 3 });
    expect(results.details.discovery).toMatchObject({ cases: 12, events: 44, caseDurations: null });
    expect(results.details.discovery.variants.top.map((v: { activities: string[]; count: number }) => [v.activities.join(','), v.count])).toEqual(
      expect.arrayContaining(traces.map((t) => [t.join(','), 4])),
    );
    // 12 cases: the prediction runs, on next activities only.
    expect(phase(operation, 'Machine Learning Analysis')?.predictions).toMatchObject({ cycleTimePrediction: { meanAbsoluteErrorSeconds: null, meanAbsoluteError: null } });
    expect(warnings).toEqual(expect.arrayContaining([expect.stringMatching(/remaining-time prediction is not computed/)]));

    const report = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'ReportGeneration', operationName: 'untimed report', parameters: { sourceOperationId: operation.operationId, exportFormats: ['PDF', 'PowerPoint', 'SVG'] } },
    });
    expect(report.status).toBe(202);
    const rendered = await waitForStatus(project, report.body.operationId, ['Completed', 'Failed']);
    expect(rendered.status).toBe('Completed');
    const artifacts = (await call('GET', `${project.base}/async/operation/${report.body.operationId}/results`, { token: project.token })).body.artifacts;
    expect(artifacts.map((a: { format: string }) => a.format)).toEqual(expect.arrayContaining(['PDF', 'PowerPoint', 'SVG']));

    // A cleaning run writes the log back as CSV with an empty timestamp column, which reads back the same.
    const cleaning = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'DataEnrichment', operationName: 'clean untimed', parameters: { datasetId, cleaningRules: ['remove_duplicates', 'validate_activities'] } },
    });
    expect(cleaning.status).toBe(202);
    const cleaned = await waitForStatus(project, cleaning.body.operationId, ['Completed', 'Failed']);
    expect(cleaned.status).toBe('Completed');
    const again = await analyse(project, phase(cleaned, 'Dataset Export').outputDatasetId);
    expect(again.results.details.discovery).toMatchObject({ cases: 12, events: 44, dfg: results.details.discovery.dfg, caseDurations: null });
  });

  it('high_accuracy aligns the log on the IMf net and reports a deviating case as a ModelDeviation anomaly', async () => {
    // 12 cases a-b-c-d, one a-b-x-c-d, one a-c-d: IMf (0.2) drops a→c and keeps x optional, so a-c-d misses b.
    const traces = [...Array.from({ length: 12 }, () => ['a', 'b', 'c', 'd']), ['a', 'b', 'x', 'c', 'd'], ['a', 'c', 'd']];
    const rows = ['case_id,activity', ...traces.flatMap((t, c) => t.map((a) => `c${c},${a}`))];
    const datasetId = await uploadDataset(project, 'deviations.csv', 'csv', rows.join('\n'));
    const parameters = { datasetId, algorithm: 'inductive_infrequent', noiseThreshold: 0.2, algorithmSettings: { performanceOptimization: 'high_accuracy', enableAnomalyDetection: true } };
    const started = await startAnalysis(project, datasetId, { parameters });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const operation = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
    expect(operation.status).toBe('Completed');
    const results = (await call('GET', `${project.base}/async/operation/${started.body.operationId}/results?format=detailed`, { token: project.token })).body;
    const inductive = results.details.discovery.inductive;
    expect(inductive.processTree).toBe("->( 'a', 'b', X( tau, 'x' ), 'c', 'd' )");
    expect(inductive.alignments).toMatchObject({ fittingTraces: 13, casesAligned: 14, variantsAligned: 3, variantsOverBudget: 0, emptyTraceCost: 40_001 });
    expect(inductive.alignments.averageTraceFitness).toBeCloseTo((13 + 6 / 7) / 14, 9);
    expect(phase(operation, 'Process Discovery').inductive.alignmentLogFitness).toBeCloseTo(inductive.alignments.logFitness, 12);
    expect(phase(operation, 'Machine Learning Analysis').anomalies.byRule.modelDeviations).toBe(1);

    // balanced, the default, does no alignment work and says so.
    const balanced = await startAnalysis(project, datasetId, { parameters: { ...parameters, algorithmSettings: { enableAnomalyDetection: true } } });
    const plain = await waitForStatus(project, balanced.body.operationId, ['Completed', 'Failed']);
    expect(plain.status).toBe('Completed');
    const plainResults = (await call('GET', `${project.base}/async/operation/${balanced.body.operationId}/results?format=detailed`, { token: project.token })).body;
    expect(plainResults.details.discovery.inductive).toMatchObject({ alignments: null, alignmentsSkipped: expect.stringMatching(/high_accuracy/) });
    expect(phase(plain, 'Machine Learning Analysis').anomalies.byRule).not.toHaveProperty('modelDeviations');
  });

  it('refuses a timeWindow on such a log with a failure saying why', async () => {
    const datasetId = await uploadDataset(project, 'running-example-untimed-window.xes', 'xes', untimedXes);
    const windowed = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'ProcessMiningAnalysis', operationName: 'windowed', parameters: { datasetId, timeWindow: { startDate: '2011-01-01' } } },
    });
    expect(windowed.status).toBe(202);
    const failed = await waitForStatus(project, windowed.body.operationId, ['Completed', 'Failed']);
    expect(failed.status).toBe('Failed');
    expect(failed.error).toEqual({ error: 'NoTimestamps', cause: expect.stringMatching(/no timestamps, so a timeWindow cannot be applied/) });
  });
});
