import { afterEach, describe, expect, it, vi } from 'vitest';
import { metricNames, metricNamespace } from '../../../functions/domain/telemetry.ts';
import { emitMetric } from '../../../functions/observability/metrics.ts';

afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

function captureStdout(): string[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
  return lines;
}

describe('service metrics', () => {
  it('are one EMF record per point, in the service namespace, with their own dimensions', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'false';
    const lines = captureStdout();
    emitMetric(metricNames.phaseDuration, 'Milliseconds', 1234, { phase: 'ProcessDiscovery' });
    emitMetric(metricNames.deliveryFailed, 'Count', 1);
    expect(lines).toHaveLength(2);
    const [phase, delivery] = lines.map((line) => JSON.parse(line) as Record<string, any>);
    expect(phase!._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: metricNamespace, Metrics: [{ Name: 'PhaseDuration', Unit: 'Milliseconds' }] });
    expect(phase!._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(expect.arrayContaining(['service', 'phase']));
    expect(phase).toMatchObject({ PhaseDuration: 1234, phase: 'ProcessDiscovery', service: 'process-mining-jobs' });
    expect(delivery).toMatchObject({ DeliveryFailed: 1 });
    expect(delivery!._aws.CloudWatchMetrics[0].Dimensions[0]).toEqual(['service']);
  });

  it('print nothing where nothing reads them (the local stack, tests)', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const lines = captureStdout();
    emitMetric(metricNames.operationsAdmitted, 'Count', 1);
    expect(lines).toEqual([]);
  });
});
