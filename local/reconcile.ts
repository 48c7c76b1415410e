import { QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobFactsKey } from '../functions/adapters/dynamo-keys.ts';
import type { CallbackNotifier } from '../functions/domain/callbacks.ts';
import { LifecycleRecorder } from '../functions/domain/lifecycle-recorder.ts';
import { systemClock, type Clock, type JobJournal, type OperationStore } from '../functions/domain/ports.ts';
import type { JobRef, OperationRecord, PhaseRecord, ProjectScope } from '../functions/domain/records.ts';

export interface ReconcileServices {
  operations: OperationStore;
  journal: JobJournal;
  /** The normal notification path: deliveries are queued for the operation's callbacks and the project's webhooks. */
  notifier: CallbackNotifier;
  /** Advances the batch of an operation that ended and admits the project's queued operations. */
  scheduler: { operationEnded(scope: ProjectScope, operationId: string): Promise<void> };
  admitQueued(scope: ProjectScope): Promise<number>;
}

export interface ReconcileOptions {
  db: DynamoDBDocumentClient;
  tableName: string;
  services: ReconcileServices;
  clock?: Clock;
}

export interface ReconcileResult {
  /** Operations that were Initiated or Running when the stack stopped, now Failed. */
  failed: Array<{ operationId: string; interruptedAt: string; phase: string | null }>;
  /** Queued operations started because slots were free. */
  admitted: number;
}

export const restartError = 'LocalStackRestarted';

/**
 * The local Step Functions endpoint keeps executions in memory, so after a restart no
 * execution is left for an operation that was Initiated or Running. Each such operation is
 * failed as its execution would have failed it at the moment it was interrupted: that moment
 * is the last fact recorded for the job (a log entry, timeline event, resource sample or
 * phase update), so its running phase and the operation end there and their durations do not
 * include the downtime. The phase is failed as the phase runner fails one (phase record, log,
 * StageFailed, `operation.phase.failed`), and the operation through the lifecycle recorder,
 * as the state machine's `Record Operation Failed` does: the store's transition frees the
 * slot, `operation.failed` goes to callbacks and webhooks, and the batch and the queued
 * operations move on. Queued operations have no execution and stay Queued; those that fit in
 * free slots are admitted. Run this once the queues and the Step Functions endpoint are up,
 * so deliveries are sent and admitted operations start. A Scan is fine: it is the local
 * stack, once at start.
 */
export async function reconcileAfterRestart(options: ReconcileOptions): Promise<ReconcileResult> {
  const clock = options.clock ?? systemClock;
  const { interrupted, queuedScopes } = await unfinishedOperations(options.db, options.tableName);
  const result: ReconcileResult = { failed: [], admitted: 0 };
  // One record that cannot be reconciled is reported and left as it is; it does not keep the stack from starting.
  const report = (what: string, error: unknown) => console.error(`[reconcile] ${what}: ${error instanceof Error ? error.message : String(error)}`);
  for (const operation of interrupted) {
    try {
      const failed = await failInterrupted(options, operation, clock.now());
      if (failed) result.failed.push(failed);
    } catch (error) {
      report(`could not fail ${operation.operationId}`, error);
    }
  }
  for (const scope of queuedScopes.values()) {
    result.admitted += await options.services.admitQueued(scope).catch((error: unknown) => {
      report(`could not admit the queued operations of project ${scope.projectId}`, error);
      return 0;
    });
  }
  return result;
}

async function unfinishedOperations(db: DynamoDBDocumentClient, tableName: string) {
  const interrupted: OperationRecord[] = [];
  const queuedScopes = new Map<string, ProjectScope>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :operation AND #status IN (:initiated, :running, :queued)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':operation': 'Operation', ':initiated': 'Initiated', ':running': 'Running', ':queued': 'Queued' },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as OperationRecord[]) {
      if (item.status === 'Queued') queuedScopes.set(`${item.tenantId}/${item.projectId}`, { tenantId: item.tenantId, projectId: item.projectId });
      else interrupted.push(item);
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { interrupted, queuedScopes };
}

async function failInterrupted(options: ReconcileOptions, item: OperationRecord, restartedAt: Date): Promise<ReconcileResult['failed'][number] | undefined> {
  const { operations, journal, notifier, scheduler } = options.services;
  const job: JobRef = { tenantId: item.tenantId, projectId: item.projectId, operationId: item.operationId, jobId: item.jobId, operationType: item.operationType };
  // Read through the store: the scanned item keeps phases in their stored shape.
  const operation = await operations.get(job, job.operationId);
  if (!operation || !['Initiated', 'Running'].includes(operation.status)) return undefined;
  const interruptedAt = await lastFactAt(options.db, options.tableName, operation);
  const cause =
    `The local stack stopped while this operation was ${operation.status === 'Running' ? 'running' : 'starting'}; ` +
    `its last recorded activity was at ${interruptedAt}, and it was marked failed when the stack started again at ${restartedAt.toISOString()}. ` +
    'Retry it to run it again.';

  const running = operation.phases.filter((phase) => phase.status === 'Running');
  for (const phase of running) {
    const failedPhase: Partial<PhaseRecord> = {
      status: 'Failed',
      endTime: interruptedAt,
      durationMs: phase.startTime ? Math.max(0, Date.parse(interruptedAt) - Date.parse(phase.startTime)) : 0,
    };
    await operations.updatePhase(job, job.operationId, phase.id, failedPhase);
    await journal.append(job, {
      logs: [{ timestamp: interruptedAt, level: 'ERROR', component: 'Orchestrator', stage: phase.name, message: `${phase.name} failed: ${cause}`, details: { error: restartError } }],
      events: [{ timestamp: interruptedAt, eventType: 'StageFailed', description: `${phase.name} failed`, details: { stageName: phase.name, error: restartError } }],
    });
    const updated = await operations.get(job, job.operationId);
    const recorded = updated?.phases.find((p) => p.id === phase.id);
    if (updated && recorded) await notifier.notify(updated, 'operation.phase.failed', { phase: recorded });
  }

  // The recorder stamps the end, its log entry and JobFailed event with its clock: the moment of interruption.
  const recorder = new LifecycleRecorder(operations, journal, notifier, scheduler, { now: () => new Date(interruptedAt) });
  const { recorded } = await recorder.record({ event: 'failed', job, error: { Error: restartError, Cause: cause } });
  return recorded ? { operationId: job.operationId, interruptedAt, phase: running[0]?.name ?? null } : undefined;
}

/** The latest instant anything was recorded for the operation's job. */
async function lastFactAt(db: DynamoDBDocumentClient, tableName: string, operation: OperationRecord): Promise<string> {
  const instants = [operation.dateCreated, operation.startTime, operation.latestSample?.timestamp, ...operation.phases.flatMap((p) => [p.startTime, p.endTime])];
  const pk = jobFactsKey(operation, operation.jobId);
  // Journal sort keys are `<kind>#<timestamp>#<random>`: the last of each kind is the newest.
  for (const kind of ['LOG', 'EVT', 'RES']) {
    const { Items } = await db.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)',
        ExpressionAttributeValues: { ':pk': pk, ':kind': `${kind}#` },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    instants.push(Items?.[0]?.timestamp as string | undefined);
  }
  return instants
    .filter((instant): instant is string => typeof instant === 'string' && !Number.isNaN(Date.parse(instant)))
    .reduce((latest, instant) => (Date.parse(instant) > Date.parse(latest) ? instant : latest));
}

/** The services the handlers use (functions/composition.ts); call once the stack's environment is set. */
export async function compositionServices(): Promise<ReconcileServices> {
  const { callbackNotifier, jobJournal, operationService, operationStore, scheduler } = await import('../functions/composition.ts');
  return {
    operations: operationStore(),
    journal: jobJournal(),
    notifier: callbackNotifier(),
    scheduler: scheduler(),
    admitQueued: (scope) => operationService().admitQueued(scope),
  };
}
