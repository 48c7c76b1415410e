import { isTauLeaf, treeToString, type ProcessTree } from './process-tree.ts';

/**
 * PM4Py's `fold` (process_tree/utils/generic.py), which the Inductive Miner applies to its
 * result: removes taus that carry no meaning, collapses operators left with one child and
 * flattens `->`, `X` and `+` nested in the same operator, until nothing changes. Works on a
 * copy.
 */
export function foldTree(tree: ProcessTree): ProcessTree {
  let folded = foldOnce(clone(tree)) ?? { operator: null, label: null, children: [] };
  while (folded.children.length === 1) folded = folded.children[0]!;
  let text = treeToString(folded);
  folded = reduceTauLeaves(folded);
  if (treeToString(folded).length !== text.length) {
    folded = foldTree(folded);
    text = treeToString(folded);
  }
  const again = foldOnce(folded);
  if (again !== null && treeToString(again).length !== text.length) return foldTree(again);
  return again ?? folded;
}

function clone(tree: ProcessTree): ProcessTree {
  return { operator: tree.operator, label: tree.label, children: tree.children.map(clone) };
}

/** PM4Py `_fold`: one bottom-up pass; null for an operator whose children all vanished. */
function foldOnce(tree: ProcessTree): ProcessTree | null {
  reduceTauLeaves(tree);
  if (tree.children.length === 0) return tree;
  tree.children = tree.children.map(foldOnce).filter((child): child is ProcessTree => child !== null);
  if (tree.children.length === 0) return null;
  if (tree.children.length === 1) return tree.children[0]!;
  if (tree.operator === '->' || tree.operator === '+') {
    tree.children = tree.children.filter((child) => !isTauLeaf(child));
    if (tree.children.length === 0) tree.operator = null;
  }
  if (tree.operator === '->' || tree.operator === 'X' || tree.operator === '+') {
    const operator = tree.operator;
    tree.children = tree.children.flatMap((child) => (child.operator === operator ? child.children : [child]));
  }
  return tree;
}

/**
 * PM4Py `reduce_tau_leafs`, in place: under `->` and `+` taus go (one stays if nothing else
 * is left), under `X` one tau stays, a loop of two taus loses both.
 */
function reduceTauLeaves(tree: ProcessTree): ProcessTree {
  if (tree.children.length === 0) return tree;
  tree.children.forEach(reduceTauLeaves);
  const silent = tree.children.filter(isTauLeaf).length;
  if (silent === 0) return tree;
  const keepOneTau = () => {
    let seen = false;
    tree.children = tree.children.filter((child) => {
      if (!isTauLeaf(child)) return true;
      if (seen) return false;
      seen = true;
      return true;
    });
  };
  if (silent === tree.children.length) {
    if (tree.operator === '->' || tree.operator === '+' || tree.operator === 'X') keepOneTau();
    else if (tree.operator === '*' && tree.children.length === 2) tree.children = [];
  } else if (tree.operator === '->' || tree.operator === '+') {
    tree.children = tree.children.filter((child) => !isTauLeaf(child));
  } else if (tree.operator === 'X') keepOneTau();
  return tree;
}
