import { beforeAll, describe, expect, it } from 'vitest';
import { BpmnModdle } from 'bpmn-moddle';
import { replayNetOf } from '../../../functions/mining/ml/replay-net.ts';
import { inductiveMiner, inductiveMinerOfVariants, type InductiveMinerResult } from '../../../functions/mining/discovery/inductive/inductive-miner.ts';
import { canonicalTreeString, parseProcessTree } from '../../../functions/mining/discovery/inductive/process-tree.ts';
import { processTreeToBpmn } from '../../../functions/mining/discovery/inductive/tree-to-bpmn.ts';
import { processTreeToPetriNet } from '../../../functions/mining/discovery/inductive/tree-to-petri-net.ts';
import { traceOf, variantLogOf, VariantLog } from '../../../functions/mining/discovery/inductive/variant-log.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { toBpmnXml } from '../../../functions/mining/models/bpmn.ts';
import { toPnml } from '../../../functions/mining/models/pnml.ts';
import { tokenReplay } from '../../../functions/mining/ml/token-replay.ts';
import { inductiveReferenceLogs, readDataset } from './helpers.ts';

const sameTree = (tree: string) => canonicalTreeString(parseProcessTree(tree));

/**
 * PM4Py 2.7.11's IM (noise 0) and IMf (noise 0.2) on every shared log: the process tree, the
 * Petri net's size, the BPMN model's size and token-replay fitness
 * (`../shared/datasets/reference/inductive/<log>.json`).
 */
describe.each(inductiveReferenceLogs())('Inductive Miner on $name', ({ file, format, variants }) => {
  let log: EventLog;
  const mined: Partial<Record<'IM' | 'IMf', InductiveMinerResult>> = {};
  let imMs = 0;
  beforeAll(async () => {
    ({ log } = await readDataset(file, format));
    const started = performance.now();
    mined.IM = inductiveMiner(log, { noiseThreshold: variants.IM.noiseThreshold });
    imMs = performance.now() - started;
    mined.IMf = inductiveMiner(log, { noiseThreshold: variants.IMf.noiseThreshold });
  }, 60_000);

  it('mines IM quickly (PM4Py: 11.7 s on bpic2012; here about 0.1 s, cold, on a shared machine)', () => {
    expect(imMs).toBeLessThan(1_500);
  });

  describe.each(['IM', 'IMf'] as const)('%s', (variant) => {
    const reference = variants[variant];

    it("finds PM4Py's process tree, up to the order of the children of X and +", () => {
      expect(canonicalTreeString(mined[variant]!.tree)).toBe(sameTree(reference.processTree));
    });

    it("prints it as PM4Py does, children ordered by PM4Py's tree_sort", () => {
      expect(mined[variant]!.treeString).toBe(reference.processTree);
    });

    it("converts it to PM4Py's workflow net", () => {
      const { net, size } = processTreeToPetriNet(mined[variant]!.tree);
      expect(size).toEqual(reference.petriNet);
      const pnml = toPnml(net);
      expect(pnml.match(/<place id=/g)).toHaveLength(reference.petriNet.places);
      expect(pnml.match(/activity="\$invisible\$"/g) ?? []).toHaveLength(reference.petriNet.invisibleTransitions);
    });

    it('converts it to BPMN with PM4Py\'s nodes and flows, which bpmn-moddle reads without warnings', async () => {
      const model = processTreeToBpmn(mined[variant]!.tree);
      expect({ nodes: model.nodes.length, flows: model.flows.length }).toEqual(reference.bpmn);
      const { rootElement, warnings } = await new BpmnModdle().fromXML(toBpmnXml(model));
      expect(warnings).toEqual([]);
      const process = (rootElement as unknown as { rootElements: { $type: string; flowElements: { $type: string }[] }[] }).rootElements[0]!;
      expect(process.$type).toBe('bpmn:Process');
      expect(process.flowElements.filter((e) => e.$type === 'bpmn:SequenceFlow')).toHaveLength(reference.bpmn.flows);
    });

    // Replaying bpic2012 takes over a second; none of its references is 1.0 (the benchmark covers its speed).
    it.runIf(reference.tokenReplayFitness.log_fitness === 1 || (variants.IM.petriNet.transitions < 100 && file !== 'bpic2012.xes.gz'))(
      'replays the log with fitness 1.0 where PM4Py does, and close to PM4Py elsewhere',
      () => {
        const replay = tokenReplay(log, replayNetOf(processTreeToPetriNet(mined[variant]!.tree).net));
        const expected = reference.tokenReplayFitness;
        if (expected.log_fitness === 1) {
          expect(replay.logFitness).toBe(1);
          expect(replay.averageFitness).toBe(1);
          expect(replay.fittingCases).toBe(log.caseIds.length);
        } else {
          // PM4Py searches silent paths on the net's graph, we on its markings: we never do worse by more than 0.003 here.
          expect(Math.abs(replay.logFitness - expected.log_fitness)).toBeLessThan(0.003);
          expect(Math.abs(replay.averageFitness - expected.average_trace_fitness)).toBeLessThan(0.003);
        }
      },
    );
  });
});

describe('Inductive Miner inputs as PM4Py orders them', () => {
  it('interval_event_log: PM4Py mines the variants in completion order, as we do; start order would give another tree', async () => {
    const { log } = await readDataset('interval_event_log.csv', 'csv');
    const reference = inductiveReferenceLogs().find((r) => r.name === 'interval_event_log')!.variants.IM.processTree;
    expect(canonicalTreeString(inductiveMiner(log).tree)).toBe(sameTree(reference));

    // PM4Py's DFG of this log follows start timestamps (README); its Inductive Miner does not.
    const { names } = variantLogOf(log);
    const code = new Map(names.map((name, i) => [name, i]));
    const byStart = new VariantLog();
    for (let c = 0; c + 1 < log.caseOffsets.length; c++) {
      const events: number[] = [];
      for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e++) events.push(e);
      events.sort((x, y) => log.startTimestamps![x]! - log.startTimestamps![y]!);
      byStart.add(traceOf(events.map((e) => code.get(log.activities[log.activityCodes[e]!]!)!)), 1);
    }
    expect(canonicalTreeString(inductiveMinerOfVariants({ names, log: byStart }).tree)).not.toBe(sameTree(reference));
  });

  it('helpdesk: IMf needs the variants in order of the sorted case ids, as a PM4Py dataframe gives them', async () => {
    const { log } = await readDataset('helpdesk.xes.gz', 'xes.gz');
    const reference = inductiveReferenceLogs().find((r) => r.name === 'helpdesk')!.variants.IMf.processTree;
    const input = variantLogOf(log);
    expect(canonicalTreeString(inductiveMinerOfVariants(input, { noiseThreshold: 0.2 }).tree)).toBe(sameTree(reference));
    // PM4Py's concurrency projection keeps the count of the last trace projecting onto a
    // sub-trace, so IMf's filter sees different frequencies in another order.
    const reversed = new VariantLog();
    for (let v = input.log.size - 1; v >= 0; v--) reversed.add(input.log.traces[v]!, input.log.counts[v]!);
    expect(canonicalTreeString(inductiveMinerOfVariants({ names: input.names, log: reversed }, { noiseThreshold: 0.2 }).tree)).not.toBe(sameTree(reference));
  });
});
