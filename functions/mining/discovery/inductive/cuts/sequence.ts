import { dfgOfBlocks, type InductiveDfg } from '../inductive-dfg.ts';
import { VariantLog } from '../variant-log.ts';
import { blockKey, projectBlocks } from './blocks.ts';
import { components, groupIndex, toCodes, vertexFlags, type Groups } from './groups.ts';

/** Transitive closure as bitsets: bit j of row i is set when j is reachable from i by one or more edges. */
function reachability(dfg: InductiveDfg): { words: number; reach: Uint32Array } {
  const k = dfg.acts.length;
  const words = (k + 31) >>> 5;
  const reach = new Uint32Array(k * words);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) if (dfg.edges[i * k + j]! > 0) reach[i * words + (j >>> 5)]! |= 1 << (j & 31);
  }
  for (let m = 0; m < k; m++) {
    const mw = m >>> 5;
    const mb = 1 << (m & 31);
    for (let i = 0; i < k; i++) {
      if ((reach[i * words + mw]! & mb) === 0) continue;
      for (let w = 0; w < words; w++) reach[i * words + w]! |= reach[m * words + w]!;
    }
  }
  return { words, reach };
}

/**
 * Sequence cut (Leemans, "Robust Process Mining with Guarantees", p. 188): activities that
 * reach each other both ways, or neither way, belong together; the groups are then ordered
 * by how much precedes and follows them. Groups in local vertex indexes.
 */
function sequenceGroups(dfg: InductiveDfg): number[][] | null {
  const k = dfg.acts.length;
  if (k === 0) return null;
  const { words, reach } = reachability(dfg);
  const reaches = (a: number, b: number) => (reach[a * words + (b >>> 5)]! & (1 << (b & 31))) !== 0;
  const joined = new Uint8Array(k * k);
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) if (reaches(a, b) === reaches(b, a)) joined[a * k + b] = 1;
  const groups = components(k, joined);
  if (groups.length < 2) return null;
  const successors = new Int32Array(k);
  const predecessors = new Int32Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (a !== b && reaches(a, b)) {
        successors[a]!++;
        predecessors[b]!++;
      }
    }
  }
  // PM4Py ranks a group by one of its members; members of a proper sequence group agree.
  const rank = (group: number[]) => predecessors[group[0]!]! + (k - successors[group[0]!]!);
  return groups.map((g) => ({ g, r: rank(g) })).sort((x, y) => x.r - y.r).map((x) => x.g);
}

/**
 * The strict sequence cut (ibid., p. 233), PM4Py's default: groups that can be skipped
 * together are merged with their neighbours. Like PM4Py, the merges may leave one group;
 * the caller decides what that means.
 */
export function strictSequenceCut(dfg: InductiveDfg): Groups | null {
  const c = sequenceGroups(dfg);
  if (c === null) return null;
  const k = dfg.acts.length;
  const n = c.length;
  const cmap = new Int32Array(k);
  c.forEach((group, g) => group.forEach((a) => (cmap[a] = g)));
  const mf = c.map((group) => (group.some((a) => dfg.start[a]! > 0) ? -Infinity : Infinity));
  const mt = c.map((group) => (group.some((a) => dfg.end[a]! > 0) ? Infinity : -Infinity));
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (dfg.edges[a * k + b]! > 0) {
        mf[cmap[b]!] = Math.min(mf[cmap[b]!]!, cmap[a]!);
        mt[cmap[a]!] = Math.max(mt[cmap[a]!]!, cmap[b]!);
      }
    }
  }
  const skippable = (p: number): boolean => {
    for (let i = 0; i < p; i++) {
      for (let j = p + 1; j < n; j++) {
        for (const a of c[i]!) for (const b of c[j]!) if (dfg.edges[a * k + b]! > 0) return true;
      }
    }
    for (let i = p + 1; i < n; i++) for (const a of c[i]!) if (dfg.start[a]! > 0) return true;
    for (let i = 0; i < p; i++) for (const a of c[i]!) if (dfg.end[a]! > 0) return true;
    return false;
  };
  for (let p = 0; p < n; p++) {
    if (!skippable(p)) continue;
    for (let q = p - 1; q >= 0 && mt[q]! <= p; q--) {
      c[p] = c[p]!.concat(c[q]!);
      c[q] = [];
    }
    for (let q = p + 1; q < n && mf[q]! >= p; q++) {
      c[p] = c[p]!.concat(c[q]!);
      c[q] = [];
    }
  }
  return toCodes(dfg, c.filter((group) => group.length > 0));
}

/**
 * Splits each trace into one part per group, at the position that best separates the group
 * from what follows (PM4Py `_find_split_point`: each event of the group before the split
 * counts -1, each event of a later group +1, earlier groups are ignored; the first least
 * cost wins).
 */
export function projectSequence(log: VariantLog, groups: Groups, alphabetSize: number, dfg: InductiveDfg, ownDfg: boolean): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  if (ownDfg && forwardOnly(dfg, index)) {
    // Every trace visits the groups in order (no edge of the log's DFG goes back): each group's
    // part is the block of its events, where the cost above is least. One scan, where the
    // general split scans each trace once per group (it was IM's largest cost on bpic2012).
    const logs = groups.map(() => VariantLog.viewOf(log, alphabetSize));
    projectBlocks(log, index.map((g) => blockKey(g, false, false)), logs, log.emptyTrace < 0 ? distinctGroup(dfg, groups) : -1);
    vertexFlags(dfg, index, groups.length).forEach((flags, g) => (logs[g]!.knownDfg = dfgOfBlocks(dfg, flags)));
    return logs;
  }
  const logs = groups.map(() => VariantLog.projectionOf(log, alphabetSize));
  splitAtBestPoints(log, index, logs);
  return logs;
}

/**
 * The group whose blocks are sure to differ between traces, or -1: when every other group is
 * one activity that each trace holds exactly once (no self-loop, as many occurrences as
 * cases), its block is the same in every trace, so traces, which differ, differ in the one
 * group left (any group, when all are such). Its blocks then need no hashing: on bpic2012,
 * whose traces all begin with A_SUBMITTED, A_PARTLYSUBMITTED, the first cut's 174k events
 * (cold IM, 25 fresh processes alternating: main-thread CPU min 29.5 -> 26.8 ms). The log has
 * no empty trace, so its cases are its start counts.
 */
function distinctGroup(dfg: InductiveDfg, groups: Groups): number {
  const k = dfg.acts.length;
  let cases = 0;
  for (let i = 0; i < k; i++) cases += dfg.start[i]!;
  let other = -1;
  for (let g = 0; g < groups.length; g++) {
    const i = groups[g]!.length === 1 ? dfg.acts.indexOf(groups[g]![0]!) : -1;
    let occurrences = i >= 0 && dfg.edges[i * k + i] === 0 ? dfg.start[i]! : -1;
    for (let j = 0; j < k && occurrences >= 0; j++) occurrences += dfg.edges[j * k + i]!;
    if (occurrences === cases) continue;
    if (other >= 0) return -1;
    other = g;
  }
  return Math.max(other, 0);
}

/** Whether every directly-follows edge stays in its group or goes to a later one. */
function forwardOnly(dfg: InductiveDfg, index: Int32Array): boolean {
  const k = dfg.acts.length;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) if (dfg.edges[i * k + j]! > 0 && index[dfg.acts[i]!]! > index[dfg.acts[j]!]!) return false;
  }
  return true;
}

/** PM4Py's split, for traces that may go back to earlier groups or hold events of no group (IMf). */
function splitAtBestPoints(log: VariantLog, index: Int32Array, logs: VariantLog[]): void {
  const { codes, starts, ends, counts } = log;
  // Events of each group in the trace (from its start: an upper bound on those after a split).
  const left = new Int32Array(logs.length);
  for (let t = 0; t < log.size; t++) {
    const to = ends[t]!;
    const count = counts[t]!;
    let split = starts[t]!;
    left.fill(0);
    for (let i = split; i < to; i++) {
      const h = index[codes[i]!]!;
      if (h >= 0) left[h]!++;
    }
    for (let g = 0; g < logs.length; g++) {
      const out = logs[g]!;
      let w = out.reserve(left[g]!);
      const into = out.codes;
      let remaining = left[g]!;
      let cost = 0;
      let least = 0;
      let next = split;
      let kept = w;
      // A group's events are written while scanning and cut back to the split; the scan stops
      // once the group's remaining events cannot bring the cost below the least.
      for (let i = split; i < to && cost - remaining < least; i++) {
        const h = index[codes[i]!]!;
        if (h === g) {
          cost--;
          remaining--;
          into[w++] = codes[i]!;
        } else if (h < 0 || h > g) cost++;
        if (cost < least) {
          least = cost;
          next = i + 1;
          kept = w;
        }
      }
      out.commit(kept, count);
      split = next;
    }
  }
}
