import { randomUUID } from 'node:crypto';
import type { PhaseWork } from '../phase-runner.ts';
import { processedDatasetName } from './data-cleaning.ts';

/** Registers the cleaned log as a new dataset of the project, ready for analysis. */
export const datasetExport: PhaseWork = async (context) => {
  context.report(0, 'Registering the processed dataset');
  const key = context.jobObjectKey(processedDatasetName);
  const object = await context.objects.head(key);
  if (!object) throw new Error('The cleaned dataset was not written');
  const datasetId = randomUUID();
  const now = new Date().toISOString();
  await context.datasets.create({
    tenantId: context.job.tenantId,
    projectId: context.job.projectId,
    datasetId,
    name: `${context.operation.operationName} (processed)`,
    format: 'csv',
    status: 'Available',
    objectKey: key,
    sizeBytes: object.sizeBytes,
    uploadedAt: now,
    createdAt: now,
    createdBy: context.operation.submittedBy,
  });
  context.milestone('Milestone', 'Processed dataset registered', { datasetId, sizeBytes: object.sizeBytes });
  return { recordsProcessed: 1, results: { outputDatasetId: datasetId, outputFormat: 'processed_csv', sizeBytes: object.sizeBytes } };
};
