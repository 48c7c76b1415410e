import { z } from 'zod';
import { estimate, operationError, operationStatus, operationType, resourcesAllocated, timestamp } from './responses.ts';

/**
 * The answers of an operation's results and of its retry. Loose objects, as in responses.ts: they name the fields
 * clients rely on; a field added to a view does not break the contract.
 */

const artifact = z
  .object({
    name: z.string(),
    type: z.string(),
    format: z.string(),
    size: z.string(),
    sizeBytes: z.number().int(),
    /** Presigned; valid until `expiresAt` (one hour). */
    downloadUrl: z.string(),
    expiresAt: timestamp,
    description: z.string().optional(),
  })
  .loose();

/** `GET async/operation/{operationId}/results` (summary or detailed): what an ended operation's phases recorded. */
export const operationResults = z
  .object({
    operationId: z.string(),
    operationType,
    operationName: z.string(),
    status: operationStatus,
    completionTime: timestamp.nullable(),
    totalDuration: z.string().nullable(),
    totalDurationMs: z.number().nullable(),
    success: z.boolean(),
    /** Figures a phase did not produce (skipped, failed before it) are null. */
    summary: z
      .object({
        recordsAnalyzed: z.number().nullable(),
        processVariants: z.number().nullable(),
        anomaliesDetected: z.number().nullable(),
        modelsGenerated: z.number().nullable(),
        reportsCreated: z.number().int(),
        artifactsCreated: z.number().int(),
        dataQualityScore: z.number().nullable(),
        primaryModel: z.unknown().optional(),
        skipped: z.array(z.unknown()).optional(),
      })
      .loose(),
    phaseResults: z.array(z.object({ phaseName: z.string(), status: z.string(), results: z.record(z.string(), z.unknown()) }).loose()),
    /** Absent with `includeArtifacts=false`. */
    artifacts: z.array(artifact).optional(),
    performance: z
      .object({
        totalExecutionTime: z.string().nullable(),
        /** Null when no phase was measured. */
        resourceUtilization: z
          .object({ averageCpuUsage: z.number(), peakMemoryUsage: z.string(), peakMemoryBytes: z.number(), totalCpuSeconds: z.number() })
          .loose()
          .nullable(),
        throughput: z.string().nullable(),
      })
      .loose(),
    recommendations: z.array(z.unknown()),
    /** `format=detailed` only: the discovery and performance documents the phases stored (null when not produced). */
    details: z.object({ discovery: z.record(z.string(), z.unknown()).nullable(), performance: z.record(z.string(), z.unknown()).nullable() }).loose().optional(),
    error: operationError.optional(),
  })
  .loose();

/** `GET async/operation/{operationId}/results?format=download`: where to fetch the whole results document. */
export const operationResultsDownload = z
  .object({ operationId: z.string(), format: z.literal('download'), downloadUrl: z.string(), expiresAt: timestamp, sizeBytes: z.number().int() })
  .loose();

/** The results route answers one of the two, by its `format` query. */
export const operationResultsBody = z.union([operationResultsDownload, operationResults]);

/** 202 of `POST async/operation/{operationId}/retry`: the retry, a new operation. */
export const retriedOperation = z
  .object({
    originalOperationId: z.string(),
    newOperationId: z.string(),
    retryMode: z.enum(['restart', 'resume']),
    /** The retry's position in the chain of the original: 1, 2, 3 … */
    retryNumber: z.number().int().min(1),
    /** `resume`: the first phase the retry runs; null when it starts from the beginning. */
    resumeFromPhase: z.string().nullable(),
    status: operationStatus,
    estimatedDuration: estimate,
    estimatedCompletion: estimate,
    trackingUrl: z.string(),
    jobId: z.string(),
    preservedResults: z.object({ phasesPreserved: z.number().int(), recordsProcessed: z.number(), progressSaved: z.number().min(0).max(100) }).loose(),
    resourcesAllocated,
    warnings: z.array(z.string()).optional(),
    retryAttemptDate: timestamp,
  })
  .loose();
