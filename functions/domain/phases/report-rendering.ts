import type { PhaseWork } from '../phase-runner.ts';
import { jobObjectKey } from './checkpoint-keys.ts';
import { checkpointKeys, saveJson } from './checkpoints.ts';

const sourceResultsName = 'source-results.json';

/** Copies the source analysis's results document next to this job, so rendering never reads another job's files twice. */
export const resultsLoading: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('sourceOperationId' in parameters)) throw new Error('ReportGeneration needs parameters.sourceOperationId');
  const source = await context.operations.get(context.job, parameters.sourceOperationId);
  if (!source) throw new Error(`Source operation ${parameters.sourceOperationId} no longer exists`);
  const key = jobObjectKey(source, checkpointKeys.results);
  const bytes = await context.objects.readBytes(key);
  context.bytesRead(bytes.length);
  await context.objects.write(context.jobObjectKey(sourceResultsName), bytes, 'application/json');
  const document = JSON.parse(bytes.toString('utf8')) as { phaseResults?: unknown[] };
  return { recordsProcessed: document.phaseResults?.length ?? 0, results: { sourceOperationId: source.operationId, sourceJobId: source.jobId } };
};

/** Renders the requested report from the source results; formats beyond JSON come with the report engine. */
export const reportRendering: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('sourceOperationId' in parameters)) throw new Error('ReportGeneration needs parameters.sourceOperationId');
  const reportType = parameters.reportType;
  const source = JSON.parse((await context.objects.readBytes(context.jobObjectKey(sourceResultsName))).toString('utf8')) as {
    phaseResults: Array<{ phaseName: string; results: Record<string, unknown> }>;
  };
  const report = { reportType, generatedAt: new Date().toISOString(), sections: source.phaseResults };
  const sizeBytes = await saveJson(context, `reports/${reportType}.json`, report);
  return {
    recordsProcessed: source.phaseResults.length,
    results: { reportType, artifactsCreated: 1 },
    artifacts: [
      {
        name: `Report (${reportType})`,
        type: 'Report',
        format: 'JSON',
        key: context.jobObjectKey(`reports/${reportType}.json`),
        sizeBytes,
        contentType: 'application/json',
        description: `The ${reportType.replace('_', ' ')} of operation ${parameters.sourceOperationId}`,
      },
    ],
  };
};
