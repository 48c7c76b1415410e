import { formatBytes } from '../durations.ts';
import type { OperationRecord, ResourceSample } from '../records.ts';

/** Records per second of the loading phase, the one phase that reads every record. */
export function recordsPerSecond(op: OperationRecord): number | null {
  const loading = op.phases[0];
  return loading?.recordsProcessed && loading.durationMs ? Math.round((loading.recordsProcessed / loading.durationMs) * 1000) : null;
}

/** A resource sample as the API shows it. */
export function resourceUsageOf(sample: ResourceSample | undefined) {
  if (!sample) return null;
  return {
    cpuUsage: Math.round(sample.cpuPercent),
    memoryUsage: formatBytes(sample.rssBytes),
    memoryLimit: sample.memoryLimitBytes === null ? null : formatBytes(sample.memoryLimitBytes),
    diskUsage: formatBytes(sample.fsReadBytes + sample.fsWriteBytes),
    networkIO: formatBytes(sample.networkInBytes),
    sampledAt: sample.timestamp,
  };
}
