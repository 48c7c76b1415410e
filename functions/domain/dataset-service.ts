import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from './errors.ts';
import type { Clock, DatasetStore, ObjectStore, Page } from './ports.ts';
import type { DatasetRecord, ProjectScope } from './records.ts';
import type { CreateDatasetBody, DatasetFormat } from '../schemas/dataset.ts';

const uploadUrlLifetimeSeconds = 3600;

const contentTypes: Record<DatasetFormat, string> = {
  csv: 'text/csv',
  'csv.gz': 'application/gzip',
  xes: 'application/xml',
  'xes.gz': 'application/gzip',
};

export const datasetObjectKey = (scope: ProjectScope, datasetId: string, format: DatasetFormat): string =>
  `tenants/${scope.tenantId}/projects/${scope.projectId}/datasets/${datasetId}/source.${format}`;

export function datasetView(dataset: DatasetRecord) {
  return {
    datasetId: dataset.datasetId,
    name: dataset.name,
    format: dataset.format,
    ...(dataset.columnMapping ? { columnMapping: dataset.columnMapping } : {}),
    status: dataset.status,
    sizeBytes: dataset.sizeBytes ?? null,
    uploadedAt: dataset.uploadedAt ?? null,
    createdAt: dataset.createdAt,
    createdBy: dataset.createdBy,
  };
}

export class DatasetService {
  constructor(
    private readonly store: DatasetStore,
    private readonly objects: ObjectStore,
    private readonly clock: Clock,
  ) {}

  async create(scope: ProjectScope, body: CreateDatasetBody, userId: string) {
    const datasetId = randomUUID();
    const dataset: DatasetRecord = {
      ...scope,
      datasetId,
      name: body.name,
      format: body.format,
      ...(body.columnMapping ? { columnMapping: body.columnMapping } : {}),
      status: 'PendingUpload',
      objectKey: datasetObjectKey(scope, datasetId, body.format),
      createdAt: this.clock.now().toISOString(),
      createdBy: userId,
    };
    // Sign first: if signing fails nothing has been written.
    const upload = await this.objects.presignPut(dataset.objectKey, contentTypes[body.format], uploadUrlLifetimeSeconds);
    await this.store.create(dataset);
    return { ...datasetView(dataset), upload };
  }

  /** Uploads go straight to S3, so a dataset learns it has content when someone next looks. */
  async get(scope: ProjectScope, datasetId: string): Promise<DatasetRecord> {
    const dataset = await this.store.get(scope, datasetId);
    if (!dataset) throw new NotFoundError(`Dataset ${datasetId} does not exist in this project`);
    if (dataset.status === 'Available') return dataset;
    const object = await this.objects.head(dataset.objectKey);
    if (!object) return dataset;
    return this.store.markUploaded(scope, datasetId, object.sizeBytes, object.lastModified ?? this.clock.now().toISOString());
  }

  async requireUploaded(scope: ProjectScope, datasetId: string, field: string): Promise<DatasetRecord> {
    const current = await this.get(scope, datasetId);
    if (current.status !== 'Available') {
      throw new ConflictError(`Dataset ${datasetId} has no uploaded content yet: PUT the file to its upload URL first`, [
        { name: field, reason: 'dataset has no uploaded content' },
      ]);
    }
    return current;
  }

  list(scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<DatasetRecord>> {
    return this.store.list(scope, pageSize, nextToken);
  }
}
