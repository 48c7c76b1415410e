import { describe, expect, it } from 'vitest';
import { projectConcurrency } from '../../../functions/mining/discovery/inductive/cuts/concurrency.ts';
import { inductiveMiner, inductiveMinerOfVariants, InductiveMinerOptionError } from '../../../functions/mining/discovery/inductive/inductive-miner.ts';
import {
  canonicalTreeString,
  parseProcessTree,
  ProcessTreeSyntaxError,
  treeToString,
} from '../../../functions/mining/discovery/inductive/process-tree.ts';
import { traceOf, VariantLog } from '../../../functions/mining/discovery/inductive/variant-log.ts';
import { logOfTraces } from './helpers.ts';

/** A variant log over single-letter activities (codes in name order), traces given as strings. */
function variantsOf(traces: Record<string, number>): { names: string[]; log: VariantLog } {
  const names = [...new Set(Object.keys(traces).join(''))].sort();
  const log = new VariantLog();
  for (const [trace, count] of Object.entries(traces)) log.add(traceOf([...trace].map((a) => names.indexOf(a))), count);
  return { names, log };
}

const im = async (traces: string[][], noiseThreshold = 0) => inductiveMiner(await logOfTraces(traces), { noiseThreshold }).treeString;

describe('process tree strings', () => {
  it("prints and parses PM4Py's form", () => {
    const text = "->( 'a', X( tau, 'b c' ), *( +( 'd', 'e' ), tau ) )";
    expect(treeToString(parseProcessTree(text))).toBe(text);
    expect(treeToString(parseProcessTree('a'))).toBe('a');
    expect(treeToString(parseProcessTree('tau'))).toBe('tau');
    expect(() => parseProcessTree("->( 'a', ")).toThrow(ProcessTreeSyntaxError);
  });

  it('compares trees up to the order of the children of X and + only', () => {
    const canonical = (text: string) => canonicalTreeString(parseProcessTree(text));
    expect(canonical("X( 'a', +( 'b', 'c' ) )")).toBe(canonical("X( +( 'c', 'b' ), 'a' )"));
    expect(canonical("->( 'a', 'b' )")).not.toBe(canonical("->( 'b', 'a' )"));
    expect(canonical("*( 'a', 'b' )")).not.toBe(canonical("*( 'b', 'a' )"));
    expect(canonical("X( 'a', tau )")).not.toBe(canonical("+( 'a', tau )"));
  });
});

describe('Inductive Miner cuts and base cases', () => {
  it('finds each cut', async () => {
    expect(await im([['a']])).toBe('a');
    expect(await im([['a', 'b', 'c']])).toBe("->( 'a', 'b', 'c' )");
    expect(await im([['a', 'b'], ['c', 'd']])).toBe("X( ->( 'a', 'b' ), ->( 'c', 'd' ) )");
    expect(await im([['a', 'b', 'c'], ['c', 'b', 'a'], ['b', 'c', 'a'], ['a', 'c', 'b']])).toBe("+( 'a', 'c', 'b' )");
    expect(await im([['a'], ['a', 'b', 'a']])).toBe("*( 'a', 'b' )");
  });

  it('makes skippable parts optional (strict sequence cut)', async () => {
    expect(await im([['a', 'b', 'c'], ['a', 'c']])).toBe("->( 'a', X( tau, 'b' ), 'c' )");
    expect(await im([['x', 'a', 'b', 'y'], ['x', 'b', 'a', 'y'], ['x', 'y']])).toBe("->( 'x', X( tau, +( 'a', 'b' ) ), 'y' )");
  });

  it('turns empty traces of a sub-log into a choice with tau', () => {
    expect(inductiveMinerOfVariants(variantsOf({ '': 1, a: 9 })).treeString).toBe("X( tau, 'a' )");
    expect(inductiveMinerOfVariants(variantsOf({ '': 3 })).treeString).toBe('tau');
  });

  it('falls through when no cut holds', async () => {
    // Tau loops: a repeats with nothing in between.
    expect(await im([['a', 'a']])).toBe("*( 'a', tau )");
    // An activity once per trace runs in parallel with the rest.
    expect(await im([['a', 'b'], ['b', 'a', 'b']])).toBe("+( 'a', *( 'b', tau ) )");
    expect(await im([['a', 'b', 'c', 'd'], ['d', 'a', 'b'], ['a', 'd', 'c'], ['b', 'c', 'd']])).toBe(
      "+( 'd', ->( X( tau, 'a' ), X( tau, 'b' ), X( tau, 'c' ) ) )",
    );
  });
});

describe('IMf', () => {
  it('mines the filtered DFG when the log has no cut', async () => {
    const traces = [...Array.from({ length: 50 }, () => ['a', 'b', 'c', 'd']), ['a', 'd', 'b', 'c']];
    // IM keeps the rare d-before-b and makes b, c, d parallel; IMf drops d→b (1 against d's 50 endings).
    expect(await im(traces)).toBe("->( 'a', +( 'c', 'd', 'b' ) )");
    expect(await im(traces, 0.2)).toBe("->( 'a', 'b', 'c', 'd' )");
  });

  it('ignores empty traces up to the noise threshold', () => {
    expect(inductiveMinerOfVariants(variantsOf({ '': 1, a: 9 }), { noiseThreshold: 0.2 }).treeString).toBe('a');
    expect(inductiveMinerOfVariants(variantsOf({ '': 3, a: 7 }), { noiseThreshold: 0.2 }).treeString).toBe("X( tau, 'a' )");
  });

  it('refuses a threshold outside [0, 1]', async () => {
    const log = await logOfTraces([['a']]);
    expect(() => inductiveMiner(log, { noiseThreshold: 1.5 })).toThrow(InductiveMinerOptionError);
    expect(() => inductiveMiner(log, { noiseThreshold: Number.NaN })).toThrow(InductiveMinerOptionError);
  });

  it("keeps PM4Py's concurrency projection, where the last trace sets a sub-trace's count", () => {
    const { log } = variantsOf({ ab: 5, ba: 2, abb: 1 });
    const [a, b] = projectConcurrency(log, [[0], [1]], 2);
    expect(a!.traces.map((t, i) => [t.length, a!.counts[i]])).toEqual([[1, 1]]);
    expect(b!.traces.map((t, i) => [t.length, b!.counts[i]])).toEqual([
      [1, 2],
      [2, 1],
    ]);
  });
});
