import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { metricNamespace, serviceName, type MetricName, type MetricUnit as Unit } from '../domain/telemetry.ts';

const units: Record<Unit, (typeof MetricUnit)[keyof typeof MetricUnit]> = { Count: MetricUnit.Count, Milliseconds: MetricUnit.Milliseconds, 'Count/Second': MetricUnit.CountPerSecond };

/**
 * Off where nothing reads them: POWERTOOLS_METRICS_DISABLED=true (the local stack sets it), and under vitest unless
 * that variable is set. Read when the first point is emitted, after the local stack has set its environment.
 */
const disabled = (): boolean => {
  const flag = process.env.POWERTOOLS_METRICS_DISABLED;
  return flag === undefined ? Boolean(process.env.VITEST) : flag === 'true' || flag === '1';
};

let metrics: Metrics | undefined;

/**
 * Publishes one data point at once, as its own CloudWatch EMF record: a record per point carries its own dimensions,
 * and nothing is left in a shared buffer for another invocation to flush (the local stack runs many at once).
 */
export function emitMetric(name: MetricName, unit: Unit, value: number, dimensions: Record<string, string> = {}): void {
  if (!Number.isFinite(value) || disabled()) return;
  metrics ??= new Metrics({ namespace: metricNamespace, serviceName });
  const single = metrics.singleMetric();
  if (Object.keys(dimensions).length) single.addDimensions(dimensions);
  single.addMetric(name, units[unit], value);
}
