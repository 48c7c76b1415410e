import { z } from 'zod';
import { datasetFormats } from './dataset.ts';
import { operationStatuses, priorities } from './operation.ts';
import { webhookEvents } from './webhook.ts';
import { operationTypes } from '../domain/operation-types.ts';

/**
 * The bodies of the main routes' successful answers, for the OpenAPI document and response checks. Objects are
 * loose: they name the fields clients rely on, and a field added to a view does not break the contract.
 */

export const timestamp = z.iso.datetime({ offset: true });
export const operationStatus = z.enum(operationStatuses);
export const operationType = z.enum(operationTypes);
export const priority = z.enum(priorities);
/** An estimate is null until the project has three completed runs of the same type. */
export const estimate = z.string().nullable();

export const resourcesAllocated = z
  .object({
    cpuUnits: z.number(),
    memoryGB: z.number(),
    vcpuShare: z.number(),
    estimatedCost: z.string().nullable(),
    estimatedCostUsd: z.number().nullable(),
  })
  .loose();

export const phase = z
  .object({
    phaseName: z.string(),
    status: z.enum(['Pending', 'Running', 'Completed', 'Failed', 'Cancelled', 'Timeout']),
    startTime: timestamp.optional(),
    endTime: timestamp.optional(),
    durationMs: z.number().optional(),
    recordsProcessed: z.number().optional(),
    /** Running (or stopped) phases: the share of the phase done, measured by its work (records or sub-steps). */
    progress: z.number().min(0).max(100).optional(),
    currentActivity: z.object({ component: z.string(), operation: z.string(), details: z.string().nullable() }).loose().optional(),
    /** The machine-learning phase's models. */
    models: z.object({ modelsTraining: z.number().int(), modelsCompleted: z.number().int(), totalModels: z.number().int() }).loose().optional(),
    /** Pending phases: null while nothing (history or measured progress) supports an estimate. */
    estimatedStartTime: timestamp.nullable().optional(),
    estimatedDuration: z.string().nullable().optional(),
    estimatedDurationMs: z.number().nullable().optional(),
  })
  .loose();

/** A failed operation's error: a code from the documented list and a sentence for the client. */
export const operationError = z.object({ error: z.string(), cause: z.string() }).loose();

/** 202 of `POST async/operation`. */
export const startedOperation = z
  .object({
    operationId: z.string(),
    operationType,
    operationName: z.string(),
    status: operationStatus,
    estimatedDuration: estimate,
    estimatedCompletion: estimate,
    trackingUrl: z.string(),
    jobId: z.string(),
    webhooksRegistered: z.number().int(),
    priority,
    dateCreated: timestamp,
    timeoutAt: timestamp,
    resourcesAllocated,
    warnings: z.array(z.string()).optional(),
  })
  .loose();

/** `GET async/operation/{operationId}`. */
export const operationStatusBody = z
  .object({
    operationId: z.string(),
    operationType,
    operationName: z.string(),
    status: operationStatus,
    progress: z
      .object({
        percentage: z.number().min(0).max(100),
        currentPhase: z.string().nullable(),
        phasesCompleted: z.number().int(),
        totalPhases: z.number().int(),
        startTime: timestamp.nullable(),
        estimatedRemaining: estimate,
        estimatedCompletion: estimate,
        /** What the estimate rests on: `history`, `progress` (this run's measured rate) or `none` with the reason. */
        estimateBasis: z.object({ method: z.enum(['history', 'progress', 'none']) }).loose().optional(),
      })
      .loose(),
    execution: z
      .object({
        executionId: z.string(),
        processedRecords: z.number(),
        totalRecords: z.number().nullable(),
        processingRate: z.string().nullable(),
        resourcesAllocated,
      })
      .loose(),
    phases: z.array(phase),
    error: operationError.optional(),
    /** Per channel asked for in `notifications`: messages delivered and failed for good (retries not counted). */
    notifications: z
      .object({
        email: z.object({ recipients: z.number().int(), deliveriesSuccessful: z.number().int(), deliveriesFailed: z.number().int(), lastDeliveryAt: timestamp.nullable() }).loose().optional(),
        slack: z
          .object({ channel: z.string(), mentionUsers: z.array(z.string()), deliveriesSuccessful: z.number().int(), deliveriesFailed: z.number().int(), lastDeliveryAt: timestamp.nullable() })
          .loose()
          .optional(),
      })
      .loose()
      .optional(),
    submittedBy: z.string(),
    dateCreated: timestamp,
    endTime: timestamp.optional(),
    timeoutAt: timestamp,
    priority,
  })
  .loose();

/** `GET async/operations`: a page and the project's counts by status. */
export const operationList = z
  .object({
    operations: z.array(
      z
        .object({
          operationId: z.string(),
          operationType,
          operationName: z.string(),
          status: operationStatus,
          progress: z.number().min(0).max(100),
          priority,
          dateCreated: timestamp,
          startTime: timestamp.optional(),
          currentPhase: z.string().optional(),
          jobId: z.string().optional(),
          phases: z.array(phase).optional(),
          error: operationError.optional(),
        })
        .loose(),
    ),
    summary: z
      .object({
        totalOperations: z.number().int(),
        initiated: z.number().int(),
        queued: z.number().int(),
        running: z.number().int(),
        completed: z.number().int(),
        failed: z.number().int(),
        cancelled: z.number().int(),
        timeout: z.number().int(),
      })
      .loose(),
    page: z.number().int(),
    pageSize: z.number().int(),
    hasNextPage: z.boolean(),
  })
  .loose();

/** A dataset as `GET datasets/{datasetId}` and the list show it. */
export const datasetBody = z
  .object({
    datasetId: z.string(),
    name: z.string(),
    format: z.enum(datasetFormats),
    columnMapping: z.record(z.string(), z.unknown()).optional(),
    status: z.enum(['PendingUpload', 'Available']),
    sizeBytes: z.number().int().nullable(),
    uploadedAt: timestamp.nullable(),
    createdAt: timestamp,
    createdBy: z.string(),
  })
  .loose();

/** 201 of `POST datasets`: the dataset and where to PUT its file. */
export const createdDataset = datasetBody.extend({
  upload: z.object({ url: z.string(), method: z.literal('PUT'), headers: z.record(z.string(), z.string()), expiresAt: timestamp }).loose(),
});

export const datasetList = z.object({ datasets: z.array(datasetBody), nextToken: z.string().nullable() }).loose();

/** Why a receiver was disabled, or warned that it keeps failing. */
export const receiverNotice = z.object({ at: timestamp, reason: z.string() }).loose();

export const lastDelivery = z
  .object({ at: timestamp, event: z.string(), successful: z.boolean(), statusCode: z.number().int().nullable(), responseExcerpt: z.string().optional() })
  .loose();

export const deliveryStats = z
  .object({ totalDeliveries: z.number().int(), successfulDeliveries: z.number().int(), failedDeliveries: z.number().int(), averageResponseTime: z.string().nullable() })
  .loose();

/** A webhook as the API shows it; its secret or token only in the answer that set it. */
export const webhookBody = z
  .object({
    webhookId: z.string(),
    webhookUrl: z.string(),
    webhookName: z.string(),
    status: z.enum(['Active', 'Disabled']),
    eventsSubscribed: z.array(z.enum(webhookEvents)),
    filters: z.object({}).loose(),
    authentication: z.object({ type: z.string(), secret: z.string().optional() }).loose().nullable(),
    createdAt: timestamp,
    deliveryStats,
    pausedUntil: timestamp.nullable(),
    disabled: receiverNotice.nullable().optional(),
    warning: receiverNotice.nullable().optional(),
    retryPolicy: z.record(z.string(), z.unknown()).optional(),
    lastDelivery: lastDelivery.nullable().optional(),
    /** Register and update: what was accepted with a caveat (e.g. a short secret). */
    warnings: z.array(z.string()).optional(),
  })
  .loose();

export const webhookList = z.object({ webhooks: z.array(webhookBody), nextToken: z.string().nullable() }).loose();

export const healthBody = z.object({ status: z.literal('ok') });

/** `DELETE async/operation/{operationId}`: the operation is Cancelled at once, its execution stopped through a queue. */
export const cancelledOperation = z
  .object({
    operationId: z.string(),
    status: z.literal('Cancelled'),
    cancellationTime: timestamp,
    reason: z.string().nullable(),
    progressAtCancellation: z.number().min(0).max(100),
    phaseAtCancellation: z.string().nullable(),
    partialResults: z.object({ available: z.boolean(), completedPhases: z.number().int() }).loose(),
    cancelledBy: z.string(),
  })
  .loose();

/** `GET async/signing-secret`: metadata only, never the secret. */
export const signingSecretMetadata = z
  .object({
    exists: z.boolean(),
    format: z.literal('whsec'),
    createdAt: timestamp.nullable(),
    rotatedAt: timestamp.nullable(),
    previousSecretsValidUntil: z.array(timestamp),
  })
  .loose();

/** `POST async/signing-secret/rotate`: the new secret, shown this once. */
export const rotatedSigningSecret = z
  .object({ secret: z.string().startsWith('whsec_'), createdAt: timestamp, rotatedAt: timestamp.optional(), previousSecretsValidUntil: z.array(timestamp) })
  .loose();
