/**
 * Process trees as PM4Py builds and prints them: `->` sequence, `X` exclusive choice, `+`
 * parallel, `*` loop (first child the body, the others redo parts), leaves an activity label
 * or `tau` (silent).
 */
export type TreeOperator = '->' | 'X' | '+' | '*';

export interface ProcessTree {
  /** null for a leaf. */
  operator: TreeOperator | null;
  /** Activity of a leaf; null for tau and for operator nodes. */
  label: string | null;
  children: ProcessTree[];
}

export const tau = (): ProcessTree => ({ operator: null, label: null, children: [] });
export const activity = (label: string): ProcessTree => ({ operator: null, label, children: [] });
export const node = (operator: TreeOperator, children: ProcessTree[]): ProcessTree => ({ operator, label: null, children });

export const isTauLeaf = (tree: ProcessTree): boolean => tree.operator === null && tree.label === null && tree.children.length === 0;

/**
 * PM4Py's `str(tree)`: `->( 'a', X( tau, 'b' ) )`. Labels are quoted only as children (a
 * tree that is a single activity prints bare) and are not escaped, as in PM4Py.
 */
export function treeToString(tree: ProcessTree): string {
  if (tree.operator !== null) {
    const parts = tree.children.map((child) =>
      child.children.length === 0 && child.label !== null ? `'${child.label}'` : treeToString(child),
    );
    return `${tree.operator}( ${parts.join(', ')} )`;
  }
  return tree.label ?? 'tau';
}

/** Leaves carrying an activity, in tree order. */
export function treeActivities(tree: ProcessTree): string[] {
  const out: string[] = [];
  const walk = (t: ProcessTree) => {
    if (t.label !== null) out.push(t.label);
    t.children.forEach(walk);
  };
  walk(tree);
  return out;
}

/** Number of nodes (leaves included). */
export function treeSize(tree: ProcessTree): number {
  return 1 + tree.children.reduce((sum, child) => sum + treeSize(child), 0);
}

export class ProcessTreeSyntaxError extends Error {
  override readonly name = 'ProcessTreeSyntaxError';
}

/**
 * Reads PM4Py's string form back (the inverse of {@link treeToString}). Labels run to the
 * next quote, as in PM4Py's own parser, so a label cannot contain `'`.
 */
export function parseProcessTree(text: string): ProcessTree {
  let i = 0;
  const skip = () => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new ProcessTreeSyntaxError(`${what} at offset ${i} of ${JSON.stringify(text.slice(0, 80))}`);
  };
  const parse = (top: boolean): ProcessTree => {
    skip();
    for (const operator of ['->', 'X', '+', '*'] as const) {
      if (text.startsWith(operator, i) && text.slice(i + operator.length).trimStart().startsWith('(')) {
        i += operator.length;
        skip();
        i++; // (
        const children: ProcessTree[] = [];
        skip();
        if (text[i] === ')') {
          i++;
          return node(operator, children);
        }
        for (;;) {
          children.push(parse(false));
          skip();
          if (text[i] === ',') i++;
          else if (text[i] === ')') {
            i++;
            return node(operator, children);
          } else fail('expected , or )');
        }
      }
    }
    if (text[i] === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) fail('unterminated label');
      const label = text.slice(i + 1, end);
      i = end + 1;
      return activity(label);
    }
    if (text.startsWith('tau', i)) {
      i += 3;
      return tau();
    }
    if (text.startsWith('\u03c4', i)) {
      i += 1;
      return tau();
    }
    if (top) {
      // A single activity prints bare.
      const label = text.slice(i).trim();
      i = text.length;
      return activity(label);
    }
    return fail('expected an operator, a quoted label or tau');
  };
  const tree = parse(true);
  skip();
  if (i !== text.length) fail('trailing text');
  return tree;
}

/**
 * A string equal for two trees exactly when they are equal up to the order of the children
 * of `X` and `+` (whose order carries no meaning): those children are sorted by their own
 * canonical form.
 */
export function canonicalTreeString(tree: ProcessTree): string {
  if (tree.operator === null) return tree.label === null ? 'tau' : JSON.stringify(tree.label);
  const parts = tree.children.map(canonicalTreeString);
  if (tree.operator === 'X' || tree.operator === '+') parts.sort();
  return `${tree.operator}(${parts.join(',')})`;
}
