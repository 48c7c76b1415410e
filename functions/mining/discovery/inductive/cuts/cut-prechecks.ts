import type { InductiveDfg } from '../inductive-dfg.ts';

/** DFGs up to this many vertices get the pre-checks: a row of edges fits one 32-bit word. */
const WORD = 32;

/**
 * Exact pre-checks for the four cuts on small DFGs, from bit rows of the graph: whether each
 * cut's first step (the components its groups start from) yields more than one group, for
 * the loop cut whether a redo part survives. When not, the cut is null and its full test is
 * skipped; for the exclusive-choice and sequence cuts a yes is the answer itself. The cuts are tried on every
 * sub-log and on each candidate of the activity-concurrent fall-through (22 candidates on
 * bpic2012, none holding), mostly before V8 compiles them; each full test builds and scans
 * several k² matrices, where one k² scan here serves all four.
 */
export interface CutPrechecks {
  exclusiveChoice: boolean;
  sequence: boolean;
  concurrency: boolean;
  loop: boolean;
}

const ALL_POSSIBLE: CutPrechecks = { exclusiveChoice: true, sequence: true, concurrency: true, loop: true };
const NONE_POSSIBLE: CutPrechecks = { exclusiveChoice: false, sequence: false, concurrency: false, loop: false };

/** Which cuts may hold on `dfg` (false: certainly null); every cut may above 32 vertices. */
export function cutPrechecks(dfg: InductiveDfg): CutPrechecks {
  const k = dfg.acts.length;
  if (k > WORD) return ALL_POSSIBLE;
  if (k === 0) return NONE_POSSIBLE;
  const rows = new Int32Array(4 * k + 2);
  fillRows(dfg.edges, dfg.start, dfg.end, k, rows);
  return prechecksOfRows(rows, k, dfg.edgeCount > 0);
}

/**
 * Bit rows of a DFG over k vertices into `rows`: `rows[i]` the successors of i, `rows[k + i]`
 * its predecessors, `rows[4k]` the start and `rows[4k + 1]` the end activities; `[2k, 4k)` is
 * room for {@link prechecksOfRows}.
 */
export function fillRows(edges: Float64Array, start: Float64Array, end: Float64Array, k: number, rows: Int32Array): void {
  let starts = 0;
  let ends = 0;
  for (let i = 0; i < k; i++) {
    let row = 0;
    for (let j = 0; j < k; j++) {
      if (edges[i * k + j]! > 0) {
        row |= 1 << j;
        rows[k + j]! |= 1 << i;
      }
    }
    rows[i] = row;
    if (start[i]! > 0) starts |= 1 << i;
    if (end[i]! > 0) ends |= 1 << i;
  }
  rows[4 * k] = starts;
  rows[4 * k + 1] = ends;
}

/**
 * The pre-checks from bit rows (see {@link fillRows}; 0 < k <= 32). Small functions rather
 * than one: TurboFan compiled the single form, a few hundred calls deep, in 14-18 ms.
 */
export function prechecksOfRows(rows: Int32Array, k: number, hasEdges: boolean): CutPrechecks {
  const all = k === WORD ? -1 : ((1 << k) - 1) | 0;
  // Exclusive choice: components of the graph taken as undirected.
  for (let i = 0; i < k; i++) rows[2 * k + i] = rows[i]! | rows[k + i]!;
  const exclusiveChoice = severalComponents(rows, 2 * k, all);
  // Sequence: a and b together when each reaches the other or neither does.
  closeReach(rows, k, all);
  const sequence = severalComponents(rows, 2 * k, all);
  // Concurrency: together unless they directly follow each other both ways.
  for (let a = 0; a < k; a++) rows[2 * k + a] = ~(rows[a]! & rows[k + a]!) & all;
  const concurrency = severalComponents(rows, 2 * k, all);
  const loop = hasEdges && redoPartLeft(rows, k, all);
  return { exclusiveChoice, sequence, concurrency, loop };
}

/**
 * `rows[2k + a]`: the b with a reaching b (by one or more edges, closed as sequence.ts closes
 * it) exactly when b reaches a; `[3k, 4k)` holds the reachability meanwhile.
 */
function closeReach(rows: Int32Array, k: number, all: number): void {
  const reach = 3 * k;
  for (let i = 0; i < k; i++) {
    rows[reach + i] = rows[i]!;
    rows[2 * k + i] = 0;
  }
  for (let m = 0; m < k; m++) {
    const bit = 1 << m;
    const row = rows[reach + m]!;
    for (let i = 0; i < k; i++) if ((rows[reach + i]! & bit) !== 0) rows[reach + i]! |= row;
  }
  // Reached-by rows, then the agreement of both.
  for (let a = 0; a < k; a++) {
    for (let left = rows[reach + a]!; left !== 0; left &= left - 1) rows[2 * k + 31 - Math.clz32(left & -left)]! |= 1 << a;
  }
  for (let a = 0; a < k; a++) rows[2 * k + a] = ~(rows[reach + a]! ^ rows[2 * k + a]!) & all;
}

/**
 * Loop: the body is every start and end activity; the other activities' components (edges
 * either way among them) are redo parts, unless one of their activities is entered from a
 * start activity that is no end, leads into an end that is no start, leads to some start
 * activities but not all, or is entered from some end activities but not all (loop.ts merges
 * such a component into the body). Whether some redo part is left.
 */
function redoPartLeft(rows: Int32Array, k: number, all: number): boolean {
  const starts = rows[4 * k]!;
  const ends = rows[4 * k + 1]!;
  const inner = ~(starts | ends) & all;
  let merged = 0;
  for (let v = 0; v < k; v++) {
    if ((inner & (1 << v)) === 0) continue;
    const toStarts = rows[v]! & starts;
    const fromEnds = rows[k + v]! & ends;
    if ((rows[k + v]! & starts & ~ends) !== 0 || (rows[v]! & ends & ~starts) !== 0 || (toStarts !== 0 && toStarts !== starts) || (fromEnds !== 0 && fromEnds !== ends)) merged |= 1 << v;
  }
  let left = inner;
  while (left !== 0) {
    // The component of the lowest inner vertex left, among inner vertices.
    let part = left & -left;
    let frontier = part;
    while (frontier !== 0) {
      const low = frontier & -frontier;
      frontier ^= low;
      const v = 31 - Math.clz32(low);
      const next = (rows[v]! | rows[k + v]!) & inner & ~part;
      part |= next;
      frontier |= next;
    }
    if ((part & merged) === 0) return true;
    left &= ~part;
  }
  return false;
}

/** Whether the symmetric graph of bit rows `rows[at ..]` on the vertices of `all` has more than one connected component. */
function severalComponents(rows: Int32Array, at: number, all: number): boolean {
  // From vertex 0: spread over its component; any vertex left unvisited is another one.
  let visited = 1;
  let frontier = 1;
  while (frontier !== 0) {
    const low = frontier & -frontier;
    frontier ^= low;
    const next = rows[at + 31 - Math.clz32(low)]! & ~visited;
    visited |= next;
    frontier |= next;
  }
  return (visited & all) !== all;
}
