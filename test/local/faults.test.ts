import { describe, expect, it } from 'vitest';
import { FaultRegistry } from '../../local/faults.ts';
import type { JobRef } from '../../functions/domain/records.ts';

const job = (projectId: string): JobRef => ({ tenantId: 't', projectId, operationId: 'op-1', jobId: 'j', operationType: 'ProcessMiningAnalysis' });

describe('FaultRegistry', () => {
  it('affects the next `count` runs of the phase, in the given project only, then is gone', async () => {
    const faults = new FaultRegistry();
    faults.add({ phase: 'ProcessDiscovery', mode: 'error', count: 2, projectId: 'p1' });
    const port = faults.phaseFaults();
    await expect(port.beforeWork('ProcessDiscovery', job('p2'))).resolves.toBeUndefined();
    await expect(port.beforeWork('DataLoadingValidation', job('p1'))).resolves.toBeUndefined();
    await expect(port.beforeWork('ProcessDiscovery', job('p1'))).rejects.toMatchObject({ name: 'InternalError' });
    expect(faults.list()).toMatchObject([{ remaining: 1 }]);
    await expect(port.beforeWork('ProcessDiscovery', job('p1'))).rejects.toMatchObject({ name: 'InternalError' });
    await expect(port.beforeWork('ProcessDiscovery', job('p1'))).resolves.toBeUndefined();
    expect(faults.list()).toEqual([]);
  });

  it('crashes a phase invocation before its handler runs, as Lambda reports a killed runtime', () => {
    const faults = new FaultRegistry();
    faults.add({ phase: 'PerformanceAnalysis', mode: 'crash', count: 1 });
    expect(faults.crashFor({ phase: 'ProcessDiscovery', job: job('p') })).toBeUndefined();
    expect(faults.crashFor({ phase: 'PerformanceAnalysis', job: job('p') })).toMatchObject({ name: 'Runtime.ExitError' });
    expect(faults.crashFor({ phase: 'PerformanceAnalysis', job: job('p') })).toBeUndefined();
  });

  it('answers the control route: 201 with the fault, 400 naming the field, GET lists, DELETE clears', async () => {
    const faults = new FaultRegistry();
    const added = await faults.control('POST', Buffer.from(JSON.stringify({ phase: 'DataCleaning', mode: 'delay', seconds: 2 })));
    expect(added.statusCode).toBe(201);
    expect(JSON.parse(added.body)).toMatchObject({ phase: 'DataCleaning', mode: 'delay', count: 1, remaining: 1, seconds: 2 });
    const noSeconds = await faults.control('POST', Buffer.from(JSON.stringify({ phase: 'DataCleaning', mode: 'delay' })));
    expect(noSeconds.statusCode).toBe(400);
    expect(JSON.parse(noSeconds.body).invalidParams).toEqual([{ name: 'body.seconds', reason: 'a delay needs seconds' }]);
    expect(JSON.parse((await faults.control('GET', Buffer.alloc(0))).body).faults).toHaveLength(1);
    expect(JSON.parse((await faults.control('DELETE', Buffer.alloc(0))).body)).toEqual({ cleared: 1 });
    expect((await faults.control('PUT', Buffer.alloc(0))).statusCode).toBe(405);
  });
});
