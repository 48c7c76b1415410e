import type { ArtifactRecord } from '../records.ts';
import type { PhaseContext } from '../phase-runner.ts';
import { recommend, type Recommendation } from '../../mining/insights/recommendations.ts';
import type { Anomaly } from '../../mining/ml/anomalies.ts';
import type { PetriNet } from '../../mining/models/petri-net.ts';
import { toPnml } from '../../mining/models/pnml.ts';
import type { ActivityPerformanceReport } from '../../mining/performance/activity-performance.ts';
import type { Bottleneck } from '../../mining/performance/bottlenecks.ts';
import type { CaseDurationStats } from '../../mining/performance/case-duration-stats.ts';
import type { ReworkReport } from '../../mining/performance/rework.ts';
import { renderAnomaliesCsv, renderPdfReport, renderPptxReport, renderProcessMapSvg, type ReportInput } from '../../mining/report/index.ts';
import type { DirectlyFollowsEdge } from '../../mining/discovery/directly-follows-graph.ts';
import type { VariantSummary } from '../../mining/discovery/variants.ts';
import { checkpointKeys } from './checkpoint-keys.ts';
import { loadJson } from './checkpoints.ts';

/** What an analysis stored, as the report stage reads it back. */
export interface StoredAnalysis {
  discovery: {
    cases: number;
    events: number;
    activities: { name: string; count: number }[];
    startActivities: Record<string, number>;
    endActivities: Record<string, number>;
    dfg: DirectlyFollowsEdge[];
    variants: VariantSummary;
  };
  performance: { caseDurations: CaseDurationStats | null; activityPerformance: ActivityPerformanceReport; bottlenecks: Bottleneck[]; rework: ReworkReport };
  machineLearning: { conformance: { deviatingCases: number; cases: number; fitnessThreshold: number } } | null;
  anomalies: Anomaly[] | null;
  alphaNet: PetriNet;
  heuristicsNet: PetriNet;
}

export const analysisDocuments = [
  checkpointKeys.discovery,
  checkpointKeys.performance,
  checkpointKeys.machineLearning,
  checkpointKeys.anomalies,
  checkpointKeys.alphaNet,
  checkpointKeys.heuristicsNet,
] as const;

async function optional<T>(context: PhaseContext, name: string): Promise<T | null> {
  return (await context.objects.head(context.jobObjectKey(name))) ? loadJson<T>(context, name) : null;
}

export async function loadStoredAnalysis(context: PhaseContext): Promise<StoredAnalysis> {
  const [discovery, performance, machineLearning, anomalies, alphaNet, heuristicsNet] = await Promise.all([
    loadJson<StoredAnalysis['discovery']>(context, checkpointKeys.discovery),
    loadJson<StoredAnalysis['performance']>(context, checkpointKeys.performance),
    optional<StoredAnalysis['machineLearning']>(context, checkpointKeys.machineLearning),
    optional<Anomaly[]>(context, checkpointKeys.anomalies),
    loadJson<PetriNet>(context, checkpointKeys.alphaNet),
    loadJson<PetriNet>(context, checkpointKeys.heuristicsNet),
  ]);
  return { discovery, performance, machineLearning, anomalies, alphaNet, heuristicsNet };
}

export interface LoadingFigures {
  recordsLoaded: number;
  errorRecords: number;
  inferredTimestamps: number;
  dataQualityScore: number;
}

export function recommendationsOf(analysis: StoredAnalysis, loading: LoadingFigures | null): Recommendation[] {
  return recommend({
    bottlenecks: analysis.performance.bottlenecks,
    rework: analysis.performance.rework,
    dataQuality: loading
      ? { score: loading.dataQualityScore, errorRecords: loading.errorRecords, inferredTimestamps: loading.inferredTimestamps, recordsLoaded: loading.recordsLoaded }
      : null,
    conformance: analysis.machineLearning?.conformance ?? null,
  });
}

const toCounts = (record: Record<string, number>) => Object.entries(record).map(([name, count]) => ({ name, count }));

export function reportInputOf(analysis: StoredAnalysis, title: string, generatedAt: string, loading: LoadingFigures | null, recommendations: Recommendation[]): ReportInput {
  const { discovery, performance } = analysis;
  const zero = { min: 0, median: 0, mean: 0, p90: 0, max: 0 };
  return {
    title,
    generatedAt,
    summary: {
      cases: discovery.cases,
      events: discovery.events,
      activities: discovery.activities.length,
      variants: discovery.variants.total,
      dataQualityScore: loading?.dataQualityScore ?? null,
    },
    processMap: { activities: discovery.activities, edges: discovery.dfg, startActivities: toCounts(discovery.startActivities), endActivities: toCounts(discovery.endActivities) },
    variants: discovery.variants,
    caseDurations: performance.caseDurations ?? zero,
    // An activity's own waiting (or sojourn) time: the map shows it as a loop on the activity.
    bottlenecks: performance.bottlenecks.map((b) => ({
      from: b.activity,
      to: b.activity,
      frequency: b.measuredOccurrences,
      meanDurationMs: b.meanSeconds * 1000,
      medianDurationMs: b.medianSeconds * 1000,
      severity: b.share === null ? null : `${(b.share * 100).toFixed(1)}% of case time (${b.measure})`,
    })),
    ...(analysis.anomalies ? { anomalies: analysis.anomalies } : {}),
    recommendations,
  };
}

interface Rendered {
  name: string;
  type: ArtifactRecord['type'];
  format: string;
  file: string;
  contentType: string;
  description: string;
  body: () => Promise<Buffer | string>;
}

/** Renders the requested formats and stores each one as an artifact of the job. */
export async function renderArtifacts(context: PhaseContext, analysis: StoredAnalysis, input: ReportInput, formats: readonly string[], options: { visualizations: boolean }): Promise<ArtifactRecord[]> {
  const wanted = new Set(formats);
  const candidates: Rendered[] = [];
  if (wanted.has('SVG') || options.visualizations) {
    candidates.push({ name: 'Process Model Visualization', type: 'Visualization', format: 'SVG', file: 'reports/process-map.svg', contentType: 'image/svg+xml', description: 'Process map of the directly-follows graph, edges by frequency', body: async () => (await renderProcessMapSvg(input.processMap)).svg });
  }
  if (wanted.has('CSV') && analysis.anomalies) {
    candidates.push({ name: 'Anomaly Detection Results', type: 'Dataset', format: 'CSV', file: 'reports/anomalies.csv', contentType: 'text/csv', description: 'Every anomalous case with its rule, severity, score and reason', body: async () => renderAnomaliesCsv(analysis.anomalies!) });
  }
  if (wanted.has('PDF')) {
    candidates.push({ name: 'Process Mining Analysis Report', type: 'Report', format: 'PDF', file: 'reports/report.pdf', contentType: 'application/pdf', description: 'Summary, process map, tables and recommendations', body: () => renderPdfReport(input) });
  }
  if (wanted.has('PowerPoint')) {
    candidates.push({ name: 'Executive Summary', type: 'Report', format: 'PowerPoint', file: 'reports/report.pptx', contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', description: 'Key figures, process map and recommendations as slides', body: () => renderPptxReport(input) });
  }
  if (wanted.has('PNML')) {
    candidates.push(
      { name: 'Alpha Miner Petri Net', type: 'Model', format: 'PNML', file: 'models/alpha-net.pnml', contentType: 'application/xml', description: 'Petri net discovered by the Alpha Miner', body: async () => toPnml(analysis.alphaNet) },
      { name: 'Heuristics Miner Petri Net', type: 'Model', format: 'PNML', file: 'models/heuristics-net.pnml', contentType: 'application/xml', description: 'Petri net of the Heuristics Miner net', body: async () => toPnml(analysis.heuristicsNet) },
    );
  }
  const artifacts: ArtifactRecord[] = [];
  for (const candidate of candidates) {
    const body = await candidate.body();
    const key = context.jobObjectKey(candidate.file);
    await context.objects.write(key, body, candidate.contentType);
    artifacts.push({
      name: candidate.name,
      type: candidate.type,
      format: candidate.format,
      key,
      sizeBytes: typeof body === 'string' ? Buffer.byteLength(body) : body.length,
      contentType: candidate.contentType,
      description: candidate.description,
    });
    context.log('INFO', `Generated ${candidate.format} artifact`, { name: candidate.name, file: candidate.file });
  }
  return artifacts;
}
