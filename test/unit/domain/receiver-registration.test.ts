import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { ValidationError } from '../../../functions/domain/errors.ts';
import { OperationService } from '../../../functions/domain/operation-service.ts';
import type { OperationStore, WebhookStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import { emptyPolicy, ResolvingReceiverGuard, type Resolver } from '../../../functions/domain/receiver-guard.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';
import { WebhookService } from '../../../functions/domain/webhook-service.ts';
import { startOperationBody } from '../../../functions/schemas/operation.ts';
import { registerWebhookBody, subscribeBody } from '../../../functions/schemas/webhook.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';

// Wiring only: every service that accepts a receiver asks the guard, names the field, and writes nothing when refused.
const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const resolve: Resolver = async (hostname) => ({ 'metadata.test': ['169.254.169.254'], 'public.test': ['93.184.216.34'] })[hostname] ?? [];
const guard = new ResolvingReceiverGuard(resolve, emptyPolicy);

async function refusal(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

describe('OperationService checks callbacks', () => {
  const created: OperationRecord[] = [];
  const operations = {
    create: async (op: OperationRecord) => void created.push(op),
    list: async () => ({ items: [], hasMore: false }),
    update: async () => undefined,
  } as unknown as OperationStore;
  const workflows: WorkflowEngine = { start: async () => ({ executionArn: 'arn' }), stop: async () => undefined };
  const datasets = { requireUploaded: async () => ({}) } as unknown as DatasetService;
  const service = new OperationService(operations, datasets, workflows, {} as never, { send: async () => undefined }, clock, pricesByRegion['us-east-1'], guard);
  const start = (callbacks: Record<string, string>) =>
    startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: '33333333-3333-4333-8333-333333333333' }, callbacks });

  it('refuses every refused callback at once, naming each field', async () => {
    const error = await refusal(service.start(scope, start({ onProgress: 'https://public.test/p', onCompletion: 'https://10.0.0.1/', onError: 'https://metadata.test/' }), 'alice'));
    expect(error.invalidFields).toEqual([
      { name: 'body.callbacks.onCompletion', reason: '10.0.0.1 is a private address (RFC 1918)' },
      { name: 'body.callbacks.onError', reason: expect.stringContaining('host metadata.test resolves to 169.254.169.254, a link-local address') },
    ]);
    expect(created).toEqual([]);
  });

  it('starts with callbacks that resolve to public addresses', async () => {
    await service.start(scope, start({ onError: 'https://public.test/e' }), 'alice');
    expect(created).toHaveLength(1);
  });
});

describe('WebhookService checks receivers', () => {
  const written: unknown[] = [];
  const webhooks = { create: async (webhook: unknown) => void written.push(webhook) } as unknown as WebhookStore;
  const operations = { getByJob: async () => ({ operationId: 'op-1' }) } as unknown as OperationStore;
  const service = new WebhookService(webhooks, operations, clock, guard);

  it('refuses a webhook to a private address', async () => {
    const body = registerWebhookBody.parse({ webhookUrl: 'https://[fd00::1]/', webhookName: 'w', events: ['operation.completed'] });
    const error = await refusal(service.register(scope, body, 'alice'));
    expect(error.invalidFields).toEqual([{ name: 'body.webhookUrl', reason: '[fd00::1] is a unique-local address (fc00::/7)' }]);
    expect(written).toEqual([]);
  });

  it('refuses a subscription to a host that does not resolve', async () => {
    const body = subscribeBody.parse({ subscriptionType: 'webhook', webhookUrl: 'https://nowhere.test/', events: ['jobCompleted'] });
    const error = await refusal(service.subscribe({ ...scope, jobId: '44444444-4444-4444-8444-444444444444' }, body, 'alice'));
    expect(error.invalidFields).toEqual([{ name: 'body.webhookUrl', reason: 'host nowhere.test does not resolve' }]);
    expect(written).toEqual([]);
  });
});
