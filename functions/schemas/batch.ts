import { z } from 'zod';
import { prefixedGuid, projectPath, receiverUrl } from './common.ts';
import { priorities, retryPolicy } from './operation.ts';
import { operationTypes } from '../domain/operation-types.ts';

const operationKey = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes');

export const batchOperation = z.strictObject({
  operationKey,
  operationName: z.string().trim().min(1, 'must not be empty').max(200),
  operationDescription: z.string().max(2000).optional(),
  operationType: z.enum(operationTypes),
  priority: z.enum(priorities).default('Normal'),
  dependencies: z.array(operationKey).max(20).default([]),
  /** Validated per operation type when the batch is planned; ids a dependency produces may be left out. */
  parameters: z.record(z.string(), z.unknown()).default({}),
  timeout: z.number().int().min(60).max(86_400).optional(),
  retryPolicy: retryPolicy.optional(),
});
export type BatchOperationInput = z.infer<typeof batchOperation>;

export const batchCallbacks = z.strictObject({
  onBatchStart: receiverUrl.optional(),
  onOperationComplete: receiverUrl.optional(),
  onBatchComplete: receiverUrl.optional(),
});
export type BatchCallbacks = z.infer<typeof batchCallbacks>;

export const submitBatchBody = z.strictObject({
  batchName: z.string().trim().min(1, 'must not be empty').max(200),
  batchDescription: z.string().max(2000).optional(),
  operations: z.array(batchOperation).min(1).max(25),
  failurePolicy: z
    .strictObject({
      /** Cancel every operation that has not started once one fails. */
      stopOnFirstFailure: z.boolean().default(false),
      /** Keep starting operations that do not depend on the failed one. */
      continueIndependentOperations: z.boolean().default(true),
      /** Retry a failed operation once (an operation's own retryPolicy instead, when it has one) before its dependents are cancelled. */
      retryFailedOperations: z.boolean().default(false),
    })
    .prefault({}),
  /** Signed like operation callbacks and delivered through the same retried queue; each receiver is checked at submission. */
  batchCallbacks: batchCallbacks.optional(),
});
export type SubmitBatchBody = z.infer<typeof submitBatchBody>;

export const batchPath = projectPath.extend({
  batchId: prefixedGuid('batch'),
});
