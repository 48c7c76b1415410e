import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import { routes } from '../../lib/topology.ts';

/**
 * Every authorized route in the topology, called with another project's token on the owner's
 * real ids, must answer 404 and change nothing: new routes are covered without new tests.
 */
describe('tenant isolation on every route', () => {
  let owner: Project;
  let stranger: Project;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    owner = await newProject('owner');
    stranger = await newProject('stranger');
    const { datasetId } = await createDataset(owner, 'running-example.xes', 'xes');
    const started = await startAnalysis(owner, datasetId);
    const done = await waitForStatus(owner, started.body.operationId, ['Completed', 'Failed']);
    const webhook = await call('POST', `${owner.base}/async/webhooks`, {
      token: owner.token,
      body: { webhookUrl: 'https://hooks.example/owner', webhookName: 'owner', events: ['operation.completed'] },
    });
    const batch = await call('POST', `${owner.base}/async/batch`, {
      token: owner.token,
      body: { batchName: 'owner', operations: [{ operationKey: 'a', operationName: 'a', operationType: 'ProcessMiningAnalysis', parameters: { datasetId } }] },
    });
    Object.assign(ids, {
      batchId: batch.body.batchId,
      tenantId: owner.tenantId,
      projectId: owner.projectId,
      datasetId,
      operationId: started.body.operationId,
      jobId: done.execution.executionId,
      webhookId: webhook.body.webhookId,
    });
  });

  const authorized = routes.filter((route) => route.authorized);

  it.each(authorized.map((route) => [route.method, route.path] as const))('%s %s answers 404 to another project', async (method, template) => {
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => ids[name]!);
    const body = method === 'POST' ? { operationType: 'ProcessMiningAnalysis', operationName: 'x', parameters: { datasetId: ids.datasetId }, name: 'x', format: 'csv' } : undefined;
    const response = await call(method, path, { token: stranger.token, ...(body ? { body } : {}) });
    // The project check comes before body validation, so even this catch-all body gets 404.
    expect(response.status).toBe(404);
  });

  it('left the owner untouched', async () => {
    const list = await call('GET', `${owner.base}/async/operations`, { token: owner.token });
    expect(list.body.summary).toMatchObject({ totalOperations: 2, cancelled: 0 });
    const datasets = await call('GET', `${owner.base}/datasets`, { token: owner.token });
    expect(datasets.body.datasets).toHaveLength(1);
  });
});
