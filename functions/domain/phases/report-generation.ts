import type { PhaseWork } from '../phase-runner.ts';
import type { ArtifactRecord } from '../records.ts';
import { recommendationsOf, renderReports, reportInputOf, type LoadingFigures } from '../../mining/analysis/analysis-report.ts';
import { loadAnalysisDocuments, storeArtifacts } from './analysis-documents.ts';
import { analysisSwitchesOf, skippedWork } from './analysis-switches.ts';
import { checkpointKeys, saveJson } from './checkpoints.ts';

/** Derives the recommendations and writes the results document and the requested artifacts. */
export const reportGeneration: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('outputOptions' in parameters)) throw new Error(`${context.job.operationType} has no report stage`);
  const output = parameters.outputOptions;
  const switches = analysisSwitchesOf(parameters);
  const skipped = skippedWork(parameters, switches).report;
  // The operation's own parameters rule, also for a resumed analysis stored before switches were saved.
  context.report(0, 'Loading the analysis documents');
  const analysis = { ...(await loadAnalysisDocuments(context)), switches };
  context.throwIfCancelled();
  for (const item of skipped) context.log('INFO', `Skipped ${item.work}: ${item.reason}`);
  const loading = (context.operation.phases.find((p) => p.id === 'DataLoadingValidation')?.results ?? null) as LoadingFigures | null;
  const recommendations = recommendationsOf(analysis, loading);
  const generatedAt = new Date().toISOString();

  const phaseResults = context.operation.phases
    .filter((phase) => phase.status === 'Completed')
    .map((phase) => ({ phaseName: phase.name, results: phase.results ?? {} }));
  const document = {
    operationId: context.job.operationId,
    jobId: context.job.jobId,
    generatedAt,
    phaseResults,
    discovery: analysis.discovery,
    performance: analysis.performance,
    behaviour: analysis.behaviour,
    recommendations,
  };
  context.report(0.1, 'Writing the results document');
  const sizeBytes = await saveJson(context, checkpointKeys.results, document);
  context.throwIfCancelled();
  const artifacts: ArtifactRecord[] = [
    {
      name: 'Analysis results',
      type: 'Dataset',
      format: 'JSON',
      key: context.jobObjectKey(checkpointKeys.results),
      sizeBytes,
      contentType: 'application/json',
      description: 'Every phase result, the discovered models and the performance analysis, machine-readable',
    },
  ];
  if (output.generateReports) {
    const input = reportInputOf(analysis, context.operation.operationName, generatedAt, loading, recommendations);
    artifacts.push(...(await storeArtifacts(context, await renderReports(analysis, input, output.exportFormats, { visualizations: output.createVisualizations, progress: context.hook(0.2, 0.95, 'artifacts') }))));
  }
  context.milestone('Milestone', 'Reports generated', { artifacts: artifacts.length, formats: artifacts.map((a) => a.format) });
  return {
    recordsProcessed: artifacts.length,
    results: { ...(skipped.length ? { skipped } : {}), reportsCreated: artifacts.filter((a) => a.type === 'Report').length, artifactsCreated: artifacts.length, recommendations },
    artifacts,
  };
};
