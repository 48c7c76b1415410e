import { z } from 'zod';
import { operationStatus, operationType, timestamp } from './responses.ts';

/** A batch as `POST async/batch` (202) and `GET async/batch/{batchId}` show it. Loose, as in responses.ts. */

/** Derived from its operations: Queued until one starts, Completed when all did, PartiallyCompleted or Failed once all ended. */
const batchStatus = z.enum(['Initiated', 'Queued', 'Running', 'Completed', 'PartiallyCompleted', 'Failed']);

const batchOperation = z
  .object({
    operationKey: z.string(),
    operationId: z.string(),
    jobId: z.string(),
    status: operationStatus,
    dependencies: z.array(z.string()),
    /** Null where history cannot say (fewer than three completed runs of the type), or once ended. */
    estimatedDuration: z.string().nullable(),
    estimatedStartTime: timestamp.nullable(),
    operationType: operationType.optional(),
    startTime: timestamp.optional(),
    endTime: timestamp.optional(),
    cancellationReason: z.string().optional(),
  })
  .loose();

const batchView = {
  batchId: z.string(),
  batchName: z.string(),
  status: batchStatus,
  operations: z.array(batchOperation),
  totalOperations: z.number().int(),
  estimatedBatchDuration: z.string().nullable(),
  estimatedBatchCompletion: timestamp.nullable(),
  batchStartTime: timestamp,
  trackingUrl: z.string(),
};

/** 202 of `POST async/batch`. */
export const submittedBatch = z.object(batchView).loose();

/** `GET async/batch/{batchId}`. */
export const batchBody = z
  .object({
    ...batchView,
    batchDescription: z.string().optional(),
    failurePolicy: z.object({ stopOnFirstFailure: z.boolean(), continueIndependentOperations: z.boolean(), retryFailedOperations: z.boolean().optional() }).loose(),
    /** The receivers given at submission: `onBatchStart`, `onOperationComplete`, `onBatchComplete`. */
    batchCallbacks: z.record(z.string(), z.string()).optional(),
  })
  .loose();
