import type { VariantLog } from '../variant-log.ts';

/** What {@link projectBlocks} knows of an activity: its group, whether it is a start, an end. */
export function blockKey(group: number, isStart: boolean, isEnd: boolean): number {
  return (group << 2) | (isStart ? 2 : 0) | (isEnd ? 1 : 0);
}

/**
 * Cuts each trace of `log` into blocks and adds each block to the log of its events' group,
 * as a range of the events `logs` share with `log` (see `VariantLog.viewOf`). A block ends
 * before an event whose group differs from the previous event's, or which is a start
 * following an end (`keys`, by activity code, from {@link blockKey}). A group a trace skips
 * gets an empty trace, and so does every group of an empty trace. The blocks of group
 * `distinct` are known to differ from each other, and are added without looking for equals.
 *
 * The sequence cut (groups in the traces' order) and the tau loops (one group, cut before
 * starts) share this pass, each had its own; a cold run pays for running every such pass
 * uncompiled over most of the log (bpic2012: 182k and 174k events). One key lookup per event
 * and one commit call site, so that no path is left without type feedback when V8 compiles it.
 */
export function projectBlocks(log: VariantLog, keys: Int32Array, logs: VariantLog[], distinct = -1): void {
  const { codes, starts, ends, counts } = log;
  const groups = logs.length;
  for (let t = 0; t < log.size; t++) {
    const to = ends[t]!;
    const count = counts[t]!;
    let from = starts[t]!;
    let next = 0;
    for (;;) {
      // The block from `from` and its group (`groups` once the trace is used up).
      let until = from;
      let g = groups;
      if (from < to) {
        let key = keys[codes[from]!]!;
        g = key >> 2;
        for (until = from + 1; until < to; until++) {
          const following = keys[codes[until]!]!;
          if (((following ^ key) >>> 2) !== 0 || (following & (key << 1) & 2) !== 0) break;
          key = following;
        }
      }
      // Empty traces for the groups skipped, then the block.
      for (;;) {
        const target = Math.min(next, g);
        if (target >= groups) break;
        logs[target]!.commitRange(from, target === g ? until : from, count, false, target === distinct);
        next = target + 1;
        if (target === g) break;
      }
      if (from === to) break;
      from = until;
    }
  }
}
