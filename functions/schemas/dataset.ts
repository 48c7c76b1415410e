import { z } from 'zod';
import { guid, projectPath } from './common.ts';

export const datasetFormats = ['csv', 'csv.gz', 'xes', 'xes.gz'] as const;
export type DatasetFormat = (typeof datasetFormats)[number];

const columnName = z.string().trim().min(1).max(200);

export const columnMapping = z.strictObject({
  caseId: columnName,
  activity: columnName,
  timestamp: columnName,
  startTimestamp: columnName.optional(),
  resource: columnName.optional(),
  lifecycle: columnName.optional(),
});
export type ColumnMapping = z.infer<typeof columnMapping>;

export const createDatasetBody = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  format: z.enum(datasetFormats),
  columnMapping: columnMapping.optional(),
});
export type CreateDatasetBody = z.infer<typeof createDatasetBody>;

export const datasetPath = projectPath.extend({ datasetId: guid });

export const listDatasetsQuery = z.strictObject({
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
  nextToken: z.string().max(2048).optional(),
});
