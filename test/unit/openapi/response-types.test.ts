import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { BatchService } from '../../../functions/domain/batch-service.ts';
import type { DeliveryLogService } from '../../../functions/domain/delivery-log-service.ts';
import type { JobTrackingService } from '../../../functions/domain/job-tracking-service.ts';
import type { OperationService } from '../../../functions/domain/operation-service.ts';
import type { ResultsService } from '../../../functions/domain/results-service.ts';
import type { WebhookService } from '../../../functions/domain/webhook-service.ts';
import type { batchBody, submittedBatch } from '../../../functions/schemas/responses-batch.ts';
import type { deliveryBody, deliveryList, redelivery, replay } from '../../../functions/schemas/responses-deliveries.ts';
import type { jobDependencies, jobLogs, jobMetrics, jobProgress, jobTimeline, trackedJobs } from '../../../functions/schemas/responses-job-tracking.ts';
import type { operationResultsBody, retriedOperation } from '../../../functions/schemas/responses-operations.ts';
import type { subscriptionBody, subscriptionList } from '../../../functions/schemas/responses-subscriptions.ts';

type Answer<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
/**
 * What the type checker can hold a view to: the fields the schema names, with their kind. Index signatures of loose
 * objects go (interfaces such as LogEntry have none), literals widen to their primitive and null or undefined are
 * left out, because views type many enum values as `string` and many always-set fields as optional; enum values
 * and nulls are checked on every real answer by the contract check (local/contract-check.ts).
 */
type Shape<T> = T extends string
  ? string
  : T extends number
    ? number
    : T extends boolean
      ? boolean
      : T extends readonly (infer U)[]
        ? Shape<U>[]
        : T extends object
          ? { [K in keyof T as string extends K ? never : K]: Shape<NonNullable<T[K]>> }
          : T;
type Lenient<T> = T extends readonly (infer U)[] ? Lenient<U>[] : T extends object ? { [K in keyof T]: Lenient<NonNullable<T[K]>> } : T;
/** True when every answer the service can give has the fields of the schema, of their kinds. */
type Fits<A, S extends z.ZodType> = [Lenient<A>] extends [Shape<z.output<S>>] ? true : false;

/**
 * The services' return types against the response schemas, checked by the type checker (`npm run typecheck`): a
 * field a view renames, drops or changes the kind of breaks the build here, before it breaks the contract at run time.
 */
describe('the response schemas and what the services return', () => {
  it('agree in type', () => {
    // A `false` here is a type error naming the pair that drifted apart.
    const fits: Record<string, true> = {
      'ResultsService.results': true satisfies Fits<Answer<ResultsService['results']>, typeof operationResultsBody>,
      'OperationService.retry': true satisfies Fits<Answer<OperationService['retry']>, typeof retriedOperation>,
      'BatchService.submit': true satisfies Fits<Answer<BatchService['submit']>, typeof submittedBatch>,
      'BatchService.get': true satisfies Fits<Answer<BatchService['get']>, typeof batchBody>,
      'JobTrackingService.logs': true satisfies Fits<Answer<JobTrackingService['logs']>, typeof jobLogs>,
      'JobTrackingService.progress': true satisfies Fits<Answer<JobTrackingService['progress']>, typeof jobProgress>,
      'JobTrackingService.timeline': true satisfies Fits<Answer<JobTrackingService['timeline']>, typeof jobTimeline>,
      'JobTrackingService.metrics': true satisfies Fits<Answer<JobTrackingService['metrics']>, typeof jobMetrics>,
      'JobTrackingService.dependencies': true satisfies Fits<Answer<JobTrackingService['dependencies']>, typeof jobDependencies>,
      'JobTrackingService.tracking': true satisfies Fits<Answer<JobTrackingService['tracking']>, typeof trackedJobs>,
      'WebhookService.getSubscription': true satisfies Fits<Answer<WebhookService['getSubscription']>, typeof subscriptionBody>,
      'WebhookService.listSubscriptions': true satisfies Fits<Answer<WebhookService['listSubscriptions']>, typeof subscriptionList>,
      'DeliveryLogService.list': true satisfies Fits<Answer<DeliveryLogService['list']>, typeof deliveryList>,
      'DeliveryLogService.get': true satisfies Fits<Answer<DeliveryLogService['get']>, typeof deliveryBody>,
      'DeliveryLogService.redeliver': true satisfies Fits<Answer<DeliveryLogService['redeliver']>, typeof redelivery>,
      'DeliveryLogService.replay': true satisfies Fits<Answer<DeliveryLogService['replay']>, typeof replay>,
    };
    expect(Object.keys(fits)).toHaveLength(16);
  });
});
