import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { analyseBehaviour } from '../../../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { HIGH_THROUGHPUT_REPLAY, modelOrder } from '../../../functions/mining/analysis/analysis-options.ts';
import { recommendationsOf, renderReports, reportInputOf, type AnalysisDocuments } from '../../../functions/mining/analysis/analysis-report.ts';
import { discoverProcess } from '../../../functions/mining/analysis/discover-process.ts';
import { replaySample } from '../../../functions/mining/analysis/replay-sample.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { renderPdfReport } from '../../../functions/mining/report/pdf-report.ts';
import { renderProcessMapSvg } from '../../../functions/mining/report/process-map-svg.ts';
import { logOfTraces, readDataset } from './helpers.ts';

describe('analysis switches in the mining layer', () => {
  let log: EventLog;
  beforeAll(async () => {
    ({ log } = await readDataset('running-example.xes', 'xes'));
  });

  it('puts the requested model first and records the algorithm', () => {
    expect(modelOrder('heuristics')).toEqual(['heuristics', 'inductive', 'alpha']);
    const result = discoverProcess(log, { algorithm: 'heuristics', primaryModel: 'heuristics' });
    expect(result.discovery).toMatchObject({ algorithm: 'heuristics', primaryModel: 'heuristics', skipped: [] });
    // Every miner still runs: the Heuristics net is the replay model.
    expect(result.discovery.inductive).not.toBeNull();
  });

  it('runs IMf with the noise threshold of inductive_infrequent', () => {
    const result = discoverProcess(log, { algorithm: 'inductive_infrequent', primaryModel: 'inductive', noiseThreshold: 0.2 });
    expect(result.discovery.inductive).toMatchObject({ variant: 'IMf', noiseThreshold: 0.2 });
  });

  it('lists no variants without variant analysis, counting them for complexity and saying why', () => {
    const on = discoverProcess(log);
    const off = discoverProcess(log, { variantAnalysis: false });
    expect(on.discovery.variants?.top.length).toBe(6);
    expect(off.discovery.variants).toBeNull();
    expect(off.discovery.variantCount).toBe(6);
    expect(off.discovery.complexity).toEqual(on.discovery.complexity);
    expect(off.discovery.skipped).toEqual([{ work: 'variantAnalysis', parameter: 'enableVariantAnalysis', reason: 'not computed: enableVariantAnalysis is false' }]);
  });

  it('samples the most frequent variants under high_throughput', async () => {
    // 10 cases of a,b,c; 5 of a,c,b; 1 each of three rare variants: 80% of 18 cases are covered by the first two.
    const traces = [...Array(10).fill(['a', 'b', 'c']), ...Array(5).fill(['a', 'c', 'b']), ['a', 'x'], ['a', 'y'], ['a', 'z']] as string[][];
    const skewed = await logOfTraces(traces);
    const { log: sample, coverage } = replaySample(skewed, HIGH_THROUGHPUT_REPLAY);
    expect(coverage).toEqual({ scope: 'sample', variantsReplayed: 2, variantsInLog: 5, casesReplayed: 15, casesInLog: 18 });
    expect(sample.caseIds).toHaveLength(15);
    expect(sample.activityCodes).toHaveLength(45);
    expect(replaySample(skewed, { mode: 'all' }).log).toBe(skewed);

    const model = discoverProcess(skewed).heuristicsPetriNet;
    const all = analyseBehaviour(skewed, model, { anomalies: true, predictions: false });
    const sampled = analyseBehaviour(skewed, model, { anomalies: true, predictions: false, replay: HIGH_THROUGHPUT_REPLAY });
    expect(all.conformance).toMatchObject({ cases: 18, replayed: { scope: 'all', casesReplayed: 18 } });
    expect(sampled.conformance).toMatchObject({ cases: 15, replayed: { scope: 'sample', casesReplayed: 15, variantsReplayed: 2 } });
    // The rare variants are not replayed, so none of them is a model deviation; rare-variant anomalies still cover the whole log.
    const deviating = (a: NonNullable<typeof all.anomalies>) => a.filter((x) => x.rule === 'LowReplayFitness').map((x) => x.caseId);
    expect(deviating(sampled.anomalies!).every((id) => sample.caseIds.includes(id))).toBe(true);
    expect(sampled.anomalies!.filter((x) => x.rule === 'RareVariant')).toHaveLength(all.anomalies!.filter((x) => x.rule === 'RareVariant').length);
  });

  it('leaves anomalies and predictions out when they are off', () => {
    const model = discoverProcess(log).heuristicsPetriNet;
    const off = analyseBehaviour(log, model, { anomalies: false, predictions: false });
    expect(off.anomalies).toBeNull();
    expect(off.predictions).toBeNull();
    expect(analyseBehaviour(log, model, { anomalies: true, predictions: true }).anomalies).not.toBeNull();
  });

  it('finds no bottlenecks when bottleneck detection is off, and recommends nothing from them', () => {
    const discovery = discoverProcess(log);
    const documents = (performance: ReturnType<typeof analysePerformance>, switches?: AnalysisDocuments['switches']): AnalysisDocuments => ({
      discovery: discovery.discovery,
      performance,
      behaviour: null,
      anomalies: null,
      alphaNet: discovery.alphaNet,
      heuristicsNet: discovery.heuristicsPetriNet,
      switches: switches ?? null,
    });
    const on = analysePerformance(log);
    const off = analysePerformance(log, 5, { bottlenecks: false });
    expect(on.bottlenecks!.length).toBeGreaterThan(0);
    expect(off.bottlenecks).toBeNull();
    const categories = (d: AnalysisDocuments) => recommendationsOf(d, null).map((r) => r.category);
    expect(categories(documents(on))).toContain('Process Optimization');
    expect(categories(documents(off))).not.toContain('Process Optimization');
    // generateOptimizationRecommendations: false drops the process changes; generateInsights: false drops everything.
    const loading = { recordsLoaded: 100, errorRecords: 10, inferredTimestamps: 10, dataQualityScore: 95 };
    expect(recommendationsOf(documents(on, { insights: true, optimizationRecommendations: false }), loading).map((r) => r.category)).toEqual(['Data Quality']);
    expect(recommendationsOf(documents(on, { insights: false, optimizationRecommendations: true }), loading)).toEqual([]);
  });

  it('orders the model artifacts by the primary model', async () => {
    const result = discoverProcess(log, { algorithm: 'alpha_miner_enhanced', primaryModel: 'alpha' });
    const documents: AnalysisDocuments = {
      discovery: result.discovery,
      performance: analysePerformance(log),
      behaviour: null,
      anomalies: null,
      alphaNet: result.alphaNet,
      heuristicsNet: result.heuristicsPetriNet,
      inductiveNet: result.inductivePetriNet,
      inductiveBpmn: result.inductiveBpmn,
    };
    const input = reportInputOf(documents, 'alpha first', '2026-01-01T00:00:00.000Z', null, []);
    const artifacts = await renderReports(documents, input, ['PNML'], { visualizations: false });
    expect(artifacts.map((a) => a.file)).toEqual(['models/alpha-net.pnml', 'models/inductive-net.pnml', 'models/inductive.bpmn', 'models/heuristics-net.pnml']);
  });
});

describe('rendering every format at once', () => {
  it('lays the process map out once and gives the same PDF and map as rendering each alone', async () => {
    const { log } = await readDataset('running-example.xes', 'xes');
    const result = discoverProcess(log);
    const behaviour = analyseBehaviour(log, result.heuristicsPetriNet, { anomalies: true, predictions: false });
    const documents: AnalysisDocuments = {
      discovery: result.discovery,
      performance: analysePerformance(log),
      behaviour,
      anomalies: behaviour.anomalies,
      alphaNet: result.alphaNet,
      heuristicsNet: result.heuristicsPetriNet,
      inductiveNet: result.inductivePetriNet,
      inductiveBpmn: result.inductiveBpmn,
    };
    const input = reportInputOf(documents, 'all formats', '2026-01-01T00:00:00.000Z', null, recommendationsOf(documents, null));
    const layouts = vi.spyOn(Graphviz.prototype, 'dot');
    const artifacts = await renderReports(documents, input, ['SVG', 'PDF', 'PowerPoint'], { visualizations: true });
    expect(layouts).toHaveBeenCalledTimes(1);
    layouts.mockRestore();
    const body = (file: string) => artifacts.find((a) => a.file === file)!.body;
    expect(body('reports/process-map.svg')).toBe((await renderProcessMapSvg(input.processMap)).svg);
    expect((body('reports/report.pdf') as Buffer).equals(await renderPdfReport(input))).toBe(true);
  });
});
