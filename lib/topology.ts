/**
 * The one description of the service's moving parts: functions, HTTP routes, queues,
 * state machines, the table and the bucket. Plain data with no CDK import, read by the
 * CDK stack (lib/) and by the embedded local stack (local/), so the two cannot drift.
 */

export const LAMBDA_NODE_MAJOR = 24;

export type FunctionId =
  | 'Authorizer'
  | 'PreTokenGeneration'
  | 'Health'
  | 'MethodNotAllowed'
  | 'OpenApi'
  | 'Docs'
  | 'Dashboard'
  | 'CreateDataset'
  | 'GetDataset'
  | 'ListDatasets'
  | 'StartOperation'
  | 'GetOperation'
  | 'GetOperationResults'
  | 'ListOperations'
  | 'CancelOperation'
  | 'RegisterWebhook'
  | 'SubmitBatch'
  | 'GetBatch'
  | 'GetWebhook'
  | 'ListWebhooks'
  | 'UpdateWebhook'
  | 'DeleteWebhook'
  | 'ListWebhookDeliveries'
  | 'GetWebhookDelivery'
  | 'RedeliverWebhookDelivery'
  | 'ReplayWebhook'
  | 'ListSubscriptionDeliveries'
  | 'GetSubscriptionDelivery'
  | 'RedeliverSubscriptionDelivery'
  | 'ReplaySubscription'
  | 'GetSigningSecret'
  | 'RotateSigningSecret'
  | 'RetryOperation'
  | 'GetJobLogs'
  | 'GetJobProgress'
  | 'GetJobTimeline'
  | 'GetJobMetrics'
  | 'GetJobDependencies'
  | 'SubscribeToJob'
  | 'ListJobSubscriptions'
  | 'GetJobSubscription'
  | 'UpdateJobSubscription'
  | 'DeleteJobSubscription'
  | 'TrackJobs'
  | 'PutSlackIntegration'
  | 'GetSlackIntegration'
  | 'DeleteSlackIntegration'
  | 'RecordLifecycle'
  | 'RunPhase'
  | 'RunPhase2GB'
  | 'RunPhase8GB'
  | 'RunPhase10GB'
  | 'ProcessCancellation'
  | 'HandleOperationTimer'
  | 'DeliverCallback'
  | 'ReconcileExecution'
  | 'WebSocketConnect'
  | 'WebSocketDisconnect';

export type QueueId = 'Cancellation' | 'CallbackDelivery' | 'OperationTimer';
export type StateMachineId = 'ProcessMiningAnalysis' | 'DataEnrichment' | 'ReportGeneration';

/** What a function may touch; the CDK stack turns it into IAM grants, both runtimes into environment variables. */
export interface FunctionAccess {
  /** `read` may still create the paging cursors' key item (CONFIG partition only), which any list may be first to need. */
  table?: 'read' | 'readWrite';
  bucket?: 'read' | 'readWrite' | 'presignPut';
  startExecution?: readonly StateMachineId[];
  stopExecution?: readonly StateMachineId[];
  sendTo?: readonly QueueId[];
  jwt?: boolean;
  /** Registers or delivers to receivers (webhooks, subscriptions, callbacks): gets the operator's receiver allow-list. */
  receivers?: boolean;
  /**
   * E-mail notifications (CDK context `notificationSender`): `accept` gets the sender address, to refuse
   * `notifications.email` without one; `send` also may call ses:SendEmail on that identity.
   */
  notifications?: 'accept' | 'send';
  /** The WebSocket API: `connectUrl` hands out its URL, `manageConnections` sends to its connections (@connections). */
  webSocket?: 'connectUrl' | 'manageConnections';
}

export interface FunctionDefinition {
  /** Path of the handler module from the project root; the export is always `handler`. */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  access: FunctionAccess;
  /**
   * Files under node_modules a function reads at run time (not imports, so the bundler cannot
   * see them); they are copied into the deployment package at the same relative path.
   */
  bundledFiles?: readonly string[];
  /** Built only when the stack creates its own Cognito user pool (no `jwtIssuer` context): the pool's trigger. */
  onlyWithCognitoPool?: boolean;
  /** Node.js and V8 options of this function, added to its NODE_OPTIONS ({@link nodeOptionsOf}). */
  nodeOptions?: readonly string[];
}

/** A function's NODE_OPTIONS in AWS: source-mapped stack traces, then its own options (`npm run bench` runs the engine with the phase function's). */
export function nodeOptionsOf(def: FunctionDefinition): string[] {
  return ['--enable-source-maps', ...(def.nodeOptions ?? [])];
}

/** The TrueType faces the PDF reports embed (they carry the CJK glyphs). */
const reportFonts = [
  'node_modules/@expo-google-fonts/biz-udpgothic/400Regular/BIZUDPGothic_400Regular.ttf',
  'node_modules/@expo-google-fonts/biz-udpgothic/700Bold/BIZUDPGothic_700Bold.ttf',
] as const;

/** Scalar's self-contained API reference page script, served by the Docs function (no CDN). */
export const apiReferenceScript = 'node_modules/@scalar/api-reference/dist/browser/standalone.js';

/** The web dashboard, built into one self-contained page (`npm run dashboard:build`; committed), served by the Dashboard function. */
export const dashboardPage = 'dashboard/dist/index.html';

/**
 * V8's young generation capped at 2 MB semi-spaces (default 16): the engine's short-lived
 * garbage dies young either way, and the default let the young generation alone grow by
 * ~30 MB, most of the phase's peak on a log of 262,200 events. Measured with `npm run bench`
 * (2026-11-30, idle 2-core machine, best of 3): bpic2012 172–195 → 138–142 B/event, the
 * 2,000,000-event synthetic log 106 → 87 B/event, events/s unchanged within noise.
 */
const phaseNodeOptions = ['--max-semi-space-size=2'] as const;

/** The phase function at one memory size: the same code, only the memory (and with it the vCPU share) differs. */
function runPhase(memoryMb: number): FunctionDefinition {
  return {
    entry: 'functions/handlers/phases/run-phase.ts',
    timeoutSeconds: 900,
    memoryMb,
    access: { table: 'readWrite', bucket: 'readWrite', sendTo: ['CallbackDelivery'] },
    bundledFiles: reportFonts,
    nodeOptions: phaseNodeOptions,
  };
}

export const functions: Record<FunctionId, FunctionDefinition> = {
  Authorizer: { entry: 'functions/handlers/authorizer/jwt-authorizer.ts', timeoutSeconds: 10, memoryMb: 256, access: { jwt: true } },
  // Cognito's pre-token-generation trigger: puts tenantId and projectIds into ID tokens (Cognito allows it 5 s).
  PreTokenGeneration: { entry: 'functions/handlers/auth/pre-token-generation.ts', timeoutSeconds: 5, memoryMb: 128, access: {}, onlyWithCognitoPool: true },
  Health: { entry: 'functions/handlers/api/health.ts', timeoutSeconds: 5, memoryMb: 128, access: {} },
  MethodNotAllowed: { entry: 'functions/handlers/api/method-not-allowed.ts', timeoutSeconds: 5, memoryMb: 128, access: {} },
  // Builds the document once per instance from every handler's schemas, so it loads all handler modules.
  OpenApi: { entry: 'functions/handlers/api/openapi.ts', timeoutSeconds: 15, memoryMb: 512, access: {} },
  Docs: { entry: 'functions/handlers/api/docs.ts', timeoutSeconds: 10, memoryMb: 256, access: {}, bundledFiles: [apiReferenceScript] },
  Dashboard: { entry: 'functions/handlers/api/dashboard.ts', timeoutSeconds: 10, memoryMb: 256, access: {}, bundledFiles: [dashboardPage] },
  CreateDataset: {
    entry: 'functions/handlers/api/create-dataset.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', bucket: 'presignPut' },
  },
  GetDataset: { entry: 'functions/handlers/api/get-dataset.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', bucket: 'read' } },
  ListDatasets: { entry: 'functions/handlers/api/list-datasets.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  StartOperation: {
    entry: 'functions/handlers/api/start-operation.ts',
    timeoutSeconds: 15,
    memoryMb: 256,
    // sendTo OperationTimer: a queued operation's deadline is a delayed message.
    access: { table: 'readWrite', bucket: 'read', startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'], receivers: true, sendTo: ['OperationTimer'], notifications: 'accept' },
  },
  GetOperation: { entry: 'functions/handlers/api/get-operation.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetOperationResults: {
    entry: 'functions/handlers/api/get-operation-results.ts',
    timeoutSeconds: 15,
    memoryMb: 512,
    access: { table: 'read', bucket: 'read' },
  },
  ListOperations: { entry: 'functions/handlers/api/list-operations.ts', timeoutSeconds: 15, memoryMb: 256, access: { table: 'read' } },
  CancelOperation: {
    entry: 'functions/handlers/api/cancel-operation.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', sendTo: ['Cancellation'] },
  },
  SubmitBatch: {
    entry: 'functions/handlers/api/submit-batch.ts',
    timeoutSeconds: 29,
    memoryMb: 512,
    // sendTo OperationTimer: a queued operation's deadline is a delayed message.
    access: { table: 'readWrite', bucket: 'read', startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'], receivers: true, sendTo: ['OperationTimer'] },
  },
  GetBatch: { entry: 'functions/handlers/api/get-batch.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  RegisterWebhook: { entry: 'functions/handlers/api/register-webhook.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', receivers: true } },
  GetWebhook: { entry: 'functions/handlers/api/get-webhook.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  ListWebhooks: { entry: 'functions/handlers/api/list-webhooks.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  UpdateWebhook: { entry: 'functions/handlers/api/update-webhook.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', receivers: true } },
  DeleteWebhook: { entry: 'functions/handlers/api/delete-webhook.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite' } },
  ListWebhookDeliveries: { entry: 'functions/handlers/api/list-webhook-deliveries.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetWebhookDelivery: { entry: 'functions/handlers/api/get-webhook-delivery.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  // Sending again goes through the delivery queue like any delivery.
  RedeliverWebhookDelivery: {
    entry: 'functions/handlers/api/redeliver-webhook-delivery.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', sendTo: ['CallbackDelivery'] },
  },
  ReplayWebhook: { entry: 'functions/handlers/api/replay-webhook.ts', timeoutSeconds: 29, memoryMb: 256, access: { table: 'readWrite', sendTo: ['CallbackDelivery'] } },
  ListSubscriptionDeliveries: { entry: 'functions/handlers/api/list-subscription-deliveries.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetSubscriptionDelivery: { entry: 'functions/handlers/api/get-subscription-delivery.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  RedeliverSubscriptionDelivery: {
    entry: 'functions/handlers/api/redeliver-subscription-delivery.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', sendTo: ['CallbackDelivery'] },
  },
  ReplaySubscription: {
    entry: 'functions/handlers/api/replay-subscription.ts',
    timeoutSeconds: 29,
    memoryMb: 256,
    access: { table: 'readWrite', sendTo: ['CallbackDelivery'] },
  },
  GetSigningSecret: { entry: 'functions/handlers/api/get-signing-secret.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  RotateSigningSecret: { entry: 'functions/handlers/api/rotate-signing-secret.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite' } },
  RetryOperation: {
    entry: 'functions/handlers/api/retry-operation.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    // readWrite on the bucket: a resumed retry copies the completed phases' outputs to its own job.
    access: { table: 'readWrite', bucket: 'readWrite', startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'], receivers: true, sendTo: ['OperationTimer'], notifications: 'accept' },
  },
  GetJobLogs: { entry: 'functions/handlers/api/get-job-logs.ts', timeoutSeconds: 15, memoryMb: 512, access: { table: 'read' } },
  GetJobProgress: { entry: 'functions/handlers/api/get-job-progress.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetJobTimeline: { entry: 'functions/handlers/api/get-job-timeline.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetJobMetrics: { entry: 'functions/handlers/api/get-job-metrics.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetJobDependencies: { entry: 'functions/handlers/api/get-job-dependencies.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  SubscribeToJob: {
    entry: 'functions/handlers/api/subscribe-to-job.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', receivers: true, webSocket: 'connectUrl' },
  },
  ListJobSubscriptions: { entry: 'functions/handlers/api/list-job-subscriptions.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  GetJobSubscription: { entry: 'functions/handlers/api/get-job-subscription.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  UpdateJobSubscription: {
    entry: 'functions/handlers/api/update-job-subscription.ts',
    timeoutSeconds: 10,
    memoryMb: 256,
    access: { table: 'readWrite', receivers: true },
  },
  DeleteJobSubscription: { entry: 'functions/handlers/api/delete-job-subscription.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite' } },
  TrackJobs: { entry: 'functions/handlers/api/track-jobs.ts', timeoutSeconds: 15, memoryMb: 256, access: { table: 'read' } },
  // The project's Slack incoming webhook for notifications.slack: checked by the receiver guard at registration.
  PutSlackIntegration: { entry: 'functions/handlers/api/put-slack-integration.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', receivers: true } },
  GetSlackIntegration: { entry: 'functions/handlers/api/get-slack-integration.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'read' } },
  DeleteSlackIntegration: { entry: 'functions/handlers/api/delete-slack-integration.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite' } },
  RecordLifecycle: {
    entry: 'functions/handlers/phases/record-lifecycle.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    // Starts the batch operations that waited for the one that ended; schedules automatic retries (OperationTimer).
    access: { table: 'readWrite', sendTo: ['CallbackDelivery', 'OperationTimer'], startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'] },
  },
  // The phase function in each size an operation may ask for (phaseFunctionSizes below); RunPhase is the default size.
  RunPhase: runPhase(4096),
  RunPhase2GB: runPhase(2048),
  RunPhase8GB: runPhase(8192),
  RunPhase10GB: runPhase(10_240),
  ProcessCancellation: {
    entry: 'functions/handlers/queues/process-cancellation.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    access: {
      table: 'readWrite',
      stopExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'],
      startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'],
      sendTo: ['CallbackDelivery'],
    },
  },
  HandleOperationTimer: {
    entry: 'functions/handlers/queues/handle-operation-timer.ts',
    timeoutSeconds: 30,
    memoryMb: 256,
    // bucket readWrite: the completed phases' outputs are copied to the new attempt's job.
    access: {
      table: 'readWrite',
      bucket: 'readWrite',
      startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'],
      // OperationTimer: a deadline further away than one message delay is sent again.
      sendTo: ['CallbackDelivery', 'OperationTimer'],
    },
  },
  DeliverCallback: {
    entry: 'functions/handlers/queues/deliver-callback.ts',
    // A batch's records are delivered concurrently: one 10 s attempt and its bookkeeping, with room to spare.
    timeoutSeconds: 30,
    memoryMb: 256,
    // sendTo: a delivery to a paused endpoint is queued again, delayed until the pause ends.
    // webSocket: also sends a job's new events to its WebSocket connections.
    access: { table: 'readWrite', receivers: true, sendTo: ['CallbackDelivery'], webSocket: 'manageConnections', notifications: 'send' },
  },
  // The WebSocket API's $connect (checks the connection token, records the connection, queues its backlog) and $disconnect.
  WebSocketConnect: { entry: 'functions/handlers/websocket/connect.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite', sendTo: ['CallbackDelivery'] } },
  WebSocketDisconnect: { entry: 'functions/handlers/websocket/disconnect.ts', timeoutSeconds: 10, memoryMb: 256, access: { table: 'readWrite' } },
  // Settles an operation whose execution ended without recording it (see executionStatusChanges); what the lifecycle
  // recorder may do, it may do: retry, advance the batch, admit the queued operations.
  ReconcileExecution: {
    entry: 'functions/handlers/events/reconcile-execution.ts',
    timeoutSeconds: 60,
    memoryMb: 256,
    access: { table: 'readWrite', sendTo: ['CallbackDelivery', 'OperationTimer'], startExecution: ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'] },
  },
};

/**
 * Step Functions execution status changes of the stack's state machines that go to a function: in AWS an EventBridge
 * rule, locally the Step Functions endpoint. FAILED, TIMED_OUT and ABORTED are the endings in which an execution may
 * not have recorded its operation's end.
 */
export const executionStatusChanges = {
  target: 'ReconcileExecution' as FunctionId,
  statuses: ['FAILED', 'TIMED_OUT', 'ABORTED'] as const,
  /** Attempts at a failing reconciliation before the event goes to the dead-letter queue (Lambda's asynchronous retries). */
  retryAttempts: 2,
};

/** The WebSocket API's routes (API Gateway route keys); clients only receive, so there is no message route. */
export const webSocketRoutes: readonly { routeKey: '$connect' | '$disconnect'; function: FunctionId }[] = [
  { routeKey: '$connect', function: 'WebSocketConnect' },
  { routeKey: '$disconnect', function: 'WebSocketDisconnect' },
];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteDefinition {
  method: HttpMethod;
  /** API Gateway resource path with `{param}` placeholders. */
  path: string;
  function: FunctionId;
  /** Routes under /api need a bearer token checked by the Authorizer function. */
  authorized: boolean;
}

const project = '/api/{tenantId}/{projectId}';

export const routes: readonly RouteDefinition[] = [
  { method: 'GET', path: '/health', function: 'Health', authorized: false },
  { method: 'GET', path: '/openapi.json', function: 'OpenApi', authorized: false },
  { method: 'GET', path: '/docs', function: 'Docs', authorized: false },
  { method: 'GET', path: '/docs/reference.js', function: 'Docs', authorized: false },
  { method: 'GET', path: '/', function: 'Dashboard', authorized: false },
  { method: 'POST', path: `${project}/datasets`, function: 'CreateDataset', authorized: true },
  { method: 'GET', path: `${project}/datasets`, function: 'ListDatasets', authorized: true },
  { method: 'GET', path: `${project}/datasets/{datasetId}`, function: 'GetDataset', authorized: true },
  { method: 'POST', path: `${project}/async/operation`, function: 'StartOperation', authorized: true },
  { method: 'GET', path: `${project}/async/operations`, function: 'ListOperations', authorized: true },
  { method: 'GET', path: `${project}/async/operation/{operationId}`, function: 'GetOperation', authorized: true },
  { method: 'DELETE', path: `${project}/async/operation/{operationId}`, function: 'CancelOperation', authorized: true },
  { method: 'GET', path: `${project}/async/operation/{operationId}/results`, function: 'GetOperationResults', authorized: true },
  { method: 'POST', path: `${project}/async/operation/{operationId}/retry`, function: 'RetryOperation', authorized: true },
  { method: 'POST', path: `${project}/async/batch`, function: 'SubmitBatch', authorized: true },
  { method: 'GET', path: `${project}/async/batch/{batchId}`, function: 'GetBatch', authorized: true },
  { method: 'POST', path: `${project}/async/webhooks`, function: 'RegisterWebhook', authorized: true },
  { method: 'GET', path: `${project}/async/webhooks`, function: 'ListWebhooks', authorized: true },
  { method: 'GET', path: `${project}/async/webhooks/{webhookId}`, function: 'GetWebhook', authorized: true },
  { method: 'PATCH', path: `${project}/async/webhooks/{webhookId}`, function: 'UpdateWebhook', authorized: true },
  { method: 'DELETE', path: `${project}/async/webhooks/{webhookId}`, function: 'DeleteWebhook', authorized: true },
  { method: 'GET', path: `${project}/async/webhooks/{webhookId}/deliveries`, function: 'ListWebhookDeliveries', authorized: true },
  { method: 'GET', path: `${project}/async/webhooks/{webhookId}/deliveries/{deliveryId}`, function: 'GetWebhookDelivery', authorized: true },
  { method: 'POST', path: `${project}/async/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver`, function: 'RedeliverWebhookDelivery', authorized: true },
  { method: 'POST', path: `${project}/async/webhooks/{webhookId}/replay`, function: 'ReplayWebhook', authorized: true },
  { method: 'GET', path: `${project}/async/signing-secret`, function: 'GetSigningSecret', authorized: true },
  { method: 'POST', path: `${project}/async/signing-secret/rotate`, function: 'RotateSigningSecret', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/logs`, function: 'GetJobLogs', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/progress`, function: 'GetJobProgress', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/timeline`, function: 'GetJobTimeline', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/metrics`, function: 'GetJobMetrics', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/dependencies`, function: 'GetJobDependencies', authorized: true },
  { method: 'POST', path: `${project}/execution/job/{jobId}/subscribe`, function: 'SubscribeToJob', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/subscriptions`, function: 'ListJobSubscriptions', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}`, function: 'GetJobSubscription', authorized: true },
  { method: 'PATCH', path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}`, function: 'UpdateJobSubscription', authorized: true },
  { method: 'DELETE', path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}`, function: 'DeleteJobSubscription', authorized: true },
  { method: 'GET', path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries`, function: 'ListSubscriptionDeliveries', authorized: true },
  {
    method: 'GET',
    path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}`,
    function: 'GetSubscriptionDelivery',
    authorized: true,
  },
  {
    method: 'POST',
    path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver`,
    function: 'RedeliverSubscriptionDelivery',
    authorized: true,
  },
  { method: 'POST', path: `${project}/execution/job/{jobId}/subscriptions/{subscriptionId}/replay`, function: 'ReplaySubscription', authorized: true },
  { method: 'GET', path: `${project}/execution/tracking/batch`, function: 'TrackJobs', authorized: true },
  { method: 'PUT', path: `${project}/async/integrations/slack`, function: 'PutSlackIntegration', authorized: true },
  { method: 'GET', path: `${project}/async/integrations/slack`, function: 'GetSlackIntegration', authorized: true },
  { method: 'DELETE', path: `${project}/async/integrations/slack`, function: 'DeleteSlackIntegration', authorized: true },
];

/** Every other method on a routed path answers 405 through this function (API Gateway's ANY method). */
export const methodNotAllowedFunction: FunctionId = 'MethodNotAllowed';

/** Largest request body any route accepts; API Gateway's own hard limit is 10 MB. */
export const maxRequestBodyBytes = 256 * 1024;

export interface QueueDefinition {
  consumer: FunctionId;
  batchSize: number;
  visibilityTimeoutSeconds: number;
  /** Receives after which a message moves to the queue's dead-letter queue. */
  maxReceiveCount: number;
  /** Invocations of the consumer in flight at once (the event source mapping's maximum concurrency). */
  maxConcurrency: number;
}

export const queues: Record<QueueId, QueueDefinition> = {
  Cancellation: { consumer: 'ProcessCancellation', batchSize: 10, visibilityTimeoutSeconds: 60, maxReceiveCount: 5, maxConcurrency: 5 },
  // Timers of operations, each a message delayed until it is due (at most 900 s, SQS's longest; longer ones are sent
  // again): the next attempt of an automatic retry, the deadline of a queued operation.
  OperationTimer: { consumer: 'HandleOperationTimer', batchSize: 5, visibilityTimeoutSeconds: 180, maxReceiveCount: 5, maxConcurrency: 5 },
  // Retries are timed by each receiver's policy (at most 10); the DLQ only catches what keeps crashing the consumer.
  // Messages are grouped by tenant (SQS fair queues), so one tenant's backlog does not hold up the others.
  CallbackDelivery: { consumer: 'DeliverCallback', batchSize: 5, visibilityTimeoutSeconds: 90, maxReceiveCount: 15, maxConcurrency: 10 },
};

export interface StateMachineDefinition {
  /** ASL file, the same one in AWS and locally. */
  definitionFile: string;
  /** `${Key}` placeholders in the ASL file and the function whose ARN replaces each. */
  substitutions: Record<string, FunctionId>;
}

/**
 * The sizes an operation's `resourceAllocation` chooses from, smallest first; `substitution` is the
 * ASL placeholder of the size's function, whose Pass state the machine's `Choose Phase Size` enters.
 */
export const phaseFunctionSizes: readonly { functionId: FunctionId; substitution: string }[] = [
  { functionId: 'RunPhase2GB', substitution: 'RunPhase2GBFunctionArn' },
  { functionId: 'RunPhase', substitution: 'RunPhaseFunctionArn' },
  { functionId: 'RunPhase8GB', substitution: 'RunPhase8GBFunctionArn' },
  { functionId: 'RunPhase10GB', substitution: 'RunPhase10GBFunctionArn' },
];

/** The size a phase runs with when the operation asks for none. */
export const defaultPhaseFunction: FunctionId = 'RunPhase';

const phaseSubstitutions: Record<string, FunctionId> = {
  RecordLifecycleFunctionArn: 'RecordLifecycle',
  ...Object.fromEntries(phaseFunctionSizes.map((size) => [size.substitution, size.functionId])),
};

export const stateMachines: Record<StateMachineId, StateMachineDefinition> = {
  ProcessMiningAnalysis: { definitionFile: 'statemachines/process-mining-analysis.asl.json', substitutions: phaseSubstitutions },
  DataEnrichment: { definitionFile: 'statemachines/data-enrichment.asl.json', substitutions: phaseSubstitutions },
  ReportGeneration: { definitionFile: 'statemachines/report-generation.asl.json', substitutions: phaseSubstitutions },
};

/** Single-table design: every item is keyed by pk/sk; the indexes serve the list and filter queries. */
export const table = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  globalSecondaryIndexes: [
    { indexName: 'byCreated', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'byStatus', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    { indexName: 'byType', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
    { indexName: 'byPriority', partitionKey: 'gsi4pk', sortKey: 'gsi4sk' },
    /** Sparse: only operations Queued for a free slot, by (priority, age); admission reads it in order. */
    { indexName: 'byAdmission', partitionKey: 'gsi5pk', sortKey: 'gsi5sk' },
  ],
} as const;

/** Operations a project may have Initiated or Running at once, unless the deployment sets another figure. */
export const defaultMaxActiveOperationsPerProject = 10;

/** Milliseconds between a running phase's resource samples, unless the deployment sets another figure. */
export const defaultResourceSampleIntervalMs = 5000;

/** Webhooks a project may have registered at once; one more is 409 with the limit. */
export const maxWebhooksPerProject = 25;

/** Unexpired subscriptions a job may have at once; one more is 409 with the limit. */
export const maxSubscriptionsPerJob = 10;

/** The longest a bearer token may live (exp - iat), unless the deployment sets another figure: one day. */
export const defaultMaxTokenLifetimeSeconds = 86_400;

/** Environment variable names shared by the CDK stack, the local stack and `functions/composition.ts`. */
export const env = {
  tableName: 'TABLE_NAME',
  bucketName: 'DATA_BUCKET',
  stateMachineArn: (id: StateMachineId) => `STATE_MACHINE_ARN_${screamingSnake(id)}`,
  queueUrl: (id: QueueId) => `QUEUE_URL_${screamingSnake(id)}`,
  jwksUrl: 'JWT_JWKS_URL',
  jwtIssuer: 'JWT_ISSUER',
  jwtAudience: 'JWT_AUDIENCE',
  s3ForcePathStyle: 'S3_FORCE_PATH_STYLE',
  logRetentionDays: 'LOG_RETENTION_DAYS',
  resourceSampleIntervalMs: 'RESOURCE_SAMPLE_INTERVAL_MS',
  /** Operations of one project that may be Initiated or Running at once; the rest wait as Queued. */
  maxActiveOperationsPerProject: 'MAX_ACTIVE_OPERATIONS_PER_PROJECT',
  /** Bearer tokens living longer than this (exp - iat, or exp - now without iat) are refused. */
  maxTokenLifetimeSeconds: 'MAX_TOKEN_LIFETIME_SECONDS',
  /** Receiver hosts, IPs and CIDR networks admitted despite being private (comma-separated; CDK context `receiverAllowList`). */
  receiverAllowList: 'RECEIVER_ALLOW_LIST',
  /** `loopback`: plain http to allow-listed loopback receivers (set only by the local stack). */
  receiverAllowHttp: 'RECEIVER_ALLOW_HTTP',
  /** The API's base URL with its stage (CDK context `apiBaseUrl` behind a custom domain): callback and webhook payloads' absolute `trackingUrl`. */
  apiBaseUrl: 'API_BASE_URL',
  /** AWS region whose published prices cost estimates use (CDK context `pricingRegion`; default us-east-1). */
  pricingRegion: 'PRICING_REGION',
  /** `json` (the stack: Powertools JSON lines) or `text` (the local stack: one readable line each). */
  logFormat: 'LOG_FORMAT',
  /** The address e-mail notifications are sent from (CDK context `notificationSender`); unset, `notifications.email` is refused. */
  notificationSender: 'NOTIFICATION_SENDER',
  /** Where WebSocket subscribers connect (`wss://…/<stage>` in AWS, `ws://127.0.0.1:<port>` locally). */
  webSocketUrl: 'WEBSOCKET_URL',
  /** The WebSocket API's `@connections` management endpoint (`https://…/<stage>`), for sending to connections. */
  webSocketManagementEndpoint: 'WEBSOCKET_MANAGEMENT_ENDPOINT',
  /** The dashboard's Cognito hosted UI (its https origin) and app client; unset, the dashboard signs in with a pasted token. */
  dashboardSignInDomain: 'DASHBOARD_SIGN_IN_DOMAIN',
  dashboardClientId: 'DASHBOARD_CLIENT_ID',
} as const;

function screamingSnake(id: string): string {
  return id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}
