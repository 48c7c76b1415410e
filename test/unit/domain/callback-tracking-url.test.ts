import { describe, expect, it } from 'vitest';
import { absoluteTrackingUrl } from '../../../functions/domain/callbacks.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';

const op = { tenantId: 't1', projectId: 'p1', operationId: 'op-1' } as OperationRecord;

describe('the trackingUrl of callback and webhook payloads', () => {
  it('is absolute under the API base URL, stage included, with or without a trailing slash', () => {
    const base = 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod';
    expect(absoluteTrackingUrl(base, op)).toBe(`${base}/api/t1/p1/async/operation/op-1`);
    expect(absoluteTrackingUrl(`${base}/`, op)).toBe(`${base}/api/t1/p1/async/operation/op-1`);
    expect(absoluteTrackingUrl('http://127.0.0.1:3000', op)).toBe('http://127.0.0.1:3000/api/t1/p1/async/operation/op-1');
  });

  it('stays the path where no base URL is configured', () => {
    expect(absoluteTrackingUrl(undefined, op)).toBe('/api/t1/p1/async/operation/op-1');
  });
});
