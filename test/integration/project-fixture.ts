import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import type { LoopbackReceiver } from './loopback-receiver.ts';
import { mintToken } from '../../local/local-issuer.ts';
import type { RouteDefinition } from '../../lib/topology.ts';

/** The path of a route below `/api/{tenantId}/{projectId}`, the key seeds and overrides are filed under. */
export function routeKey(route: Pick<RouteDefinition, 'method' | 'path'>): string {
  return `${route.method} ${route.path.replace(/^\/api\/\{tenantId\}\/\{projectId\}/, '')}`;
}

/** Methods whose requests carry a body the route validates. */
export const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A project holding one resource of every kind a route's path can name, so every route in the topology can be
 * called on real ids: an uploaded and a pending dataset, a completed analysis (with its job), a cancelled one (what
 * a retry needs), a batch, a webhook and a job subscription. Receivers are the loopback receiver.
 */
export interface ProjectFixture {
  owner: Project;
  /** Path parameter name → the owner's id. */
  ids: Record<string, string>;
  /** More of the owner's ids: a dataset never uploaded, the cancelled operation, the resources deleting routes get. */
  related: Record<string, string>;
  /** The ids for one route: a retry needs an operation that can be retried. */
  idsFor(route: RouteDefinition): Record<string, string>;
  /** A body each body-taking route accepts (2xx) with the owner's ids; undefined when none is known. */
  seedBody(route: RouteDefinition): unknown;
  receiverUrl(path: string): string;
  /** Creates another resource of the kind a path parameter names (with its seed body), for a request that deletes it. */
  fresh(parameter: string): Promise<string>;
}

/** The route that creates what each path parameter names. */
const creators: Record<string, string> = {
  datasetId: 'POST /datasets',
  operationId: 'POST /async/operation',
  batchId: 'POST /async/batch',
  webhookId: 'POST /async/webhooks',
  subscriptionId: 'POST /execution/job/{jobId}/subscribe',
  // The project's Slack integration is named by the project itself: a PUT creates it again.
  projectId: 'PUT /async/integrations/slack',
};

/** Requests that are valid apart from their path, keyed by {@link routeKey}. */
function seeds(ids: Record<string, string>, receiverUrl: (path: string) => string): Record<string, unknown> {
  const analysis = {
    datasetId: ids.datasetId,
    timeWindow: { startDate: '2010-01-01', endDate: '2012-01-01' },
    algorithmSettings: { useAdvancedML: false, enableAnomalyDetection: true, performanceOptimization: 'high_throughput' },
    // JSON only: operations the fuzz starts should cost the shared stack as little as possible.
    outputOptions: { generateReports: false, createVisualizations: false, exportFormats: ['JSON'] },
  };
  return {
    'POST /datasets': { name: 'seed dataset', format: 'csv', columnMapping: { caseId: 'case', activity: 'activity', timestamp: 'time', resource: 'who' } },
    'POST /async/operation': {
      operationType: 'ProcessMiningAnalysis',
      operationName: 'seed analysis',
      operationDescription: 'a valid start request',
      priority: 'Low',
      parameters: analysis,
      callbacks: { onCompletion: receiverUrl('/callback/completion'), onError: receiverUrl('/callback/error') },
      // The fixture registers the project's Slack integration (the loopback receiver); e-mail goes to the local SES emulator.
      notifications: { email: ['fuzz@example.com'], slack: { channel: 'fuzz', mentionUsers: ['@fuzz'] } },
      timeout: 600,
      retryPolicy: { maxRetries: 1, retryDelay: 10, backoffMultiplier: 2 },
    },
    'DELETE /async/operation/{operationId}': { reason: 'seed cancellation', preservePartialResults: true, forceTermination: false, notifyCallbacks: false },
    'POST /async/operation/{operationId}/retry': {
      retryMode: 'restart',
      retryReason: 'seed retry',
      modifyParameters: true,
      updatedParameters: { resourceAllocation: { priority: 'Low' } },
      newTimeout: 600,
      preserveOriginalResults: true,
    },
    'POST /async/batch': {
      batchName: 'seed batch',
      batchDescription: 'a valid batch',
      operations: [
        { operationKey: 'clean', operationName: 'clean', operationType: 'DataEnrichment', priority: 'Low', parameters: { datasetId: ids.datasetId, cleaningRules: ['remove_duplicates'] } },
        { operationKey: 'mine', operationName: 'mine', operationType: 'ProcessMiningAnalysis', priority: 'Low', dependencies: ['clean'], parameters: { outputOptions: { exportFormats: ['JSON'] } }, timeout: 600 },
      ],
      failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true },
    },
    'POST /async/signing-secret/rotate': {},
    'PUT /async/integrations/slack': { webhookUrl: receiverUrl('/slack') },
    'POST /async/webhooks': {
      webhookUrl: receiverUrl('/webhook'),
      webhookName: 'seed webhook',
      // operation.started too, and Normal: the fixture's own analyses give its attempt log two messages to page through.
      events: ['operation.started', 'operation.completed', 'operation.failed'],
      filters: { operationTypes: ['ProcessMiningAnalysis'], priorities: ['Low', 'Normal', 'High'], minProgressIncrement: 25 },
      authentication: { type: 'hmac-sha256', secret: 'seed-secret-0123456789' },
      retryPolicy: { maxRetries: 1, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 },
      headers: { 'X-Seed': 'yes' },
    },
    'PATCH /async/webhooks/{webhookId}': {
      webhookUrl: receiverUrl('/webhook/updated'),
      webhookName: 'seed webhook, renamed',
      events: ['operation.completed', 'operation.failed', 'operation.cancelled'],
      filters: { operationTypes: ['ProcessMiningAnalysis', 'DataEnrichment'], priorities: ['Low'], minProgressIncrement: 50 },
      retryPolicy: { maxRetries: 2, retryDelay: 1, backoffMultiplier: 1, maxDelay: 2 },
      headers: { 'X-Seed': 'again' },
      status: 'Active',
    },
    'PATCH /execution/job/{jobId}/subscriptions/{subscriptionId}': {
      webhookUrl: receiverUrl('/subscription/updated'),
      events: ['jobCompleted', 'stageCompleted'],
      filters: { minProgressIncrement: 50, notifyOnErrors: true },
      status: 'Active',
    },
    'POST /async/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver': {},
    'POST /execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver': {},
    // Failed messages only: the loopback receiver accepts everything, so a replay sends nothing.
    'POST /async/webhooks/{webhookId}/replay': { since: '2020-01-01T00:00:00Z', includeSuccessful: false },
    'POST /execution/job/{jobId}/subscriptions/{subscriptionId}/replay': { since: '2020-01-01T00:00:00Z', includeSuccessful: false },
    'POST /execution/job/{jobId}/subscribe': {
      subscriptionType: 'webhook',
      webhookUrl: receiverUrl('/subscription'),
      // stageCompleted: several messages from the fixture's job for the attempt log.
      events: ['jobCompleted', 'error', 'stageCompleted'],
      filters: { minProgressIncrement: 25, notifyOnErrors: true },
      authentication: { type: 'bearer', token: 'seed-subscription-token' },
      expiresIn: 3600,
    },
  };
}

export async function buildProjectFixture(receiver: LoopbackReceiver, name = 'owner'): Promise<ProjectFixture> {
  const owner = await newProject(name);
  const receiverUrl = (path: string) => `${receiver.base}${path}`;
  const { datasetId } = await createDataset(owner, 'running-example.xes', 'xes');
  const { datasetId: pendingDatasetId } = await createDataset(owner, 'never-uploaded.csv', 'csv', false);
  const ids: Record<string, string> = { tenantId: owner.tenantId, projectId: owner.projectId, datasetId };
  const seedBodies = seeds(ids, receiverUrl);
  const create = async (key: string, path: string, idField: string) => {
    // The method is the key's (POST, or PUT for the Slack integration).
    const response = await call(key.slice(0, key.indexOf(' ')), `${owner.base}${path}`, { token: owner.token, body: structuredClone(seedBodies[key]) });
    if (response.status >= 300 || typeof response.body?.[idField] !== 'string') throw new Error(`fixture ${key} failed: ${response.status} ${JSON.stringify(response.body)}`);
    return response.body[idField] as string;
  };
  // Before any operation: the seed start request asks for Slack notifications, which need the integration.
  await create('PUT /async/integrations/slack', '/async/integrations/slack', 'projectId');
  // The webhook and the subscription hear the fixture's analysis, so their attempt logs hold messages.
  ids.webhookId = await create('POST /async/webhooks', '/async/webhooks', 'webhookId');
  const jsonOnly = { parameters: { datasetId, outputOptions: { exportFormats: ['JSON'] } } };
  const completed = await startAnalysis(owner, datasetId, jsonOnly);
  if (completed.status !== 202) throw new Error(`fixture operation not started: ${JSON.stringify(completed.body)}`);
  ids.operationId = completed.body.operationId;
  ids.jobId = (await call('GET', `${owner.base}/async/operation/${ids.operationId}`, { token: owner.token })).body.execution.executionId;
  const subscribePath = `/execution/job/${ids.jobId}/subscribe`;
  ids.subscriptionId = await create('POST /execution/job/{jobId}/subscribe', subscribePath, 'subscriptionId');
  const toCancel = await startAnalysis(owner, datasetId, jsonOnly);
  if (toCancel.status !== 202) throw new Error(`fixture operation not started: ${JSON.stringify(toCancel.body)}`);
  const cancelled = await call('DELETE', `${owner.base}/async/operation/${toCancel.body.operationId}`, { token: owner.token });
  if (cancelled.status !== 200) throw new Error(`fixture operation not cancelled: ${JSON.stringify(cancelled.body)}`);
  await waitForStatus(owner, completed.body.operationId, ['Completed', 'Failed']);

  ids.batchId = await create('POST /async/batch', '/async/batch', 'batchId');
  ids.deliveryId = await loggedDelivery(owner, `/async/webhooks/${ids.webhookId}/deliveries`);
  const subscriptionDeliveryId = await loggedDelivery(owner, `/execution/job/${ids.jobId}/subscriptions/${ids.subscriptionId}/deliveries`);
  // Deleting routes get a resource of their own, so the others keep theirs to work on.
  const doomedWebhookId = await create('POST /async/webhooks', '/async/webhooks', 'webhookId');
  const doomedSubscriptionId = await create('POST /execution/job/{jobId}/subscribe', subscribePath, 'subscriptionId');
  const overrides: Record<string, Record<string, string>> = {
    'POST /async/operation/{operationId}/retry': { operationId: toCancel.body.operationId },
    'DELETE /async/webhooks/{webhookId}': { webhookId: doomedWebhookId },
    'DELETE /execution/job/{jobId}/subscriptions/{subscriptionId}': { subscriptionId: doomedSubscriptionId },
    'GET /execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}': { deliveryId: subscriptionDeliveryId },
    'POST /execution/job/{jobId}/subscriptions/{subscriptionId}/deliveries/{deliveryId}/redeliver': { deliveryId: subscriptionDeliveryId },
  };
  return {
    owner,
    ids: { ...ids },
    related: { pendingDatasetId, cancelledOperationId: toCancel.body.operationId, doomedWebhookId, doomedSubscriptionId },
    idsFor: (route) => ({ ...ids, ...overrides[routeKey(route)] }),
    seedBody: (route) => structuredClone(seedBodies[routeKey(route)]),
    receiverUrl,
    fresh: async (parameter) => {
      const key = creators[parameter];
      if (!key) throw new Error(`no route creates {${parameter}}: add it to the project fixture's creators`);
      return create(key, fillPath(key.slice(key.indexOf(' ') + 1), ids), parameter);
    },
  };
}

/** The oldest message of an attempt log, once it holds two (so its list pages with a cursor); delivery is asynchronous. */
async function loggedDelivery(owner: Project, path: string): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await call('GET', `${owner.base}${path}?pageSize=100`, { token: owner.token });
    const deliveries = response.body?.deliveries ?? [];
    if (deliveries.length >= 2) return deliveries.at(-1).deliveryId as string;
    if (Date.now() > deadline) throw new Error(`fixture: fewer than two messages in ${path}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A token for a project of the same tenant as `owner` (a sibling project), or of a new tenant. */
export async function strangerOf(owner: Project, sameTenant: boolean): Promise<Project> {
  if (!sameTenant) return newProject('stranger');
  const projectId = randomUUID();
  const token = await mintToken(inject('dataDir'), { tenantId: owner.tenantId, projectIds: [projectId], userId: 'sibling' });
  return { tenantId: owner.tenantId, projectId, token, base: `/api/${owner.tenantId}/${projectId}` };
}

/** Fills a route's template with the given ids (already URL-ready); a missing id is an error in the test. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no id for {${name}} in ${template}: add it to the project fixture`);
    return value;
  });
}
