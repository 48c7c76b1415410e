import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentBatch, documentScriptBatch, documentStart } from './document-requests.ts';
import { call, createDataset, newProject, waitForStatus, type Project } from './client.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';

// The request bodies of ../shared/spec/002_285aab5f99f38cd1.txt as written; only ids and receiver URLs are
// substituted (the dataset is running-example.xes, whose events are of 2010–2011).

const ended = ['Completed', 'Failed', 'Cancelled', 'Timeout'];

async function waitForBatch(project: Project, batchId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await call('GET', `${project.base}/async/batch/${batchId}`, { token: project.token });
    if (batch.body.operations.every((o: { status: string }) => ended.includes(o.status))) return batch.body;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} is still ${JSON.stringify(batch.body.operations.map((o: { status: string }) => o.status))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function run(project: Project, body: unknown) {
  const started = await call('POST', `${project.base}/async/operation`, { token: project.token, body });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const operation = await waitForStatus(project, started.body.operationId, ended, 90_000);
  const results = await call('GET', `${project.base}/async/operation/${started.body.operationId}/results`, { token: project.token });
  return { operation, results: results.body, warnings: started.body.warnings as string[] | undefined };
}

const phaseNames: Record<string, string> = {
  ProcessDiscovery: 'Process Discovery',
  PerformanceAnalysis: 'Performance Analysis',
  MachineLearningAnalysis: 'Machine Learning Analysis',
  ReportGeneration: 'Report Generation',
  DatasetExport: 'Dataset Export',
};
const phase = (operation: { phases: { phaseName: string; results?: any }[] }, id: string) => operation.phases.find((p) => p.phaseName === phaseNames[id])!.results;

describe("the document's requests, as written", () => {
  let project: Project;
  let datasetId: string;
  let receiver: LoopbackReceiver;
  beforeAll(async () => {
    project = await newProject();
    ({ datasetId } = await createDataset(project, 'running-example.xes', 'xes'));
    receiver = await startLoopbackReceiver();
    // The document's start asks for Slack notifications: the project's Slack integration is the loopback receiver.
    const slack = await call('PUT', `${project.base}/async/integrations/slack`, { token: project.token, body: { webhookUrl: `${receiver.base}/slack` } });
    if (slack.status !== 200) throw new Error(`Slack integration not registered: ${JSON.stringify(slack.body)}`);
  });
  afterAll(() => receiver.close());

  it('the start request: its January 2024 window leaves no event, and the operation says so instead of succeeding empty', async () => {
    const { operation, results, warnings } = await run(project, documentStart(datasetId, receiver.base));
    // E-mail and Slack are accepted as the document writes them and sent (notifications.test.ts): no warning about them.
    expect(warnings).toBeUndefined();
    expect(operation.notifications).toMatchObject({ email: { recipients: 2 }, slack: { channel: '#process-mining', mentionUsers: ['@analyst', '@data-team'] } });
    expect(operation.status).toBe('Failed');
    expect(operation.error.error).toBe('NoEventsInWindow');
    expect(operation.error.cause).toContain('2024-01-01 to 2024-01-31');
    expect(operation.error.cause).toContain('42 of 42 records are outside it');
    expect(results.success).toBe(false);
  });

  it('enableAnomalyDetection: false leaves anomalies out, with the reason; high_accuracy replays every case', async () => {
    const body = documentStart(datasetId, receiver.base);
    body.parameters.timeWindow = { startDate: '2010-12-01', endDate: '2011-02-28' };
    body.parameters.algorithmSettings.enableAnomalyDetection = false;
    const { operation, results } = await run(project, body);
    expect(operation.status).toBe('Completed');
    const ml = phase(operation, 'MachineLearningAnalysis');
    expect(ml).not.toHaveProperty('anomalies');
    expect(ml.skipped).toEqual([{ work: 'anomalyDetection', parameter: 'algorithmSettings.enableAnomalyDetection', reason: 'not computed: algorithmSettings.enableAnomalyDetection is false' }]);
    // useAdvancedML is on: predictions are there, null because 6 cases are too few to measure them on.
    expect(ml).toHaveProperty('predictions', null);
    expect(ml.conformance.replayed).toMatchObject({ scope: 'all', casesReplayed: 6, casesInLog: 6 });
    expect(results.summary).toMatchObject({ anomaliesDetected: null, skipped: ml.skipped, primaryModel: { algorithm: 'inductive', model: 'inductive', miner: 'Inductive Miner (IM)' } });
    // No anomalies, so no anomalies CSV, though CSV was asked for.
    expect(results.artifacts.map((a: { format: string }) => a.format)).not.toContain('CSV');
  });

  it('algorithm heuristics puts the Heuristics net first; high_throughput replays a sample; switches turn work off', async () => {
    const body = documentStart(datasetId, receiver.base);
    delete (body.parameters as { timeWindow?: unknown }).timeWindow;
    Object.assign(body.parameters, { algorithm: 'heuristics', enableML: false, enableBottleneckDetection: false, enableVariantAnalysis: false, generateInsights: false });
    body.parameters.algorithmSettings = { enableAnomalyDetection: true, performanceOptimization: 'high_throughput' } as typeof body.parameters.algorithmSettings;
    body.parameters.outputOptions.exportFormats = ['JSON', 'PNML'];
    const { operation, results } = await run(project, body);
    expect(operation.status).toBe('Completed');
    expect(results.summary.primaryModel).toMatchObject({ algorithm: 'heuristics', model: 'heuristics', miner: 'Heuristics Miner' });
    const models = results.artifacts.filter((a: { type: string }) => a.type === 'Model').map((a: { name: string }) => a.name);
    expect(models[0]).toBe('Heuristics Miner Petri Net');
    const ml = phase(operation, 'MachineLearningAnalysis');
    expect(ml.conformance.replayed).toEqual({ scope: 'sample', variantsReplayed: 5, variantsInLog: 6, casesReplayed: 5, casesInLog: 6 });
    expect(ml).not.toHaveProperty('predictions');
    expect(ml.anomalies.detected).toEqual(expect.any(Number));
    expect(phase(operation, 'PerformanceAnalysis')).not.toHaveProperty('bottlenecks');
    expect(phase(operation, 'ProcessDiscovery')).not.toHaveProperty('topVariants');
    expect(results.recommendations).toEqual([]);
    expect(results.summary.skipped.map((s: { parameter: string }) => s.parameter).sort()).toEqual(['enableBottleneckDetection', 'enableML', 'enableVariantAnalysis', 'generateInsights']);
  });

  it('an unknown parameter is still 400, named', async () => {
    const body = documentStart(datasetId, receiver.base);
    Object.assign(body.parameters, { enableTelepathy: true });
    const refused = await call('POST', `${project.base}/async/operation`, { token: project.token, body });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body.invalidParams)).toContain('enableTelepathy');
  });

  it('the batch request runs as the document says (its callbacks: batch-callbacks.test.ts)', async () => {
    const written = documentBatch(datasetId, receiver.base);
    const submitted = await call('POST', `${project.base}/async/batch`, { token: project.token, body: written });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const batch = await waitForBatch(project, submitted.body.batchId);
    expect(batch.operations.map((o: { status: string }) => o.status)).toEqual(['Completed', 'Completed', 'Completed']);
    const byKey = Object.fromEntries(batch.operations.map((o: { operationKey: string; operationId: string }) => [o.operationKey, o.operationId]));
    const read = async (key: string) => (await call('GET', `${project.base}/async/operation/${byKey[key]}`, { token: project.token })).body;
    const [prep, discovery, performance] = [await read('data-prep'), await read('discovery'), await read('performance')];
    expect(phase(prep, 'DatasetExport').outputDatasetId).toEqual(expect.any(String));
    expect(phase(discovery, 'ProcessDiscovery').primaryModel).toMatchObject({ algorithm: 'alpha_miner_enhanced', model: 'alpha', miner: 'Alpha Miner' });
    expect(phase(discovery, 'ProcessDiscovery').topVariants.length).toBeGreaterThan(0);
    expect(phase(performance, 'PerformanceAnalysis').bottlenecks.length).toBeGreaterThan(0);
    const performanceResults = (await call('GET', `${project.base}/async/operation/${byKey.performance}/results`, { token: project.token })).body;
    // The performance analysis names no dataset: it analyses what the discovery analysed, the prepared data.
    expect(performanceResults.summary.recordsAnalyzed).toBe(42);
    expect(performanceResults.recommendations.map((r: { category: string }) => r.category)).toContain('Process Optimization');
  });

  it("the script's batch: enableML, generateInsights and includeVisualizations do what they say", async () => {
    const written = documentScriptBatch(datasetId);
    const submitted = await call('POST', `${project.base}/async/batch`, { token: project.token, body: written });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const batch = await waitForBatch(project, submitted.body.batchId);
    expect(batch.operations.map((o: { status: string }) => o.status)).toEqual(['Completed', 'Completed', 'Completed']);
    const byKey = Object.fromEntries(batch.operations.map((o: { operationKey: string; operationId: string }) => [o.operationKey, o.operationId]));
    const analyze = (await call('GET', `${project.base}/async/operation/${byKey.analyze}`, { token: project.token })).body;
    expect(phase(analyze, 'MachineLearningAnalysis')).toHaveProperty('predictions', null);
    expect(phase(analyze, 'MachineLearningAnalysis')).not.toHaveProperty('skipped');
    expect(phase(analyze, 'ReportGeneration').recommendations.length).toBeGreaterThan(0);
    const report = (await call('GET', `${project.base}/async/operation/${byKey.report}/results`, { token: project.token })).body;
    expect(report.artifacts.map((a: { format: string }) => a.format).sort()).toEqual(expect.arrayContaining(['PDF', 'PowerPoint', 'SVG']));
  });
});
