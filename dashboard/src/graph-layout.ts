/** A batch operation as the layout needs it: its key and the keys it depends on. */
export interface GraphNode {
  operationKey: string;
  dependencies: string[];
}

/** Columns by longest dependency path, so every arrow points right; rows in submission order. */
export function layers(nodes: GraphNode[]): Map<string, number> {
  const byKey = new Map(nodes.map((n) => [n.operationKey, n]));
  const depth = new Map<string, number>();
  const visit = (key: string, seen: Set<string>): number => {
    if (depth.has(key)) return depth.get(key)!;
    if (seen.has(key)) return 0; // a cycle cannot be submitted; stay finite anyway
    seen.add(key);
    const deps = byKey.get(key)?.dependencies ?? [];
    const d = deps.length ? 1 + Math.max(...deps.map((dep) => visit(dep, seen))) : 0;
    depth.set(key, d);
    return d;
  };
  for (const n of nodes) visit(n.operationKey, new Set());
  return depth;
}
