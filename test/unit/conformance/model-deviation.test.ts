import { beforeAll, describe, expect, it } from 'vitest';
import { analyseBehaviour } from '../../../functions/mining/analysis/analyse-behaviour.ts';
import { discoverProcess } from '../../../functions/mining/analysis/discover-process.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { alignLog } from '../../../functions/mining/conformance/align-log.ts';
import { alignTrace } from '../../../functions/mining/conformance/align-trace.ts';
import { compileNet, replayNetOf } from '../../../functions/mining/ml/replay-net.ts';
import { netGraph } from '../../../functions/mining/conformance/net-graph.ts';
import { inductiveMiner } from '../../../functions/mining/discovery/inductive/inductive-miner.ts';
import { processTreeToPetriNet } from '../../../functions/mining/discovery/inductive/tree-to-petri-net.ts';
import { alignmentDeviations } from '../../../functions/mining/ml/anomalies.ts';
import { logOfTraces } from '../mining/helpers.ts';

// 12 cases a-b-c-d, 1 case a-b-x-c-d, 1 case a-c-d. IMf at 0.2 drops a→c (1 of 13 after a) and keeps x as optional.
const traces = [...Array.from({ length: 12 }, () => ['a', 'b', 'c', 'd']), ['a', 'b', 'x', 'c', 'd'], ['a', 'c', 'd']];

describe('alignments through discovery and the ModelDeviation rule', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await logOfTraces(traces);
  });

  it('does no alignment work unless asked (the default path), and says why', () => {
    const { discovery, inductiveAlignments } = discoverProcess(log, { noiseThreshold: 0.2 });
    expect(discovery.inductive!.alignments).toBeNull();
    expect(discovery.inductive!.alignmentsSkipped).toBe('not computed: algorithmSettings.performanceOptimization is not "high_accuracy"');
    expect(inductiveAlignments).toBeNull();
  });

  it('aligns in a discovery step of its own, reported to the progress hook, only when asked', () => {
    const steps = (alignments: boolean) => {
      const seen: string[] = [];
      discoverProcess(log, { noiseThreshold: 0.2, alignments, progress: (_done, _total, activity) => seen.push(activity) });
      return seen;
    };
    expect(steps(true)).toContain('Aligning the log on the Inductive net');
    expect(steps(true).indexOf('Aligning the log on the Inductive net')).toBe(steps(true).indexOf('Running the Inductive Miner') + 1);
    expect(steps(false)).not.toContain('Aligning the log on the Inductive net');
  });

  it("stops at the log's expansion budget and counts the variants it did not align", () => {
    const net = processTreeToPetriNet(inductiveMiner(log, { noiseThreshold: 0.2 }).tree).net;
    const full = alignLog(log, net)!.fitness;
    // The empty trace's search is not counted against the log's budget.
    const needed = full.expansions.total - alignTrace(netGraph(compileNet(replayNetOf(net)))!, []).expansions;
    expect(alignLog(log, net, { logBudget: needed })!.fitness).toEqual(full);
    const short = alignLog(log, net, { logBudget: needed - 1 })!.fitness;
    expect(short.variantsOverBudget).toBe(1);
    expect(short.variantsAligned).toBe(full.variantsAligned - 1);
    expect(short.casesAligned).toBeLessThan(full.casesAligned);
  });

  it("aligns the log on the IMf net when asked, with the deviating variants' moves", () => {
    const { discovery, inductiveAlignments, warnings } = discoverProcess(log, { noiseThreshold: 0.2, alignments: true });
    expect(discovery.inductive!.processTree).toBe("->( 'a', 'b', X( tau, 'x' ), 'c', 'd' )");
    const figures = discovery.inductive!.alignments!;
    // The empty trace: 4 visible model moves and the silent skip of x (40,001). a-b-c-d: the skip (1);
    // a-b-x-c-d: 0; a-c-d: a model move on b and the skip (10,001), fitness 1 - 1 / ((30,000 + 40,001) // 10,000).
    expect(figures).toMatchObject({ fittingTraces: 13, casesAligned: 14, variantsAligned: 3, variantsOverBudget: 0, emptyTraceCost: 40_001 });
    expect(figures.averageTraceFitness).toBeCloseTo((13 + (1 - 1 / 7)) / 14, 12);
    expect(figures.logFitness).toBeCloseTo(1 - (12 * 1 + 0 + 10_001) / (12 * 80_001 + 90_001 + 70_001), 12);
    expect(warnings).toEqual([]);
    expect(inductiveAlignments!.map((a) => ({ firstCaseId: a.firstCaseId, cases: a.cases, cost: a.cost, deviations: a.deviations }))).toEqual([
      { firstCaseId: 'c13', cases: 1, cost: 10_001, deviations: [{ kind: 'model', activity: 'b', event: 1 }] },
    ]);
  });

  it('reports one ModelDeviation per deviating case, naming the moves, next to the token-replay rules', () => {
    const { inductiveAlignments, heuristicsPetriNet } = discoverProcess(log, { noiseThreshold: 0.2, alignments: true });
    const deviations = alignmentDeviations(log, inductiveAlignments!);
    expect(deviations).toEqual([
      {
        caseId: 'c13',
        rule: 'ModelDeviation',
        reason: "alignment fitness 0.857 on the Inductive Miner's net: model move 'b' after event 1",
        score: 0.1429,
        severity: 'Low',
      },
    ]);
    const behaviour = analyseBehaviour(log, heuristicsPetriNet, { anomalies: true, predictions: false, alignments: inductiveAlignments });
    expect(behaviour.anomalies!.filter((a) => a.rule === 'ModelDeviation')).toEqual(deviations);
    const without = analyseBehaviour(log, heuristicsPetriNet, { anomalies: true, predictions: false });
    expect(without.anomalies!.filter((a) => a.rule === 'ModelDeviation')).toEqual([]);
    expect(behaviour.anomalies!.length).toBe(without.anomalies!.length + 1);
  });

  it('names log moves with their event and counts what it does not name', () => {
    const many = [
      {
        variant: 0,
        firstCaseId: 'c0',
        fitness: 0.25,
        deviations: Array.from({ length: 7 }, (_, i) => ({ kind: 'log' as const, activity: `y${i}`, event: i + 1 })),
      },
    ];
    expect(alignmentDeviations(log, many)[0]).toMatchObject({
      reason:
        "alignment fitness 0.250 on the Inductive Miner's net: log move 'y0' at event 1; log move 'y1' at event 2; log move 'y2' at event 3; log move 'y3' at event 4; log move 'y4' at event 5; 2 more",
      severity: 'High',
      score: 0.75,
    });
    expect(alignmentDeviations(log, many).length).toBe(12);
  });

  it('leaves out alignments stored for another log (the first case does not match)', () => {
    const { inductiveAlignments } = discoverProcess(log, { noiseThreshold: 0.2, alignments: true });
    expect(
      alignmentDeviations(
        log,
        inductiveAlignments!.map((a) => ({ ...a, firstCaseId: 'elsewhere' })),
      ),
    ).toEqual([]);
  });
});
