import { call, type Project } from './client.ts';
import { routes } from '../../lib/topology.ts';

/**
 * What a refused request must leave as it was: the project's datasets, operations (and the counters the summary
 * reads), batches, webhooks and subscriptions. Only what operations running in the background cannot change is
 * kept (ids, names, configuration, the number of operations and of cancelled ones), so two snapshots differ only
 * when a request wrote something.
 */
export interface ProjectState {
  datasets: string[];
  operations: string[];
  totalOperations: number;
  /** Operations counted by status in the summary must add up to the total: the counter item and the items agree. */
  countersAddUp: boolean;
  cancelled: number;
  batches: Record<string, string[]>;
  webhooks: Record<string, unknown>;
  subscriptions: Record<string, unknown>;
}

/** The fixture's ids first, then the ones requests created. */
export interface KnownIds {
  batchIds: string[];
  webhookIds: string[];
  subscriptionIds: string[];
}

/** The fixture's resource and the newest created one: reading every one after every run would dominate the suite's time. */
const newest = (ids: string[]) => ids.slice(0, 1).concat(ids.slice(-1)).filter((id, i, all) => all.indexOf(id) === i);
const hasRoute = (method: string, suffix: string) => routes.some((r) => r.method === method && r.path === `/api/{tenantId}/{projectId}${suffix}`);

/** Delivery statistics and timestamps move as deliveries happen; a webhook's configuration does not. */
function configurationOf(resource: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(resource).filter(([key]) => !/stat|deliver|last|count|updated|health|circuit|breaker|paused|failure|success/i.test(key)));
}

async function get(owner: Project, path: string, texts: string[], missingAllowed = false) {
  const response = await call('GET', `${owner.base}${path}`, { token: owner.token });
  texts.push(JSON.stringify(response.body));
  // A resource a request deleted is part of the state; a list that fails is the test's problem.
  if (missingAllowed && response.status === 404) return { missing: true };
  if (response.status !== 200) throw new Error(`snapshot GET ${path} answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
  return response.body;
}

/** Reads the state through the API; `texts` collects every answer so the caller can check it for leaks too. */
export async function snapshotProject(owner: Project, ids: Record<string, string>, known: KnownIds): Promise<{ state: ProjectState; texts: string[] }> {
  const texts: string[] = [];
  const [datasets, operations, batches, webhooks, subscriptions] = await Promise.all([
    readDatasets(owner, texts),
    readOperations(owner, texts),
    readBatches(owner, known, texts),
    readWebhooks(owner, known, texts),
    readSubscriptions(owner, ids, known, texts),
  ]);
  return { state: { datasets, ...operations, batches, webhooks, subscriptions }, texts };
}

async function readDatasets(owner: Project, texts: string[]) {
  const datasets: string[] = [];
  let nextToken: string | null = null;
  do {
    const page = await get(owner, `/datasets?pageSize=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, texts);
    // A DataEnrichment operation registers its output dataset, already uploaded, whenever it finishes: not a request's write.
    const registered = page.datasets.filter((d: any) => d.uploadedAt !== d.createdAt);
    datasets.push(...registered.map((d: any) => `${d.datasetId} ${d.name} ${d.format}`));
    nextToken = page.nextToken;
  } while (nextToken);
  return datasets.sort();
}

async function readOperations(owner: Project, texts: string[]) {
  const operations: string[] = [];
  let summary: Record<string, unknown> = {};
  for (let page = 1; ; page++) {
    const body = await get(owner, `/async/operations?pageSize=100&page=${page}&includeDetails=true`, texts);
    summary = body.summary;
    operations.push(...body.operations.map((o: any) => `${o.operationId} ${o.operationType} ${o.operationName}`));
    if (body.operations.length < 100) break;
  }
  const totalOperations = Number(summary.totalOperations);
  const byStatus = ['initiated', 'queued', 'running', 'completed', 'failed', 'cancelled', 'timeout'].reduce((sum, key) => sum + Number(summary[key] ?? 0), 0);
  return { operations: operations.sort(), totalOperations, countersAddUp: byStatus === totalOperations && operations.length === totalOperations, cancelled: Number(summary.cancelled ?? 0) };
}

/**
 * Batches cannot be listed; no request changes an existing one, and a refused submission that wrote anything shows
 * in the operations. The fixture's batch stands for the rest.
 */
async function readBatches(owner: Project, known: KnownIds, texts: string[]) {
  const batches: Record<string, string[]> = {};
  for (const id of known.batchIds.slice(0, 1)) {
    const batch = await get(owner, `/async/batch/${id}`, texts, true);
    batches[id] = (batch.operations ?? []).map((o: any) => `${o.operationKey} ${o.operationId}`).sort();
  }
  return batches;
}

async function readWebhooks(owner: Project, known: KnownIds, texts: string[]) {
  const webhooks: Record<string, unknown> = {};
  if (hasRoute('GET', '/async/webhooks')) {
    let nextToken: string | null = null;
    do {
      const page = await get(owner, `/async/webhooks?pageSize=100${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, texts);
      for (const webhook of page.webhooks) webhooks[webhook.webhookId] = configurationOf(webhook);
      nextToken = page.nextToken;
    } while (nextToken);
  } else {
    for (const id of newest(known.webhookIds)) webhooks[id] = configurationOf(await get(owner, `/async/webhooks/${id}`, texts, true));
  }
  return webhooks;
}

async function readSubscriptions(owner: Project, ids: Record<string, string>, known: KnownIds, texts: string[]) {
  const subscriptions: Record<string, unknown> = {};
  const list = routes.find((r) => r.method === 'GET' && /\/subscriptions$/.test(r.path));
  const one = routes.find((r) => r.method === 'GET' && /\{subscriptionId\}$/.test(r.path));
  const below = (path: string, extra: Record<string, string> = {}) =>
    path.replace('/api/{tenantId}/{projectId}', '').replace(/\{(\w+)\}/g, (_, name: string) => extra[name] ?? ids[name] ?? `{${name}}`);
  if (list) {
    const body = await get(owner, below(list.path), texts);
    // A subscription may expire (and leave the list) a minute after it was made: only the lasting ones are compared.
    const lasting = (body.subscriptions ?? []).filter((sub: any) => !sub.expiresAt || Date.parse(sub.expiresAt) > Date.now() + 600_000);
    for (const subscription of lasting) subscriptions[subscription.subscriptionId] = configurationOf(subscription);
  } else if (one) {
    for (const id of newest(known.subscriptionIds)) subscriptions[id] = configurationOf(await get(owner, below(one.path, { subscriptionId: id }), texts, true));
  }
  return subscriptions;
}

/** The parts of two states that differ, for a failure message. */
export function differences(before: ProjectState, after: ProjectState): string[] {
  const out: string[] = [];
  for (const key of Object.keys(before) as (keyof ProjectState)[]) {
    const a = JSON.stringify(before[key]);
    const b = JSON.stringify(after[key]);
    if (a !== b) out.push(`${key}: ${a.slice(0, 300)} → ${b.slice(0, 300)}`);
  }
  if (!after.countersAddUp) out.push('summary counters do not add up to the operations listed');
  return out;
}
