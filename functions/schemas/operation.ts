import { z } from 'zod';
import { booleanQuery, guid, isoDateTime, pageQuery, prefixedGuid, projectPath, receiverUrl } from './common.ts';
import { operationTypes } from '../domain/operation-types.ts';
import { discoveryAlgorithms, performanceModes } from '../mining/analysis/analysis-options.ts';

export const priorities = ['Low', 'Normal', 'High', 'Critical'] as const;
export type Priority = (typeof priorities)[number];

export const operationStatuses = ['Initiated', 'Queued', 'Running', 'Completed', 'Failed', 'Cancelled', 'Timeout'] as const;
export type OperationStatus = (typeof operationStatuses)[number];

export const operationId = prefixedGuid('op');

const calendarDate = z.iso.date({ error: 'must be a date like 2024-01-31' });

const timeWindow = z
  .strictObject({ startDate: calendarDate.optional(), endDate: calendarDate.optional() })
  .refine((w) => !w.startDate || !w.endDate || w.startDate <= w.endDate, {
    message: 'startDate must not be after endDate',
    path: ['endDate'],
  });

export const exportFormats = ['PDF', 'CSV', 'JSON', 'SVG', 'PNML', 'PowerPoint'] as const;

const outputOptions = z.strictObject({
  generateReports: z.boolean().default(true),
  createVisualizations: z.boolean().default(true),
  exportFormats: z.array(z.enum(exportFormats)).min(1).max(exportFormats.length).default(['JSON', 'SVG', 'CSV', 'PDF', 'PNML']),
});

const algorithmSettings = z.strictObject({
  /** Next-activity and remaining-time prediction; left unset it follows `enableML`, else true. */
  useAdvancedML: z.boolean().optional(),
  enableAnomalyDetection: z.boolean().default(true),
  /** `high_throughput` replays a sample of the variants for conformance; the others replay every variant. */
  performanceOptimization: z.enum(performanceModes).default('balanced'),
});

/**
 * Compute for the phases: the smallest phase-function size with at least this memory and these
 * vCPUs (functions/domain/phase-sizes.ts); beyond the largest size the phases run on the largest,
 * and the answer says so in `warnings`.
 */
export const resourceAllocation = z.strictObject({
  cpuUnits: z.number().positive().max(64).optional(),
  memoryGB: z.number().positive().max(1024).optional(),
});
export type ResourceAllocation = z.infer<typeof resourceAllocation>;

/** The switches of an analysis; what each turns on or off is in functions/mining/analysis/analysis-options.ts. */
const analysisParameters = z
  .strictObject({
    datasetId: guid,
    analysisType: z.enum(['comprehensive']).default('comprehensive'),
    timeWindow: timeWindow.optional(),
    /** The model shown first; `inductive_infrequent` runs IMf. */
    algorithm: z.enum(discoveryAlgorithms).default('inductive'),
    /** IMf's noise threshold, with `algorithm: inductive_infrequent` only (default 0.2). */
    noiseThreshold: z.number().gt(0, 'must be above 0 (0 is the plain Inductive Miner: algorithm "inductive")').max(1).optional(),
    enableVariantAnalysis: z.boolean().default(true),
    enableBottleneckDetection: z.boolean().default(true),
    /** Where the document's batch example puts it: the same switch as algorithmSettings.useAdvancedML. */
    enableML: z.boolean().optional(),
    generateInsights: z.boolean().default(true),
    generateOptimizationRecommendations: z.boolean().default(true),
    algorithmSettings: algorithmSettings.prefault({}),
    outputOptions: outputOptions.prefault({}),
    resourceAllocation: resourceAllocation.optional(),
  })
  .refine((p) => p.noiseThreshold === undefined || p.algorithm === 'inductive_infrequent', {
    message: 'applies only with algorithm "inductive_infrequent"',
    path: ['noiseThreshold'],
  })
  .refine((p) => p.enableML === undefined || p.algorithmSettings.useAdvancedML === undefined || p.enableML === p.algorithmSettings.useAdvancedML, {
    message: 'contradicts algorithmSettings.useAdvancedML; give one of them',
    path: ['enableML'],
  });

export const cleaningRules = ['remove_duplicates', 'fix_timestamps', 'validate_activities'] as const;

const enrichmentParameters = z.strictObject({
  datasetId: guid,
  cleaningRules: z.array(z.enum(cleaningRules)).min(1).default([...cleaningRules]),
  outputFormat: z.enum(['processed_csv']).default('processed_csv'),
  resourceAllocation: resourceAllocation.optional(),
});

const reportParameters = z.strictObject({
  sourceOperationId: operationId,
  reportType: z.enum(['executive_summary', 'detailed']).default('executive_summary'),
  includeVisualizations: z.boolean().default(true),
  exportFormats: z.array(z.enum(exportFormats)).min(1).default(['PDF']),
  resourceAllocation: resourceAllocation.optional(),
});

const callbacks = z.strictObject({
  onProgress: receiverUrl.optional(),
  onCompletion: receiverUrl.optional(),
  onError: receiverUrl.optional(),
});

const notifications = z.strictObject({
  email: z.array(z.email()).max(20).optional(),
  slack: z.strictObject({ channel: z.string().min(1).max(100), mentionUsers: z.array(z.string().min(1).max(100)).max(20).optional() }).optional(),
});

export const retryPolicy = z.strictObject({
  maxRetries: z.number().int().min(0).max(10),
  retryDelay: z.number().int().min(0).max(86_400),
  backoffMultiplier: z.number().min(1).max(10).default(1),
});

const common = {
  operationName: z.string().trim().min(1, 'must not be empty').max(200),
  operationDescription: z.string().max(2000).optional(),
  priority: z.enum(priorities).default('Normal'),
  callbacks: callbacks.optional(),
  notifications: notifications.optional(),
  /** Seconds until the operation is stopped with status Timeout. */
  timeout: z.number().int().min(60).max(86_400).default(3600),
  retryPolicy: retryPolicy.optional(),
};

export const startOperationBody = z.discriminatedUnion(
  'operationType',
  [
    z.strictObject({ operationType: z.literal('ProcessMiningAnalysis'), parameters: analysisParameters, ...common }),
    z.strictObject({ operationType: z.literal('DataEnrichment'), parameters: enrichmentParameters, ...common }),
    z.strictObject({ operationType: z.literal('ReportGeneration'), parameters: reportParameters, ...common }),
  ],
  { error: `operationType must be one of ${operationTypes.join(', ')}` },
);
export type StartOperationBody = z.infer<typeof startOperationBody>;
export type OperationParameters = StartOperationBody['parameters'];

export const operationPath = projectPath.extend({ operationId });

export const listOperationsQuery = z
  .strictObject({
    status: z.enum(operationStatuses).optional(),
    operationType: z.enum(operationTypes).optional(),
    priority: z.enum(priorities).optional(),
    dateFrom: isoDateTime.optional(),
    dateTo: isoDateTime.optional(),
    includeDetails: booleanQuery.default(false),
    ...pageQuery,
  })
  .refine((q) => !q.dateFrom || !q.dateTo || new Date(q.dateFrom) <= new Date(q.dateTo), {
    message: 'dateFrom must not be after dateTo',
    path: ['dateTo'],
  });
export type ListOperationsQuery = z.infer<typeof listOperationsQuery>;

export const cancelOperationBody = z
  .strictObject({
    reason: z.string().trim().min(1).max(1000).optional(),
    preservePartialResults: z
      .boolean()
      .default(true)
      .describe("true: the answer's partialResults.downloadUrls download the completed phases' stored outputs; false: those outputs are deleted"),
    forceTermination: z
      .boolean()
      .default(false)
      .describe('true: the running phase is stopped where it is and its later writes and events are refused; false: it stops at its next safe point'),
    notifyCallbacks: z.boolean().default(true).describe("false: the operation's own callbacks do not hear operation.cancelled; the project's webhooks always do"),
  })
  .default({ preservePartialResults: true, forceTermination: false, notifyCallbacks: true });
export type CancelOperationBody = z.infer<typeof cancelOperationBody>;

export const operationResultsQuery = z.strictObject({
  format: z.enum(['summary', 'detailed', 'download']).default('summary'),
  includeArtifacts: booleanQuery.default(true),
  /** A phase's display name (e.g. "Process Discovery") or id (e.g. "ProcessDiscovery"). */
  phase: z.string().trim().min(1).max(100).optional(),
});
export type OperationResultsQuery = z.infer<typeof operationResultsQuery>;

export const retryOperationBody = z
  .strictObject({
    /** `resume` starts at the first phase that did not complete, keeping the earlier ones; `restart` runs every phase again. */
    retryMode: z.enum(['resume', 'restart']),
    retryReason: z.string().trim().min(1).max(1000).optional(),
    modifyParameters: z.boolean().default(false),
    /** Parameters of the operation type to change; priority and compute through resourceAllocation as in the spec. */
    updatedParameters: z
      .record(z.string(), z.unknown())
      .and(z.object({ resourceAllocation: resourceAllocation.extend({ priority: z.enum(priorities).optional() }).optional() }))
      .optional(),
    retryPolicy: retryPolicy.optional(),
    newTimeout: z.number().int().min(60).max(86_400).optional(),
    preserveOriginalResults: z.boolean().default(true),
  })
  .refine((body) => body.modifyParameters || body.updatedParameters === undefined, {
    message: 'set modifyParameters to true to change parameters',
    path: ['modifyParameters'],
  });
export type RetryOperationBody = z.infer<typeof retryOperationBody>;
