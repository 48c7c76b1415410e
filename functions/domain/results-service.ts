import { elapsedMs, formatBytes, humanDuration } from './durations.ts';
import { ConflictError, NotFoundError, ValidationError } from './errors.ts';
import type { ObjectStore, OperationStore } from './ports.ts';
import { isTerminal, type OperationRecord, type PhaseRecord, type ProjectScope } from './records.ts';
import { checkpointKeys, jobObjectKey } from './phases/checkpoint-keys.ts';
import { phaseIdOf } from './views/localisation.ts';
import type { OperationResultsQuery } from '../schemas/operation.ts';
import { pricesFor, type RegionPrices } from './pricing.ts';
import { measuredCostOf } from './views/resources-view.ts';

const downloadUrlLifetimeSeconds = 3600;

type Results = Record<string, unknown>;
const resultsOf = (op: OperationRecord, id: PhaseRecord['id']): Results | undefined => op.phases.find((p) => p.id === id)?.results;
const numberAt = (results: Results | undefined, ...path: string[]): number | null => {
  let value: unknown = results;
  for (const key of path) value = value && typeof value === 'object' ? (value as Results)[key] : undefined;
  return typeof value === 'number' ? value : null;
};

/** Assembles an ended operation's results from what its phases recorded and stored. */
export class ResultsService {
  constructor(
    private readonly operations: OperationStore,
    private readonly objects: ObjectStore,
    /** The region's published prices: `performance.totalCost` prices the measured billed durations (pricing.ts). */
    private readonly prices: RegionPrices = pricesFor(undefined),
  ) {}

  async results(scope: ProjectScope, operationId: string, query: OperationResultsQuery) {
    const op = await this.operations.get(scope, operationId);
    if (!op) throw new NotFoundError(`Operation ${operationId} does not exist in this project`);
    if (!isTerminal(op.status)) {
      throw new ConflictError(`Operation ${operationId} is ${op.status}; its results are available once it has ended`);
    }
    if (query.format === 'download') return this.download(op);

    const phases = this.selectPhases(op, query.phase);
    const artifacts = query.includeArtifacts ? await this.artifacts(op, phases) : undefined;
    const totalMs = op.startTime && op.endTime ? elapsedMs(op.startTime, op.endTime) : null;
    return {
      operationId: op.operationId,
      operationType: op.operationType,
      operationName: op.operationName,
      status: op.status,
      completionTime: op.endTime ?? null,
      totalDuration: totalMs === null ? null : humanDuration(totalMs),
      totalDurationMs: totalMs,
      success: op.status === 'Completed',
      summary: this.summary(op),
      phaseResults: phases.map((p) => ({ phaseName: p.name, status: p.status, results: p.results ?? {} })),
      ...(artifacts ? { artifacts } : {}),
      performance: this.performance(op, totalMs),
      recommendations: phases.flatMap((p) => (Array.isArray(p.results?.recommendations) ? (p.results.recommendations as unknown[]) : [])),
      ...(query.format === 'detailed' ? { details: await this.details(op) } : {}),
      ...(op.error ? { error: op.error } : {}),
    };
  }

  private selectPhases(op: OperationRecord, phase: string | undefined): PhaseRecord[] {
    const ended = op.phases.filter((p) => p.status === 'Completed' || p.status === 'Failed');
    if (!phase) return ended;
    const wanted = phase.toLowerCase();
    const japanese = phaseIdOf(phase);
    const found = op.phases.find((p) => p.name.toLowerCase() === wanted || p.id.toLowerCase() === wanted || p.id === japanese);
    if (!found) {
      throw new ValidationError(`${op.operationType} has no phase "${phase}"`, [
        { name: 'query.phase', reason: `must be one of: ${op.phases.map((p) => p.name).join(', ')}` },
      ]);
    }
    return ended.filter((p) => p.id === found.id);
  }

  private summary(op: OperationRecord) {
    const loading = resultsOf(op, 'DataLoadingValidation');
    const artifacts = op.phases.flatMap((p) => p.artifacts ?? []);
    return {
      recordsAnalyzed: numberAt(loading, 'events'),
      processVariants: numberAt(resultsOf(op, 'ProcessDiscovery'), 'processVariants'),
      anomaliesDetected: numberAt(resultsOf(op, 'MachineLearningAnalysis'), 'anomalies', 'detected'),
      modelsGenerated: numberAt(resultsOf(op, 'ProcessDiscovery'), 'modelsGenerated'),
      reportsCreated: artifacts.filter((a) => a.type === 'Report').length,
      artifactsCreated: artifacts.length,
      dataQualityScore: numberAt(loading, 'dataQualityScore'),
      ...(resultsOf(op, 'ProcessDiscovery')?.primaryModel ? { primaryModel: resultsOf(op, 'ProcessDiscovery')!.primaryModel } : {}),
      // Work the request turned off: the figures above it feeds are null, and this says why.
      ...(op.phases.some((p) => Array.isArray(p.results?.skipped)) ? { skipped: op.phases.flatMap((p) => (Array.isArray(p.results?.skipped) ? (p.results.skipped as unknown[]) : [])) } : {}),
    };
  }

  private performance(op: OperationRecord, totalMs: number | null) {
    const measured = op.phases.filter((p) => p.resources && p.durationMs !== undefined);
    const weight = measured.reduce((sum, p) => sum + p.durationMs!, 0);
    const peak = measured.reduce((max, p) => Math.max(max, p.resources!.peakRssBytes), 0);
    const records = op.totalRecords ?? null;
    return {
      totalExecutionTime: totalMs === null ? null : humanDuration(totalMs),
      resourceUtilization: measured.length
        ? {
            // Weighted by phase duration: a long phase says more about the job than a short one.
            averageCpuUsage: Math.round((measured.reduce((sum, p) => sum + p.resources!.averageCpuPercent * p.durationMs!, 0) / Math.max(1, weight)) * 10) / 10,
            peakMemoryUsage: formatBytes(peak),
            peakMemoryBytes: peak,
            totalCpuSeconds: Math.round(measured.reduce((sum, p) => sum + p.resources!.cpuSeconds, 0) * 1000) / 1000,
            ...measuredCostOf(op, this.prices, new Date(op.endTime ?? Date.now())),
          }
        : null,
      throughput: records !== null && totalMs ? `${Math.round((records / totalMs) * 60_000)} records/minute` : null,
    };
  }

  private async artifacts(op: OperationRecord, phases: PhaseRecord[]) {
    return Promise.all(
      phases
        .flatMap((p) => p.artifacts ?? [])
        .map(async (artifact) => ({
          name: artifact.name,
          type: artifact.type,
          format: artifact.format,
          size: formatBytes(artifact.sizeBytes),
          sizeBytes: artifact.sizeBytes,
          downloadUrl: await this.objects.presignGet(artifact.key, downloadUrlLifetimeSeconds, artifact.key.split('/').at(-1)),
          expiresAt: new Date(Date.now() + downloadUrlLifetimeSeconds * 1000).toISOString(),
          description: artifact.description,
        })),
    );
  }

  private async details(op: OperationRecord) {
    const read = async (name: string): Promise<Results | null> => {
      const key = jobObjectKey(op, name);
      if (!(await this.objects.head(key))) return null;
      return JSON.parse((await this.objects.readBytes(key)).toString('utf8')) as Results;
    };
    const [discovery, performance] = await Promise.all([read(checkpointKeys.discovery), read(checkpointKeys.performance)]);
    return {
      discovery: discovery ? { ...discovery, ...(performance?.caseDurations !== undefined ? { caseDurations: performance.caseDurations } : {}) } : null,
      performance,
    };
  }

  private async download(op: OperationRecord) {
    const key = jobObjectKey(op, checkpointKeys.results);
    const object = await this.objects.head(key);
    if (!object) throw new ConflictError(`Operation ${op.operationId} produced no results document`);
    return {
      operationId: op.operationId,
      format: 'download' as const,
      downloadUrl: await this.objects.presignGet(key, downloadUrlLifetimeSeconds, `${op.operationId}-results.json`),
      expiresAt: new Date(Date.now() + downloadUrlLifetimeSeconds * 1000).toISOString(),
      sizeBytes: object.sizeBytes,
    };
  }
}
