import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { call, createDataset, datasetsDir, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

describe('an analysis of receipt.csv from upload to completion', () => {
  let project: Project;
  let datasetId: string;
  let operationId: string;
  let completed: any;

  beforeAll(async () => {
    project = await newProject('alice');
    ({ datasetId } = await createDataset(project, 'receipt.csv', 'csv'));
  });

  it('reports the uploaded dataset with its size', async () => {
    const dataset = await call('GET', `${project.base}/datasets/${datasetId}`, { token: project.token });
    expect(dataset.status).toBe(200);
    expect(dataset.body).toMatchObject({ datasetId, format: 'csv', status: 'Available', sizeBytes: (await stat(resolve(datasetsDir, 'receipt.csv'))).size });
    const list = await call('GET', `${project.base}/datasets`, { token: project.token });
    expect(list.body.datasets.map((d: { datasetId: string }) => d.datasetId)).toEqual([datasetId]);
  });

  it('accepts the operation with 202 and the spec response', async () => {
    const started = await startAnalysis(project, datasetId, { priority: 'High', timeout: 600 });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ operationType: 'ProcessMiningAnalysis', status: 'Initiated', priority: 'High', webhooksRegistered: 0 });
    expect(started.body.operationId).toMatch(/^op-[0-9a-f-]{36}$/);
    // Absolute, so a client can follow it as is (the local front serves at its root, with no stage prefix).
    expect(started.body.trackingUrl).toBe(`${inject('baseUrl')}${project.base}/async/operation/${started.body.operationId}`);
    expect(started.headers.get('location')).toBe(started.body.trackingUrl);
    expect(Date.parse(started.body.timeoutAt) - Date.parse(started.body.dateCreated)).toBe(600_000);
    operationId = started.body.operationId;
  });

  it('runs every phase and records real timestamps and record counts', async () => {
    completed = await waitForStatus(project, operationId, ['Completed', 'Failed']);
    expect(completed.status).toBe('Completed');
    expect(completed.progress).toMatchObject({ percentage: 100, phasesCompleted: 5, totalPhases: 5 });
    expect(completed.phases.map((p: { phaseName: string }) => p.phaseName)).toEqual([
      'Data Loading & Validation',
      'Process Discovery',
      'Performance Analysis',
      'Machine Learning Analysis',
      'Report Generation',
    ]);
    let previousEnd = Date.parse(completed.progress.startTime);
    for (const phase of completed.phases) {
      expect(phase.status).toBe('Completed');
      expect(Date.parse(phase.startTime)).toBeGreaterThanOrEqual(previousEnd);
      expect(Date.parse(phase.endTime)).toBeGreaterThanOrEqual(Date.parse(phase.startTime));
      expect(phase.durationMs).toBe(Date.parse(phase.endTime) - Date.parse(phase.startTime));
      expect(phase.recordsProcessed).toBeGreaterThan(0);
      previousEnd = Date.parse(phase.endTime);
    }
    expect(completed.execution).toMatchObject({ executionId: completed.execution.executionId, processedRecords: 8577, totalRecords: 8577 });
    expect(completed.submittedBy).toBe('alice');
  });

  it('computes the loading and discovery figures from the file', () => {
    const [loading, discovery, performance] = completed.phases;
    expect(loading.results).toMatchObject({ recordsLoaded: 8577, validRecords: 8577, errorRecords: 0, cases: 1434, events: 8577 });
    expect(discovery.results).toMatchObject({ activitiesDiscovered: 27, processVariants: 116, directlyFollowsRelations: 99 });
    expect(performance.results.caseDurations.median).toBeCloseTo(2936.735, 3);
  });

  it('serves the results with downloadable artifacts', async () => {
    const results = await call('GET', `${project.base}/async/operation/${operationId}/results`, { token: project.token });
    expect(results.status).toBe(200);
    expect(results.body).toMatchObject({ operationId, status: 'Completed', success: true, summary: { recordsAnalyzed: 8577, processVariants: 116, dataQualityScore: 100 } });
    expect(results.body.phaseResults).toHaveLength(5);
    expect(results.body.completionTime).toBe(completed.endTime);
    expect(results.body.performance.resourceUtilization.peakMemoryBytes).toBeGreaterThan(0);
    const [, discovery, performance, machineLearning] = results.body.phaseResults;
    expect(discovery.results.alphaNet).toEqual({ places: 39, transitions: 27, arcs: 137 });
    expect(performance.results.bottlenecks.length).toBeGreaterThan(0);
    expect(machineLearning.results.anomalies.detected).toBe(results.body.summary.anomaliesDetected);
    expect(machineLearning.results.predictions.pathPrediction.accuracy).toBeGreaterThan(0);
    expect(machineLearning.results.predictions.cycleTimePrediction.meanAbsoluteErrorSeconds).toBeGreaterThan(0);
    expect(results.body.recommendations.length).toBeGreaterThan(0);
    expect(results.body.recommendations[0]).toMatchObject({ category: expect.any(String), priority: expect.any(String), expectedImprovement: expect.any(String) });

    // Every default export format is there and downloads as what it claims to be.
    const byFormat = new Map<string, { downloadUrl: string; sizeBytes: number }[]>();
    for (const artifact of results.body.artifacts) byFormat.set(artifact.format, [...(byFormat.get(artifact.format) ?? []), artifact]);
    expect([...byFormat.keys()].sort()).toEqual(['BPMN', 'CSV', 'JSON', 'PDF', 'PNML', 'SVG']);
    const text = async (format: string) => {
      const response = await fetch(byFormat.get(format)![0]!.downloadUrl);
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.length).toBe(byFormat.get(format)![0]!.sizeBytes);
      return body.toString('utf8');
    };
    expect(JSON.parse(await text('JSON')).discovery.cases).toBe(1434);
    expect(await text('SVG')).toContain('<svg');
    expect((await text('CSV')).split('\r\n')[0]).toBe('caseId,rule,severity,score,reason');
    expect(await text('PDF')).toMatch(/^%PDF-/);
    expect(await text('PNML')).toContain('<pnml');
    expect(byFormat.get('PNML')).toHaveLength(3);
    expect(await text('BPMN')).toContain('<bpmndi:BPMNDiagram');

    const detailed = await call('GET', `${project.base}/async/operation/${operationId}/results?format=detailed&includeArtifacts=false`, { token: project.token });
    expect(detailed.body.artifacts).toBeUndefined();
    expect(detailed.body.details.discovery).toMatchObject({ cases: 1434, events: 8577, variants: { total: 116 } });
    expect(detailed.body.details.discovery.dfg).toHaveLength(99);
    expect(detailed.body.details.discovery.caseDurations.median).toBeCloseTo(2936.735, 3);
    expect(detailed.body.details.discovery.alphaNet.places).toHaveLength(39);
    expect(detailed.body.details.discovery.alphaNet.places[0]).toEqual({ inputs: [], outputs: expect.any(Array) });
    expect(detailed.body.details.discovery.activities).toContainEqual({ name: 'Confirmation of receipt', count: expect.any(Number) });
    // PM4Py 2.7's Inductive Miner on the same log.
    const inductive = JSON.parse(await readFile(resolve(datasetsDir, 'reference', 'inductive', 'receipt.json'), 'utf8')).variants.IM;
    expect(detailed.body.details.discovery.inductive).toMatchObject({ variant: 'IM', processTree: inductive.processTree, petriNet: inductive.petriNet, bpmn: inductive.bpmn });
    expect(detailed.body.details.discovery.inductive.fitness.logFitness).toBe(1);

    const onePhase = await call('GET', `${project.base}/async/operation/${operationId}/results?phase=Process%20Discovery`, { token: project.token });
    expect(onePhase.body.phaseResults.map((p: { phaseName: string }) => p.phaseName)).toEqual(['Process Discovery']);
    const unknownPhase = await call('GET', `${project.base}/async/operation/${operationId}/results?phase=Astrology`, { token: project.token });
    expect(unknownPhase.status).toBe(400);
    expect(unknownPhase.body.invalidParams[0].name).toBe('query.phase');

    const packaged = await call('GET', `${project.base}/async/operation/${operationId}/results?format=download`, { token: project.token });
    expect((await fetch(packaged.body.downloadUrl)).status).toBe(200);
  });

  it('lists the operation with filters, paging and summary counts', async () => {
    const second = await startAnalysis(project, datasetId, { operationName: 'second run' });
    await waitForStatus(project, second.body.operationId, ['Completed', 'Failed']);
    const list = (query: string) => call('GET', `${project.base}/async/operations${query}`, { token: project.token });

    const all = await list('');
    expect(all.status).toBe(200);
    expect(all.body.operations.map((o: { operationId: string }) => o.operationId)).toEqual([second.body.operationId, operationId]);
    expect(all.body.summary).toMatchObject({ totalOperations: 2, completed: 2, running: 0, failed: 0, cancelled: 0 });
    // The last resource sample of each run, as measured: whole CPU percent of the phase process, its RSS.
    for (const o of all.body.operations) expect(o.resourceUsage).toMatchObject({ cpuUsage: expect.any(Number), memoryUsage: expect.stringMatching(/^[\d.]+ (B|KB|MB|GB)$/) });
    expect(all.body.operations.every((o: { resourceUsage: { cpuUsage: number } }) => Number.isInteger(o.resourceUsage.cpuUsage) && o.resourceUsage.cpuUsage >= 0)).toBe(true);

    const firstPage = await list('?pageSize=1');
    expect(firstPage.body).toMatchObject({ page: 1, pageSize: 1, hasNextPage: true });
    expect(firstPage.body.operations[0].operationId).toBe(second.body.operationId);
    const secondPage = await list('?pageSize=1&page=2');
    expect(secondPage.body).toMatchObject({ page: 2, hasNextPage: false });
    expect(secondPage.body.operations[0].operationId).toBe(operationId);

    expect((await list('?status=Completed&priority=High')).body.operations.map((o: { operationId: string }) => o.operationId)).toEqual([operationId]);
    expect((await list('?status=Failed')).body.operations).toEqual([]);
    expect((await list('?operationType=DataEnrichment')).body.operations).toEqual([]);
    expect((await list('?dateFrom=2000-01-01&dateTo=2000-12-31')).body.operations).toEqual([]);
    expect((await list(`?dateFrom=${encodeURIComponent(completed.dateCreated)}`)).body.operations).toHaveLength(2);

    const detailed = await list('?includeDetails=true&pageSize=1');
    expect(detailed.body.operations[0].phases).toHaveLength(5);
    expect(all.body.operations[0].phases).toBeUndefined();
  });
});

describe('the other operation types', () => {
  it('DataEnrichment cleans a log and registers the result as a new dataset', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'DataEnrichment', operationName: 'clean', parameters: { datasetId, cleaningRules: ['remove_duplicates'] } },
    });
    expect(started.status).toBe(202);
    const done = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    const outputId = done.phases[2].results.outputDatasetId;
    const output = await call('GET', `${project.base}/datasets/${outputId}`, { token: project.token });
    expect(output.body).toMatchObject({ status: 'Available', format: 'csv' });

    const analysis = await startAnalysis(project, outputId);
    const analysed = await waitForStatus(project, analysis.body.operationId, ['Completed', 'Failed']);
    expect(analysed.phases[0].results).toMatchObject({ cases: 6, events: 42 });

    const report = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'ReportGeneration', operationName: 'summary', parameters: { sourceOperationId: analysis.body.operationId, exportFormats: ['PDF', 'PowerPoint'] } },
    });
    expect(report.status).toBe(202);
    const rendered = await waitForStatus(project, report.body.operationId, ['Completed', 'Failed']);
    expect(rendered.status).toBe('Completed');
    expect(rendered.phases.map((p: { phaseName: string }) => p.phaseName)).toEqual(['Results Loading', 'Report Rendering']);
    const reports = await call('GET', `${project.base}/async/operation/${report.body.operationId}/results`, { token: project.token });
    // Visualizations: the process map and the Inductive Miner's BPMN diagram.
    expect(reports.body.artifacts.map((a: { format: string }) => a.format).sort()).toEqual(['PDF', 'PowerPoint', 'SVG', 'SVG']);
    const pptx = reports.body.artifacts.find((a: { format: string }) => a.format === 'PowerPoint');
    const bytes = Buffer.from(await (await fetch(pptx.downloadUrl)).arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
  });
});

describe('dataset uploads', () => {
  it('take a 200 MB file through the presigned URL', async () => {
    const project = await newProject();
    const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'big', format: 'csv.gz' } });
    const size = 200 * 1024 * 1024;
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: Buffer.alloc(size, 7) });
    expect(put.status).toBe(200);
    const dataset = await call('GET', `${project.base}/datasets/${created.body.datasetId}`, { token: project.token });
    expect(dataset.body).toMatchObject({ status: 'Available', sizeBytes: size });
  });
});

describe('DataEnrichment cleaning rules', () => {
  const messy = [
    'case:concept:name,concept:name,time:timestamp,org:resource',
    'c1,Register,2024-01-01T08:00:00Z,ann',
    'c1,Register,2024-01-01T08:00:00Z,ann',
    'c1,  Check   ticket ,,bob',
    'c1,Decide,2024-01-01T10:00:00Z,bob',
    'c2,Register,2024-01-02T08:00:00Z,ann',
    'c2,Check ticket,2024-01-02T09:00:00Z,bob',
  ].join('\n');

  async function enrich(project: Awaited<ReturnType<typeof newProject>>, cleaningRules: string[]) {
    const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'messy', format: 'csv' } });
    await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: messy });
    const started = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'DataEnrichment', operationName: 'clean', parameters: { datasetId: created.body.datasetId, cleaningRules } },
    });
    const done = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    return done.phases[1].results;
  }

  it('reports what each rule changed', async () => {
    const results = await enrich(await newProject(), ['remove_duplicates', 'fix_timestamps', 'validate_activities']);
    expect(results.rulesApplied).toEqual([
      { rule: 'remove_duplicates', recordsChanged: 1 },
      { rule: 'fix_timestamps', recordsChanged: 1 },
      { rule: 'validate_activities', recordsChanged: 1 },
    ]);
    expect(results).toMatchObject({ eventsIn: 6, eventsOut: 5 });
  });

  it('leaves out what was not asked for', async () => {
    const results = await enrich(await newProject(), ['remove_duplicates']);
    // Without fix_timestamps the record without a timestamp is dropped, not repaired.
    expect(results).toMatchObject({ eventsIn: 5, eventsOut: 4, rulesApplied: [{ rule: 'remove_duplicates', recordsChanged: 1 }] });
  });
});
