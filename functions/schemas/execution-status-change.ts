import { z } from 'zod';
import { operationTypes } from '../domain/operation-types.ts';

/**
 * EventBridge's "Step Functions Execution Status Change" event, as AWS sends it and as the local Step Functions
 * endpoint emits it. Only the fields the reconciler reads are checked; `input` is the execution's input as a JSON
 * string (null when EventBridge left it out for size, which the service's small inputs never reach).
 */
export const executionStatusChange = z.object({
  source: z.literal('aws.states'),
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.object({
    executionArn: z.string().min(1),
    stateMachineArn: z.string().min(1),
    name: z.string().min(1),
    status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE']),
    input: z.string().nullish(),
    error: z.string().nullish(),
    cause: z.string().nullish(),
  }),
});
export type ExecutionStatusChange = z.infer<typeof executionStatusChange>;

/** The `job` the service puts into every execution's input (functions/domain/lifecycle.ts `startExecution`). */
export const executionJob = z.object({
  job: z.object({
    tenantId: z.string().min(1),
    projectId: z.string().min(1),
    operationId: z.string().min(1),
    jobId: z.string().min(1),
    operationType: z.enum(operationTypes),
  }),
});
