import { ValidationError, type InvalidField } from './errors.ts';
import type { OperationType } from './operation-types.ts';
import { startOperationBody, type StartOperationBody } from '../schemas/operation.ts';
import type { SubmitBatchBody } from '../schemas/batch.ts';

/** Stand-ins for ids a dependency produces, so the rest of a request can be validated up front. */
export const pendingDatasetId = '00000000-0000-4000-8000-000000000000';
export const pendingOperationId = 'op-00000000-0000-4000-8000-000000000000';

/**
 * What `failurePolicy.retryFailedOperations` gives an operation without a retryPolicy of its own: one automatic
 * retry (automatic-retries.ts) of a retryable failure, 10 seconds later, before its dependents are cancelled.
 */
export const batchRetryPolicy = { maxRetries: 1, retryDelay: 10, backoffMultiplier: 1 } as const;

export interface PlannedOperation {
  operationKey: string;
  dependencies: string[];
  request: StartOperationBody;
  /** The dependency whose output dataset becomes `parameters.datasetId`. */
  datasetFrom?: string;
  /** The dependency that becomes `parameters.sourceOperationId`. */
  sourceFrom?: string;
}

/**
 * Checks a batch as a whole and returns its operations in an order where every dependency comes
 * first: keys unique, dependencies known and acyclic, each request valid for its type. A
 * DataEnrichment dependency may supply the dataset, an analysis dependency the source of a report.
 */
export function planBatch(body: SubmitBatchBody): PlannedOperation[] {
  const fields: InvalidField[] = [];
  const types = new Map<string, OperationType>();
  body.operations.forEach((op, i) => {
    if (types.has(op.operationKey)) fields.push({ name: `body.operations.${i}.operationKey`, reason: `repeats "${op.operationKey}"` });
    types.set(op.operationKey, op.operationType);
  });
  const planned: (PlannedOperation & { datasetOf?: string })[] = body.operations.map((op, i) => {
    const at = `body.operations.${i}`;
    op.dependencies.forEach((dep, j) => {
      if (!types.has(dep)) fields.push({ name: `${at}.dependencies.${j}`, reason: `no operation has the key "${dep}"` });
      if (dep === op.operationKey) fields.push({ name: `${at}.dependencies.${j}`, reason: 'an operation cannot depend on itself' });
    });
    const ofType = (type: OperationType) => op.dependencies.filter((dep) => types.get(dep) === type);
    const parameters: Record<string, unknown> = { ...op.parameters };
    let datasetFrom: string | undefined;
    let sourceFrom: string | undefined;
    let datasetOf: string | undefined;
    if (op.operationType !== 'ReportGeneration' && parameters.datasetId === undefined) {
      const producers = ofType('DataEnrichment');
      const analyses = ofType('ProcessMiningAnalysis');
      if (producers.length === 1) {
        datasetFrom = producers[0];
        parameters.datasetId = pendingDatasetId;
      } else if (producers.length === 0 && analyses.length === 1 && op.operationType === 'ProcessMiningAnalysis') {
        // As in the document's batch: a further analysis of what its dependency analysed.
        datasetOf = analyses[0];
        parameters.datasetId = pendingDatasetId;
      } else {
        fields.push({ name: `${at}.parameters.datasetId`, reason: 'is required unless the operation depends on exactly one DataEnrichment (or, for an analysis, on exactly one analysis)' });
      }
    }
    if (op.operationType === 'ReportGeneration' && parameters.sourceOperationId === undefined) {
      const analyses = ofType('ProcessMiningAnalysis');
      if (analyses.length === 1) {
        sourceFrom = analyses[0];
        parameters.sourceOperationId = pendingOperationId;
      } else fields.push({ name: `${at}.parameters.sourceOperationId`, reason: 'is required unless the operation depends on exactly one ProcessMiningAnalysis' });
    }
    const parsed = startOperationBody.safeParse({
      operationType: op.operationType,
      operationName: op.operationName,
      ...(op.operationDescription ? { operationDescription: op.operationDescription } : {}),
      priority: op.priority,
      parameters,
      ...(op.timeout ? { timeout: op.timeout } : {}),
      ...(op.retryPolicy ? { retryPolicy: op.retryPolicy } : body.failurePolicy.retryFailedOperations ? { retryPolicy: batchRetryPolicy } : {}),
    });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const name = [at, ...issue.path.map(String)].join('.');
        if (!fields.some((f) => f.name === name)) fields.push({ name: issue.code === 'unrecognized_keys' ? `${name}.${issue.keys.join(',')}` : name, reason: issue.message });
      }
    }
    return {
      operationKey: op.operationKey,
      dependencies: op.dependencies,
      request: parsed.data!,
      ...(datasetFrom ? { datasetFrom } : {}),
      ...(sourceFrom ? { sourceFrom } : {}),
      ...(datasetOf ? { datasetOf } : {}),
    };
  });
  if (fields.length) throw new ValidationError('The batch is not valid', fields);
  return inheritDatasets(topologicalOrder(planned));
}

/**
 * An analysis that names no dataset and depends on one analysis analyses the same data: that analysis's dataset,
 * or the output of the DataEnrichment it reads. Dependencies come first, so chains resolve in one pass.
 */
function inheritDatasets(ordered: (PlannedOperation & { datasetOf?: string })[]): PlannedOperation[] {
  const byKey = new Map<string, PlannedOperation>();
  return ordered.map(({ datasetOf, ...planned }) => {
    const source = datasetOf === undefined ? undefined : byKey.get(datasetOf);
    if (source) {
      if (source.datasetFrom) planned.datasetFrom = source.datasetFrom;
      else if ('datasetId' in source.request.parameters) (planned.request.parameters as { datasetId: string }).datasetId = source.request.parameters.datasetId;
    }
    byKey.set(planned.operationKey, planned);
    return planned;
  });
}

/** Kahn's algorithm; what is left over sits on a cycle. */
function topologicalOrder<P extends PlannedOperation>(planned: P[]): P[] {
  const remaining = new Map(planned.map((p) => [p.operationKey, new Set(p.dependencies)]));
  const ordered: P[] = [];
  while (ordered.length < planned.length) {
    const ready = planned.filter((p) => remaining.get(p.operationKey)?.size === 0);
    if (!ready.length) {
      const cycle = [...remaining.keys()];
      throw new ValidationError('The batch dependencies form a cycle', [{ name: 'body.operations', reason: `a cycle runs through ${cycle.join(', ')}` }]);
    }
    for (const p of ready) {
      ordered.push(p);
      remaining.delete(p.operationKey);
      for (const deps of remaining.values()) deps.delete(p.operationKey);
    }
  }
  return ordered;
}
