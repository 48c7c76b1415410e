import type { z } from 'zod';
import type { FunctionId } from '../../lib/topology.ts';
import {
  cancelledOperation,
  createdDataset,
  datasetBody,
  datasetList,
  healthBody,
  operationList,
  operationStatusBody,
  rotatedSigningSecret,
  signingSecretMetadata,
  startedOperation,
  webhookBody,
  webhookList,
} from '../schemas/responses.ts';
import { batchBody, submittedBatch } from '../schemas/responses-batch.ts';
import { deliveryBody, deliveryList, redelivery, replay } from '../schemas/responses-deliveries.ts';
import { jobDependencies, jobLogs, jobMetrics, jobProgress, jobTimeline, trackedJobs } from '../schemas/responses-job-tracking.ts';
import { operationResultsBody, retriedOperation } from '../schemas/responses-operations.ts';
import { createdSubscription, subscriptionBody, subscriptionList } from '../schemas/responses-subscriptions.ts';
import { openApiDocumentBody } from '../schemas/responses-document.ts';
import { slackIntegrationView } from '../schemas/responses-integrations.ts';

/** A route's successful answer: status, and the zod schema of its body. */
export interface SuccessResponse {
  status: 200 | 201 | 202 | 204;
  description: string;
  /** Every JSON answer has one; only 204 and non-JSON answers go without. */
  schema?: z.ZodType;
  /** Defaults to application/json; a route answering several types (the docs page and its script) lists them. */
  contentType?: string | readonly string[];
  /** Response headers worth naming, e.g. `Location` of a created resource. */
  headers?: Record<string, string>;
  /** Problems this route answers beyond those its method and schemas imply (e.g. 409 from a GET). */
  problems?: readonly (409 | 422)[];
}

const location = { Location: 'Where to read what was created or accepted.' };
const ok = (description: string, schema: z.ZodType): SuccessResponse => ({ status: 200, description, schema });

/**
 * What each route answers on success, by function: what its handler's request schemas cannot tell. Every route of
 * the topology has an entry (a unit test checks it), so every answer of the integration suite is checked against
 * a declared schema.
 */
export const successResponses: Partial<Record<FunctionId, SuccessResponse>> = {
  Health: ok('The gateway and the function answer.', healthBody),
  CreateDataset: { status: 201, description: 'The dataset, with a presigned `PUT` upload for its file.', headers: location, schema: createdDataset },
  GetDataset: ok('The dataset; `Available` with `sizeBytes` once its file is uploaded.', datasetBody),
  ListDatasets: ok('A page of datasets; `nextToken` is opaque.', datasetList),
  StartOperation: {
    status: 202,
    description: 'The operation is accepted: `Initiated`, or `Queued` while the project is at its limit of active operations.',
    headers: location,
    schema: startedOperation,
  },
  GetOperation: ok('Status, progress, execution and phases.', operationStatusBody),
  ListOperations: ok('A page of operations and the project summary counts.', operationList),
  CancelOperation: ok('The operation is Cancelled; its execution is stopped shortly after.', cancelledOperation),
  GetOperationResults: {
    ...ok(
      'The results of an ended operation: summary, per-phase results, artifacts with presigned download URLs, performance and recommendations; with `format=detailed` the stored discovery and performance documents; with `format=download` where to fetch the whole results document. 409 while the operation has not ended.',
      operationResultsBody,
    ),
    problems: [409],
  },
  RetryOperation: { status: 202, description: 'The retry, a new operation.', headers: location, schema: retriedOperation },
  SubmitBatch: { status: 202, description: 'The batch and its operations.', headers: location, schema: submittedBatch },
  GetBatch: ok("The batch, its status derived from its operations, and their estimates.", batchBody),
  GetSigningSecret: ok("Metadata of the project's callback signing secret; never the secret.", signingSecretMetadata),
  RotateSigningSecret: ok('The new signing secret, returned this once; the previous one keeps signing for 24 h.', rotatedSigningSecret),
  RegisterWebhook: { status: 201, description: 'The webhook; a generated secret is shown in this answer only.', headers: location, schema: webhookBody },
  GetWebhook: ok('The webhook with its delivery stats and `pausedUntil`; never its secret.', webhookBody),
  ListWebhooks: ok('A page of webhooks; `nextToken` is opaque.', webhookList),
  UpdateWebhook: ok('The webhook as changed.', webhookBody),
  DeleteWebhook: { status: 204, description: 'Deleted; deliveries already queued for it are dropped.' },
  ListWebhookDeliveries: ok("A page of the webhook's attempt log, newest first.", deliveryList),
  GetWebhookDelivery: ok('One message with its attempts and the body sent.', deliveryBody),
  RedeliverWebhookDelivery: { status: 202, description: 'The delivery is queued again.', schema: redelivery },
  ReplayWebhook: { status: 202, description: 'The replayed messages are queued.', schema: replay },
  GetJobLogs: ok("The job's log entries at or above `level`, with counts by level and live execution figures.", jobLogs),
  GetJobProgress: ok('Overall and per-stage progress, the current activity, the latest resource sample and quality figures.', jobProgress),
  GetJobTimeline: ok('What happened, at the granularity asked for, and what is expected next.', jobTimeline),
  GetJobMetrics: ok('Resource utilisation, processing and stage figures, trends and a comparison with past runs; unmeasured figures are null.', jobMetrics),
  GetJobDependencies: ok('What the job builds on, what builds on it, and what blocks it.', jobDependencies),
  SubscribeToJob: { status: 201, description: 'The subscription; a generated secret is shown in this answer only.', schema: createdSubscription },
  ListJobSubscriptions: ok("The job's subscriptions that have not expired.", subscriptionList),
  GetJobSubscription: ok('The subscription with its delivery stats; never its secret.', subscriptionBody),
  UpdateJobSubscription: ok('The subscription as changed.', subscriptionBody),
  DeleteJobSubscription: { status: 204, description: 'Deleted.' },
  ListSubscriptionDeliveries: ok("A page of the subscription's attempt log, newest first.", deliveryList),
  GetSubscriptionDelivery: ok('One message with its attempts and the body sent.', deliveryBody),
  RedeliverSubscriptionDelivery: { status: 202, description: 'The delivery is queued again.', schema: redelivery },
  ReplaySubscription: { status: 202, description: 'The replayed messages are queued.', schema: replay },
  PutSlackIntegration: ok("The project's Slack integration: its host, never the webhook URL.", slackIntegrationView),
  GetSlackIntegration: ok("The project's Slack integration: its host, never the webhook URL; 404 when the project has none.", slackIntegrationView),
  DeleteSlackIntegration: { status: 204, description: 'Removed; notifications already queued for it are not posted.' },
  TrackJobs: ok('Several jobs at once, with queue positions and the system health; a polling hint with `refreshInterval`.', trackedJobs),
  OpenApi: ok('This document.', openApiDocumentBody),
  Docs: { status: 200, description: 'The API reference page, or its script.', contentType: ['text/html', 'text/javascript'] },
  Dashboard: { status: 200, description: 'The web dashboard: one self-contained HTML page.', contentType: 'text/html' },
};
