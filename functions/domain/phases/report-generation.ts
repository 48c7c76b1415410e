import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, saveJson } from './checkpoints.ts';

/**
 * Gathers what the earlier phases measured into one results document. Rendered reports
 * (SVG, PDF, PNML) belong to the mining engine's report stage.
 */
export const reportGeneration: PhaseWork = async (context) => {
  const phaseResults = context.operation.phases
    .filter((phase) => phase.status === 'Completed')
    .map((phase) => ({ phaseName: phase.name, results: phase.results ?? {} }));
  const document = { operationId: context.job.operationId, jobId: context.job.jobId, generatedAt: new Date().toISOString(), phaseResults };
  const sizeBytes = await saveJson(context, checkpointKeys.results, document);
  context.milestone('Milestone', 'Results document written', { sizeBytes });
  return {
    recordsProcessed: phaseResults.length,
    results: { artifactsCreated: 1 },
    artifacts: [
      {
        name: 'Analysis results',
        type: 'Dataset',
        format: 'JSON',
        key: context.jobObjectKey(checkpointKeys.results),
        sizeBytes,
        contentType: 'application/json',
        description: 'Every phase result of the analysis, machine-readable',
      },
    ],
  };
};
