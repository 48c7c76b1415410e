import { OperationFailure } from '../failures.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { recommendationsOf, renderReports, reportInputOf, type LoadingFigures } from '../../mining/analysis/analysis-report.ts';
import { analysisDocuments, loadAnalysisDocuments, storeArtifacts } from './analysis-documents.ts';
import { jobObjectKey } from './checkpoint-keys.ts';
import { reportLayouts } from '../../mining/report/report-type.ts';

const sourceLoadingName = 'source-loading.json';

/** Copies the source analysis's stored documents under this job, so rendering reads only its own files. */
export const resultsLoading: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('sourceOperationId' in parameters)) throw new Error('ReportGeneration needs parameters.sourceOperationId');
  const source = await context.operations.get(context.job, parameters.sourceOperationId);
  if (!source) throw new OperationFailure('SourceOperationNotFound', `Source operation ${parameters.sourceOperationId} no longer exists`);
  let copied = 0;
  for (const [index, name] of analysisDocuments.entries()) {
    context.report(index / analysisDocuments.length, `Copying ${name}`, { done: index, total: analysisDocuments.length, unit: 'documents' });
    const key = jobObjectKey(source, name);
    if (!(await context.objects.head(key))) continue;
    const bytes = await context.objects.readBytes(key);
    context.bytesRead(bytes.length);
    await context.objects.write(context.jobObjectKey(name), bytes, 'application/json');
    copied += 1;
  }
  const loading = source.phases.find((p) => p.id === 'DataLoadingValidation')?.results ?? null;
  await context.objects.write(context.jobObjectKey(sourceLoadingName), JSON.stringify(loading), 'application/json');
  return { recordsProcessed: copied, results: { sourceOperationId: source.operationId, sourceJobId: source.jobId, documentsLoaded: copied } };
};

/** Renders the requested report formats from the source analysis. */
export const reportRendering: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('sourceOperationId' in parameters)) throw new Error('ReportGeneration needs parameters.sourceOperationId');
  context.report(0, 'Loading the source analysis');
  const analysis = await loadAnalysisDocuments(context);
  context.throwIfCancelled();
  const loading = JSON.parse((await context.objects.readBytes(context.jobObjectKey(sourceLoadingName))).toString('utf8')) as LoadingFigures | null;
  const recommendations = recommendationsOf(analysis, loading);
  const title = `${context.operation.operationName} (${parameters.reportType.replace('_', ' ')})`;
  const input = reportInputOf(analysis, title, new Date().toISOString(), loading, recommendations);
  // The report type decides what the PDF shows, not only its title.
  const { sections, ...layout } = reportLayouts[parameters.reportType];
  const artifacts = await storeArtifacts(
    context,
    await renderReports(analysis, input, parameters.exportFormats, { visualizations: parameters.includeVisualizations, progress: context.hook(0.1, 0.95, 'artifacts'), pdf: layout }),
  );
  return {
    recordsProcessed: artifacts.length,
    results: {
      // The source analysis's switches hold for its reports too.
      ...(analysis.switches?.insights === false
        ? { skipped: [{ work: 'recommendations', parameter: 'generateInsights', reason: 'not computed: the source analysis has generateInsights false' }] }
        : analysis.switches?.optimizationRecommendations === false
          ? { skipped: [{ work: 'optimizationRecommendations', parameter: 'generateOptimizationRecommendations', reason: 'Process Optimization and Rework recommendations not derived: the source analysis has generateOptimizationRecommendations false' }] }
          : {}),
      reportType: parameters.reportType,
      reportSections: sections,
      reportsCreated: artifacts.filter((a) => a.type === 'Report').length,
      artifactsCreated: artifacts.length,
      recommendations,
    },
    artifacts,
  };
};
