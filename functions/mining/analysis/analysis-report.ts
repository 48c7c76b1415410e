import type { BehaviourAnalysis } from './analyse-behaviour.ts';
import type { PerformanceAnalysis } from './analyse-performance.ts';
import { modelOrder, type AnalysisSwitches, type ModelKind } from './analysis-options.ts';
import type { ProcessDiscovery } from './discover-process.ts';
import { recommend, type Recommendation } from '../insights/recommendations.ts';
import type { Anomaly } from '../ml/anomalies.ts';
import { toBpmnXml, type BpmnModel } from '../models/bpmn.ts';
import type { PetriNet } from '../models/petri-net.ts';
import { toPnml } from '../models/pnml.ts';
import { subSteps, type ProgressHook } from '../progress.ts';
import { renderAnomaliesCsv, renderBpmnSvg, renderPdfReport, renderPptxReport, renderProcessMapSvg, type PdfReportOptions, type ProcessMapSvg, type ReportInput } from '../report/index.ts';

/** What an analysis produced, as the report stage reads it back. */
export interface AnalysisDocuments {
  discovery: ProcessDiscovery;
  performance: PerformanceAnalysis;
  behaviour: Pick<BehaviourAnalysis, 'conformance' | 'predictions'> | null;
  anomalies: Anomaly[] | null;
  alphaNet: PetriNet;
  heuristicsNet: PetriNet;
  /** The Inductive Miner's net and BPMN model; absent from analyses stored before it existed. */
  inductiveNet?: PetriNet | null;
  inductiveBpmn?: BpmnModel | null;
  /** The analysis's switches the report honours; absent from analyses stored before they existed (all on). */
  switches?: Pick<AnalysisSwitches, 'insights' | 'optimizationRecommendations'> | null;
}

/** Categories of recommendations that propose process changes (generateOptimizationRecommendations). */
const optimizationCategories = new Set<Recommendation['category']>(['Process Optimization', 'Rework']);

/** The loading stage's validation figures the report and recommendations use. */
export interface LoadingFigures {
  recordsLoaded: number;
  errorRecords: number;
  inferredTimestamps: number;
  dataQualityScore: number;
}

/** The recommendations the analysis asked for: none without insights, no process changes without optimization recommendations. */
export function recommendationsOf(analysis: AnalysisDocuments, loading: LoadingFigures | null): Recommendation[] {
  if (analysis.switches?.insights === false) return [];
  const all = recommend({
    bottlenecks: analysis.performance.bottlenecks ?? [],
    rework: analysis.performance.rework,
    dataQuality: loading
      ? { score: loading.dataQualityScore, errorRecords: loading.errorRecords, inferredTimestamps: loading.inferredTimestamps, recordsLoaded: loading.recordsLoaded }
      : null,
    conformance: analysis.behaviour?.conformance ?? null,
  });
  return analysis.switches?.optimizationRecommendations === false ? all.filter((r) => !optimizationCategories.has(r.category)) : all;
}

const toCounts = (record: Record<string, number>) => Object.entries(record).map(([name, count]) => ({ name, count }));

export function reportInputOf(analysis: AnalysisDocuments, title: string, generatedAt: string, loading: LoadingFigures | null, recommendations: Recommendation[]): ReportInput {
  const { discovery, performance } = analysis;
  return {
    title,
    generatedAt,
    summary: {
      cases: discovery.cases,
      events: discovery.events,
      activities: discovery.activities.length,
      variants: discovery.variants?.total ?? discovery.variantCount,
      dataQualityScore: loading?.dataQualityScore ?? null,
    },
    processMap: { activities: discovery.activities, edges: discovery.dfg, startActivities: toCounts(discovery.startActivities), endActivities: toCounts(discovery.endActivities) },
    // Without variant analysis the report lists no variants, only their number.
    variants: discovery.variants ?? { total: discovery.variantCount, top: [] },
    // Null (no timestamps, or no cases) is drawn as not available rather than as zeros.
    caseDurations: performance.caseDurations,
    // An activity's own waiting (or sojourn) time: the report shows it as from === to.
    bottlenecks: (performance.bottlenecks ?? []).map((b) => ({
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

export type ArtifactType = 'Report' | 'Visualization' | 'Dataset' | 'Model';

export interface RenderedArtifact {
  name: string;
  type: ArtifactType;
  format: string;
  /** Path under the job's prefix. */
  file: string;
  contentType: string;
  description: string;
  body: Buffer | string;
}

/**
 * Renders the requested export formats (SVG, CSV, PDF, PowerPoint, PNML); JSON is the results
 * document itself. The models export (PNML) also carries the Inductive Miner's BPMN model.
 */
export async function renderReports(
  analysis: AnalysisDocuments,
  input: ReportInput,
  formats: readonly string[],
  /** `pdf`: what the PDF report shows (a report type's layout: report/report-type.ts); by default everything. */
  options: { visualizations: boolean; progress?: ProgressHook; pdf?: PdfReportOptions },
): Promise<RenderedArtifact[]> {
  const wanted = new Set(formats);
  const out: RenderedArtifact[] = [];
  const planned = [
    ...(wanted.has('SVG') || options.visualizations ? ['Drawing the process map'] : []),
    ...(wanted.has('CSV') && analysis.anomalies ? ['Writing the anomalies CSV'] : []),
    ...(wanted.has('PDF') ? ['Rendering the PDF report'] : []),
    ...(wanted.has('PowerPoint') ? ['Rendering the PowerPoint summary'] : []),
    ...(wanted.has('PNML') ? ['Exporting the process models'] : []),
  ];
  const step = subSteps(options.progress, planned.length);
  let stepIndex = 0;
  const next = () => step.next(planned[stepIndex++]!);
  // One Graphviz layout for every format that shows the default map (it is most of the report's time).
  let defaultMap: Promise<ProcessMapSvg> | undefined;
  const mapOf = () => (defaultMap ??= renderProcessMapSvg(input.processMap));
  if (wanted.has('SVG') || options.visualizations) {
    next();
    const map = await mapOf();
    out.push({ name: 'Process Model Visualization', type: 'Visualization', format: 'SVG', file: 'reports/process-map.svg', contentType: 'image/svg+xml', description: map.title, body: map.svg });
    if (analysis.inductiveBpmn) {
      out.push({
        name: 'Inductive Miner BPMN Diagram',
        type: 'Visualization',
        format: 'SVG',
        file: 'reports/inductive-bpmn.svg',
        contentType: 'image/svg+xml',
        description: 'The Inductive Miner process tree drawn as BPMN',
        body: renderBpmnSvg(analysis.inductiveBpmn),
      });
    }
  }
  if (wanted.has('CSV') && analysis.anomalies) {
    next();
    out.push({
      name: 'Anomaly Detection Results',
      type: 'Dataset',
      format: 'CSV',
      file: 'reports/anomalies.csv',
      contentType: 'text/csv',
      description: 'Every anomalous case with its rule, severity, score and reason',
      body: renderAnomaliesCsv(analysis.anomalies),
    });
  }
  if (wanted.has('PDF')) {
    next();
    out.push({ name: 'Process Mining Analysis Report', type: 'Report', format: 'PDF', file: 'reports/report.pdf', contentType: 'application/pdf', description: 'Summary, process map, tables and recommendations', body: await renderPdfReport(input, options.pdf?.processMap === undefined ? { ...options.pdf, map: await mapOf() } : options.pdf) });
  }
  if (wanted.has('PowerPoint')) {
    next();
    out.push({
      name: 'Executive Summary',
      type: 'Report',
      format: 'PowerPoint',
      file: 'reports/report.pptx',
      contentType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
      description: 'Key figures, process map and recommendations as slides',
      body: await renderPptxReport(input, { map: await mapOf() }),
    });
  }
  if (wanted.has('PNML')) {
    next();
    const tree = analysis.discovery.inductive?.processTree;
    const nets: Record<ModelKind, RenderedArtifact[]> = {
      alpha: [{ name: 'Alpha Miner Petri Net', type: 'Model', format: 'PNML', file: 'models/alpha-net.pnml', contentType: 'application/xml', description: 'Petri net discovered by the Alpha Miner', body: toPnml(analysis.alphaNet) }],
      heuristics: [{ name: 'Heuristics Miner Petri Net', type: 'Model', format: 'PNML', file: 'models/heuristics-net.pnml', contentType: 'application/xml', description: 'Petri net of the Heuristics Miner net (PM4Py default thresholds)', body: toPnml(analysis.heuristicsNet) }],
      inductive: [
        ...(analysis.inductiveNet
          ? [{ name: 'Inductive Miner Petri Net', type: 'Model' as const, format: 'PNML', file: 'models/inductive-net.pnml', contentType: 'application/xml', description: `Sound workflow net of the process tree ${tree ?? ''}`.trim(), body: toPnml(analysis.inductiveNet) }]
          : []),
        ...(analysis.inductiveBpmn
          ? [{ name: 'Inductive Miner BPMN Model', type: 'Model' as const, format: 'BPMN', file: 'models/inductive.bpmn', contentType: 'application/xml', description: 'BPMN 2.0 process with diagram of the Inductive Miner process tree', body: toBpmnXml(analysis.inductiveBpmn) }]
          : []),
      ],
    };
    // The model the request's algorithm chose comes first.
    for (const kind of modelOrder(analysis.discovery.primaryModel ?? 'inductive')) out.push(...nets[kind]);
  }
  step.end('Reports rendered');
  return out;
}
