import { createHash } from 'node:crypto';
import type { ProcessTree } from './process-tree.ts';

/**
 * PM4Py's `tree_sort`: children of `X` and `+` ordered by the sum of the MD5 values of the
 * labels below them (taus count 0; the sort is stable). Applying it gives the very string
 * PM4Py prints, not only an equivalent tree. In place.
 */
export function sortTree(tree: ProcessTree): ProcessTree {
  const hashes = new Map<string, bigint>();
  const hashOf = (label: string) => {
    let h = hashes.get(label);
    if (h === undefined) {
      h = BigInt(`0x${createHash('md5').update(label, 'utf8').digest('hex')}`);
      hashes.set(label, h);
    }
    return h;
  };
  const visit = (t: ProcessTree): bigint => {
    const sums = t.children.map(visit);
    let sum = sums.reduce((a, b) => a + b, 0n);
    if (t.label !== null) sum += hashOf(t.label);
    if (t.operator === 'X' || t.operator === '+') {
      const order = t.children.map((child, i) => ({ child, key: sums[i]! }));
      order.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      t.children = order.map((o) => o.child);
    }
    return sum;
  };
  visit(tree);
  return tree;
}
