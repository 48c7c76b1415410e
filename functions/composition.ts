/**
 * The one place SDK clients and services are built. Endpoints come from the SDK's own
 * environment variables (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_S3, ...), so the same
 * code talks to AWS or to the local emulators without an "is local" branch.
 * Everything is built on first use, not at import time, and reused across warm invocations.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoDatasetStore } from './adapters/dynamo-dataset-store.ts';
import { dynamoCursorKey } from './adapters/dynamo-cursor-key.ts';
import { SealedCursors } from './domain/cursors.ts';
import { dynamoIdempotencyStores } from './adapters/dynamo-idempotency-store.ts';
import { DynamoJobJournal } from './adapters/dynamo-job-journal.ts';
import { DynamoOperationStore } from './adapters/dynamo-operation-store.ts';
import { S3ObjectStore } from './adapters/s3-object-store.ts';
import { SfnWorkflowEngine } from './adapters/sfn-workflow-engine.ts';
import { DynamoBatchStore } from './adapters/dynamo-batch-store.ts';
import { DynamoWebhookStore } from './adapters/dynamo-webhook-store.ts';
import { DynamoSigningSecretStore } from './adapters/dynamo-signing-secret-store.ts';
import { DynamoDeliveryLog } from './adapters/dynamo-delivery-log.ts';
import { DeliveryLogService } from './domain/delivery-log-service.ts';
import { dnsReceiverGuard, dnsResolver } from './adapters/dns-receiver-guard.ts';
import { guardedHttpPost } from './adapters/guarded-http-post.ts';
import { BatchService } from './domain/batch-service.ts';
import { Scheduler } from './domain/scheduler.ts';
import { SqsDeliveryRetries } from './adapters/sqs-delivery-retries.ts';
import { SqsMessageQueue } from './adapters/sqs-message-queue.ts';
import { WebhookService } from './domain/webhook-service.ts';
import { SigningSecretService } from './domain/signing-secret-service.ts';
import { CallbackDeliverer, CallbackNotifier, type CallbackDelivery } from './domain/callbacks.ts';
import { DatasetService } from './domain/dataset-service.ts';
import { OperationService } from './domain/operation-service.ts';
import { ResultsService } from './domain/results-service.ts';
import { pricesFor } from './domain/pricing.ts';
import { operationTypes } from './domain/operation-types.ts';
import { systemClock } from './domain/ports.ts';
import { JobTrackingService } from './domain/job-tracking-service.ts';
import { LifecycleRecorder } from './domain/lifecycle-recorder.ts';
import { ExecutionReconciler } from './domain/execution-reconciler.ts';
import { AutomaticRetries, type TimerMessage } from './domain/automatic-retries.ts';
import { receiverPolicyFromEnv } from './schemas/common.ts';
import { useTelemetry } from './domain/telemetry.ts';
import { powertoolsTelemetry } from './observability/powertools-telemetry.ts';
import { traced } from './observability/tracer.ts';
import { ApiGatewayManagementApiClient } from '@aws-sdk/client-apigatewaymanagementapi';
import { DynamoJobEventLog } from './adapters/dynamo-job-event-log.ts';
import { DynamoStreamStore } from './adapters/dynamo-stream-store.ts';
import { ManagementApiSender } from './adapters/management-api-sender.ts';
import { StreamPump } from './domain/stream-pump.ts';
import { StreamService, type StreamPumpRequest } from './domain/stream-subscriptions.ts';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SesEmailSender } from './adapters/ses-email-sender.ts';
import { DynamoSlackIntegrationStore } from './adapters/dynamo-slack-integration-store.ts';
import { NotificationDeliverer } from './domain/notification-deliverer.ts';
import type { NotificationChannels } from './domain/notifications.ts';
import { SlackIntegrationService } from './domain/slack-integration-service.ts';
import { env, functions } from '../lib/topology.ts';

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}

// Marked free of side effects so esbuild drops the clients and services a function's handler never uses.
/* @__NO_SIDE_EFFECTS__ */
function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}

// The domain's diagnostics and metrics go through Powertools (JSON lines, EMF) in every function.
useTelemetry(powertoolsTelemetry);

const dynamoClient = lazy(() => traced(new DynamoDBClient({})));
const documentClient = lazy(() =>
  DynamoDBDocumentClient.from(dynamoClient(), { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } }),
);
// Checksums only where S3 requires them: the SDK's default would sign a checksum of an empty
// body into presigned PUT URLs, which a real upload's body then fails to match.
const s3Client = lazy(
  () =>
    traced(
      new S3Client({
        forcePathStyle: process.env[env.s3ForcePathStyle] === 'true',
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    ),
);
const sfnClient = lazy(() => traced(new SFNClient({})));
// Queue URLs name the queue; requests go to the configured endpoint (in AWS the two agree).
const sqsClient = lazy(() => traced(new SQSClient({ useQueueUrlAsEndpoint: false })));

const tableName = () => required(env.tableName);

/** Unset or empty means no limit. */
const maxActiveOperations = (): number | null => {
  const value = process.env[env.maxActiveOperationsPerProject];
  return value ? Number(value) : null;
};

/** Idempotency-Key records, per project, in the table (see functions/middleware/idempotency.ts). */
export const idempotencyStores = lazy(() => dynamoIdempotencyStores(dynamoClient(), tableName()));

export const operationStore = lazy(() => new DynamoOperationStore(documentClient(), tableName(), maxActiveOperations()));
/** Seals every list's `nextToken`; the key is created in the table on first use (see dynamo-cursor-key.ts). */
export const cursorCodec = lazy(() => new SealedCursors(dynamoCursorKey(documentClient(), tableName())));

export const datasetStore = lazy(() => new DynamoDatasetStore(documentClient(), tableName(), cursorCodec()));
export const objectStore = lazy(() => new S3ObjectStore(s3Client(), () => required(env.bucketName)));
export const jobJournal = lazy(() => new DynamoJobJournal(documentClient(), tableName(), Number(process.env[env.logRetentionDays] ?? 30)));

export const datasetService = lazy(() => new DatasetService(datasetStore(), objectStore(), systemClock));

export const workflowEngine = lazy(
  () => new SfnWorkflowEngine(sfnClient(), Object.fromEntries(operationTypes.map((type) => [type, process.env[env.stateMachineArn(type)]]))),
);

/** The published prices of the deployment's pricing region (CDK context `pricingRegion`), for cost figures. */
const prices = lazy(() => pricesFor(process.env[env.pricingRegion]));

export const operationService = lazy(
  () =>
    new OperationService(
      operationStore(),
      datasetService(),
      workflowEngine(),
      objectStore(),
      new SqsMessageQueue(sqsClient(), () => required(env.queueUrl('Cancellation'))),
      systemClock,
      prices(),
      receiverGuard(),
      undefined,
      callbackNotifier(),
      operationTimers(),
      notificationChannels(),
      (scope, batchId): Promise<void> => advanceBatch(scope, batchId),
    ),
);

export const webhookStore = lazy(() => new DynamoWebhookStore(documentClient(), tableName(), cursorCodec()));
/** Receiver safety (SSRF): one guard and one resolver for every delivery kind, at registration and at delivery. */
const receiverResolver = lazy(() => dnsResolver());
export const receiverGuard = lazy(() => dnsReceiverGuard(receiverPolicyFromEnv, receiverResolver()));

export const webhookService = lazy(() => new WebhookService(webhookStore(), operationStore(), systemClock, receiverGuard()));

/** Grouped by tenant: SQS fair queues keep one tenant's backlog from delaying the others' deliveries. */
const callbackQueue = lazy(
  () => new SqsMessageQueue<CallbackDelivery>(sqsClient(), () => required(env.queueUrl('CallbackDelivery')), (delivery) => delivery.operation.tenantId),
);

/** Every event of a job, numbered, in the job's partition; what webhooks, callbacks and WebSocket streams are sent from. */
export const jobEventLog = lazy(() => new DynamoJobEventLog(documentClient(), tableName(), Number(process.env[env.logRetentionDays] ?? 30)));
/** Requests to send a job's new events to its WebSocket connections, on the delivery queue with the other deliveries. */
const streamPumps = lazy(
  () => new SqsMessageQueue<StreamPumpRequest>(sqsClient(), () => required(env.queueUrl('CallbackDelivery')), (request) => request.stream.tenantId),
);

export const callbackNotifier = lazy(
  () => new CallbackNotifier(callbackQueue(), webhookStore(), systemClock, operationStore(), jobEventLog(), streamPumps(), () => process.env[env.apiBaseUrl] || undefined),
);

const streamStore = lazy(() => new DynamoStreamStore(documentClient(), tableName()));
export const streamService = lazy(() => new StreamService(streamStore(), operationStore(), systemClock, { connectUrl: () => required(env.webSocketUrl) }, streamPumps()));
/** Sends through the WebSocket API's @connections endpoint (API Gateway's, or the local stack's). */
export const streamPump = lazy(
  () =>
    new StreamPump(jobEventLog(), streamStore(), new ManagementApiSender(new ApiGatewayManagementApiClient({ endpoint: required(env.webSocketManagementEndpoint) })), systemClock),
);

/** The project's secret for signing operation callbacks. */
export const signingSecretService = lazy(() => new SigningSecretService(new DynamoSigningSecretStore(documentClient(), tableName()), systemClock));

export const deliveryRetries = lazy(() => new SqsDeliveryRetries(sqsClient()));

/** Every attempt to a webhook or subscription, per message, for 30 days. */
const deliveryLog = lazy(() => new DynamoDeliveryLog(documentClient(), tableName(), cursorCodec()));
export const deliveryLogService = lazy(() => new DeliveryLogService(deliveryLog(), webhookStore(), callbackQueue(), systemClock));

/** A receiver gets 10 s to answer; a slow one is retried like a failing one. */
export const callbackDeliverer = lazy(
  () =>
    new CallbackDeliverer(
      guardedHttpPost({ resolve: receiverResolver(), policy: receiverPolicyFromEnv, timeoutMs: 10_000 }),
      operationStore(),
      webhookStore(),
      systemClock,
      callbackQueue(),
      signingSecretService(),
      { deliveryLog: deliveryLog(), notifications: notificationDeliverer() },
    ),
);

/** Declared apart so the operation service can reach the batch service, which is built on it, without a type cycle. */
function advanceBatch(scope: { tenantId: string; projectId: string }, batchId: string): Promise<void> {
  return batchService().advance(scope, batchId);
}

export const batchService = lazy(() => new BatchService(new DynamoBatchStore(documentClient(), tableName()), operationStore(), operationService(), workflowEngine(), systemClock, callbackNotifier()));

export const scheduler = lazy(() => new Scheduler(operationStore(), batchService(), operationService()));

/** Delayed messages that fire an operation's timers: the next attempt of an automatic retry, a queued operation's deadline. */
const operationTimers = lazy(() => new SqsMessageQueue<TimerMessage>(sqsClient(), () => required(env.queueUrl('OperationTimer'))));

/** Automatic retries (an operation's retryPolicy) and the deadlines of queued operations. */
export const automaticRetries = lazy(
  () =>
    new AutomaticRetries(
      operationStore(),
      objectStore(),
      workflowEngine(),
      operationTimers(),
      callbackNotifier(),
      systemClock,
      (scope, operationId) => scheduler().operationEnded(scope, operationId),
    ),
);

export const lifecycleRecorder = lazy(() => new LifecycleRecorder(operationStore(), jobJournal(), callbackNotifier(), scheduler(), systemClock, automaticRetries()));

/** Settles operations whose execution ended FAILED, TIMED_OUT or ABORTED without recording it. */
export const executionReconciler = lazy(() => new ExecutionReconciler(operationStore(), jobJournal(), callbackNotifier(), scheduler(), systemClock, automaticRetries()));

export const resultsService = lazy(() => new ResultsService(operationStore(), objectStore(), prices()));

export const jobTrackingService = lazy(
  () =>
    new JobTrackingService(operationStore(), datasetStore(), jobJournal(), systemClock, new DynamoBatchStore(documentClient(), tableName()), cursorCodec(), {
      maxActiveOperations: maxActiveOperations(),
      phaseFunction: { name: 'RunPhase', memoryMb: functions.RunPhase.memoryMb },
    }),
);

/** The project's Slack incoming webhook, where `notifications.slack` is posted. */
const slackIntegrationStore = lazy(() => new DynamoSlackIntegrationStore(documentClient(), tableName()));
export const slackIntegrationService = lazy(() => new SlackIntegrationService(slackIntegrationStore(), receiverGuard(), systemClock));

/** The sender address of e-mail notifications (CDK context `notificationSender`; the local stack sets one). */
const notificationSender = (): string | undefined => process.env[env.notificationSender] || undefined;
const notificationChannels = (): NotificationChannels => ({ emailSender: notificationSender(), slack: slackIntegrationStore() });

// The endpoint comes from AWS_ENDPOINT_URL_SESV2 (the local SES v2 emulator under `npm start`). The SDK's own retries
// are kept short: the delivery queue retries a send that failed, on the callbacks' schedule.
const sesClient = lazy(() => new SESv2Client({ maxAttempts: 2 }));

/** Sends e-mail (SES v2) and Slack (the guarded POST, as webhooks) notifications taken from the delivery queue. */
const notificationDeliverer = lazy(
  () =>
    new NotificationDeliverer(
      new SesEmailSender(sesClient()),
      guardedHttpPost({ resolve: receiverResolver(), policy: receiverPolicyFromEnv, timeoutMs: 10_000 }),
      slackIntegrationStore(),
      operationStore(),
      systemClock,
      { emailSender: notificationSender() },
    ),
);
