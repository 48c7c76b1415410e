import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus } from './client.ts';

describe('cancelling an operation', () => {
  it('marks it Cancelled at once, stops its execution and keeps it Cancelled', async () => {
    const project = await newProject('bob');
    const { datasetId } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    const started = await startAnalysis(project, datasetId);
    const operationId = started.body.operationId as string;

    const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token, body: { reason: 'no longer needed' } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ operationId, status: 'Cancelled', reason: 'no longer needed', cancelledBy: 'bob' });

    // The execution is stopped through the cancellation queue; the status must not move on.
    await new Promise((r) => setTimeout(r, 4000));
    const after = await waitForStatus(project, operationId, ['Cancelled', 'Completed', 'Failed']);
    expect(after.status).toBe('Cancelled');
    expect(after.cancellation).toMatchObject({ cancelledBy: 'bob', reason: 'no longer needed' });
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary).toMatchObject({ totalOperations: 1, cancelled: 1, running: 0, initiated: 0 });

    const results = await call('GET', `${project.base}/async/operation/${operationId}/results`, { token: project.token });
    expect(results.body).toMatchObject({ status: 'Cancelled', success: false });

    const again = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token });
    expect(again.status).toBe(409);
  });
});
