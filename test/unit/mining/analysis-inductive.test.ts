import { beforeAll, describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import { discoverInductive, INDUCTIVE_MAX_ACTIVITIES } from '../../../functions/mining/analysis/discover-inductive.ts';
import { discoverProcess, type ProcessDiscoveryResult } from '../../../functions/mining/analysis/discover-process.ts';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { recommendationsOf, renderReports, reportInputOf, type AnalysisDocuments } from '../../../functions/mining/analysis/analysis-report.ts';
import { inductiveReferenceLogs, logOfTraces, readDataset } from './helpers.ts';

describe('discovery with the Inductive Miner', () => {
  const reference = inductiveReferenceLogs().find((r) => r.name === 'running-example')!.variants;
  let result: ProcessDiscoveryResult;
  let documents: AnalysisDocuments;
  beforeAll(async () => {
    const { log } = await readDataset('running-example.xes', 'xes');
    result = discoverProcess(log);
    documents = {
      discovery: result.discovery,
      performance: analysePerformance(log),
      behaviour: null,
      anomalies: null,
      alphaNet: result.alphaNet,
      heuristicsNet: result.heuristicsPetriNet,
      inductiveNet: result.inductivePetriNet,
      inductiveBpmn: result.inductiveBpmn,
    };
  });

  it('reports the tree, the net, the BPMN size and the fitness in details.discovery.inductive', () => {
    expect(result.discovery.inductive).toEqual({
      variant: 'IM',
      noiseThreshold: 0,
      processTree: reference.IM.processTree,
      petriNet: reference.IM.petriNet,
      bpmn: reference.IM.bpmn,
      fitness: { logFitness: 1, averageTraceFitness: 1, fittingTraces: 6, percentageFittingTraces: 100 },
      replayed: { scope: 'all', variantsReplayed: 6, variantsInLog: 6, casesReplayed: 6, casesInLog: 6 },
      alignments: null,
      alignmentsSkipped: 'not computed: algorithmSettings.performanceOptimization is not "high_accuracy"',
    });
    expect(result.warnings).toEqual([]);
  });

  it('exports the workflow net as PNML and the BPMN model with the models', async () => {
    const input = reportInputOf(documents, 'running example', '2026-01-01T00:00:00.000Z', null, recommendationsOf(documents, null));
    const artifacts = await renderReports(documents, input, ['PNML'], { visualizations: false });
    // The default algorithm (inductive) puts the Inductive Miner's models first.
    expect(artifacts.map((a) => a.file)).toEqual(['models/inductive-net.pnml', 'models/inductive.bpmn', 'models/alpha-net.pnml', 'models/heuristics-net.pnml']);
    const bpmn = artifacts.find((a) => a.format === 'BPMN')!;
    expect((await new BpmnModdle().fromXML(String(bpmn.body))).warnings).toEqual([]);
    expect(String(artifacts[0]!.body).match(/<transition /g)).toHaveLength(reference.IM.petriNet.transitions);
    // Analyses stored before the Inductive Miner have no such models: the other artifacts still render.
    const older = await renderReports({ ...documents, inductiveNet: undefined, inductiveBpmn: undefined }, input, ['PNML'], { visualizations: false });
    expect(older).toHaveLength(2);
  });

  it('draws the BPMN model as SVG with the visualizations', async () => {
    const input = reportInputOf(documents, 'running example', '2026-01-01T00:00:00.000Z', null, []);
    const artifacts = await renderReports(documents, input, ['SVG'], { visualizations: true });
    expect(artifacts.map((a) => a.file)).toEqual(['reports/process-map.svg', 'reports/inductive-bpmn.svg']);
    const svg = String(artifacts[1]!.body);
    const { nodes, flows } = result.inductiveBpmn!;
    expect(svg.match(/<polyline /g)).toHaveLength(flows.length);
    expect(svg.match(/<rect x=/g)).toHaveLength(nodes.filter((n) => n.kind === 'task').length);
    expect(svg.match(/<polygon /g)).toHaveLength(nodes.filter((n) => n.kind.endsWith('Gateway')).length);
    expect(svg).toContain('>register request<');
  });

  it('runs IMf on request', async () => {
    const { log } = await readDataset('running-example.xes', 'xes');
    expect(discoverProcess(log, { noiseThreshold: 0.2 }).discovery.inductive).toMatchObject({ variant: 'IMf', noiseThreshold: 0.2, processTree: reference.IMf.processTree });
  });

  it('skips logs with more activities than a tree can show, saying why', async () => {
    const log = await logOfTraces(Array.from({ length: INDUCTIVE_MAX_ACTIVITIES + 1 }, (_, i) => [`a${i}`]));
    expect(discoverInductive(log)).toEqual({ models: null, skipped: `Inductive Miner skipped: ${INDUCTIVE_MAX_ACTIVITIES + 1} activities, more than ${INDUCTIVE_MAX_ACTIVITIES}` });
  });
});
