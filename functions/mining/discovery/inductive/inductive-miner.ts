import type { EventLog } from '../../log/event-log.ts';
import { baseCase } from './base-cases.ts';
import { fallThrough } from './fall-throughs.ts';
import { findCut } from './find-cut.ts';
import { foldTree } from './fold.ts';
import { dfgOf, filterDfgNoise, type InductiveDfg } from './inductive-dfg.ts';
import { node, tau, treeToString, type ProcessTree, type TreeOperator } from './process-tree.ts';
import { sortTree } from './tree-sort.ts';
import { primeVariantLogs, variantLogOf, type VariantLog, type VariantLogOfEvents } from './variant-log.ts';

export interface InductiveMinerOptions {
  /**
   * PM4Py's `noise_threshold`: 0 runs IM, above 0 IMf, which drops directly-follows edges
   * weaker than this share of their source's strongest outgoing edge when no cut is found,
   * and ignores empty traces when they are at most this share of the cases. Default 0.
   */
  noiseThreshold?: number;
}

export interface InductiveMinerResult {
  tree: ProcessTree;
  /** PM4Py's string form of the tree. */
  treeString: string;
  variant: 'IM' | 'IMf';
  noiseThreshold: number;
}

const PRIMED_FROM_EVENTS = 50_000;

export class InductiveMinerOptionError extends Error {
  override readonly name = 'InductiveMinerOptionError';
}

/**
 * The Inductive Miner (Leemans) as PM4Py 2.7 implements it (`discover_process_tree_inductive`):
 * IM for noise threshold 0, IMf above it. The tree is folded and its `X`/`+` children sorted
 * as PM4Py does, so its string is PM4Py's.
 */
export function inductiveMiner(log: EventLog, options: InductiveMinerOptions = {}): InductiveMinerResult {
  return inductiveMinerOfVariants(variantLogOf(log), options);
}

export function inductiveMinerOfVariants(input: VariantLogOfEvents, options: InductiveMinerOptions = {}): InductiveMinerResult {
  const noiseThreshold = options.noiseThreshold ?? 0;
  if (!(noiseThreshold >= 0 && noiseThreshold <= 1)) throw new InductiveMinerOptionError(`noiseThreshold must be between 0 and 1, got ${noiseThreshold}`);
  // Priming pays off where a projection runs long enough to be compiled mid-way.
  if (input.log.end > PRIMED_FROM_EVENTS) primeVariantLogs();
  const miner = new Miner(input.names, noiseThreshold);
  const raw = noiseThreshold > 0 ? miner.imf(input.log)! : miner.im(input.log);
  const tree = sortTree(foldTree(raw));
  return { tree, treeString: treeToString(tree), variant: noiseThreshold > 0 ? 'IMf' : 'IM', noiseThreshold };
}

class Miner {
  readonly #alphabetSize: number;

  constructor(
    private readonly names: readonly string[],
    private readonly noiseThreshold: number,
  ) {
    this.#alphabetSize = names.length;
  }

  /** PM4Py IMUVCL.apply. */
  im(log: VariantLog): ProcessTree {
    if (log.emptyTrace >= 0) {
      const rest = log.withoutEmptyTrace();
      return rest.size === 0 ? tau() : node('X', [tau(), this.im(rest)]);
    }
    const base = baseCase(log, this.names);
    if (base !== null) return base;
    const cut = findCut(log, this.#dfg(log), this.#alphabetSize);
    if (cut !== null) return this.#children(cut.operator, cut.logs, (l) => this.im(l));
    const fall = fallThrough(log, this.#dfg(log), this.#alphabetSize);
    return this.#children(fall.operator, fall.logs, (l) => this.im(l));
  }

  /**
   * PM4Py IMFUVCL.apply: when no cut holds, a second attempt on the noise-filtered DFG (the
   * log itself unfiltered), then the fall-throughs. The second attempt answers null when it
   * finds no cut.
   */
  imf(input: VariantLog, filtered: InductiveDfg | null = null): ProcessTree | null {
    let log = input;
    if (log.emptyTrace >= 0) {
      const rest = log.withoutEmptyTrace();
      if (rest.size > 0) {
        const all = log.totalCases();
        if (all - rest.totalCases() > this.noiseThreshold * all) return node('X', [tau(), this.imf(rest)!]);
        log = rest;
      }
    }
    const base = baseCase(log, this.names);
    if (base !== null) return base;
    const cut = findCut(log, filtered ?? this.#dfg(log), this.#alphabetSize, filtered === null);
    if (cut !== null) return this.#children(cut.operator, cut.logs, (l) => this.imf(l)!);
    if (filtered !== null) return null;
    const second = this.imf(log, filterDfgNoise(this.#dfg(log), this.noiseThreshold));
    if (second !== null) return second;
    const fall = fallThrough(log, this.#dfg(log), this.#alphabetSize);
    return this.#children(fall.operator, fall.logs, (l) => this.imf(l)!);
  }

  #children(operator: TreeOperator, logs: VariantLog[], mine: (log: VariantLog) => ProcessTree): ProcessTree {
    return node(operator, logs.map(mine));
  }

  // A log's DFG is needed once for the cuts and again by IMf's filter: kept with the log
  // (rather than in a WeakMap, an entry per sub-log for the GC to trace).
  #dfg(log: VariantLog): InductiveDfg {
    return (log.knownDfg ??= dfgOf(log, this.#alphabetSize));
  }
}
