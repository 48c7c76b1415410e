/** Builds `SET a = :a, b.c = :b_c` from a flat record of attribute paths, skipping undefined values. */
export function setExpression(fields: Record<string, unknown>, prefix = 'f') {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  let i = 0;
  for (const [path, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const segments = path.split('.').map((segment) => {
      const alias = `#${prefix}${i}_${Object.keys(names).length}`;
      names[alias] = segment;
      return alias;
    });
    const valueAlias = `:${prefix}${i}`;
    values[valueAlias] = value;
    assignments.push(`${segments.join('.')} = ${valueAlias}`);
    i += 1;
  }
  return { assignments, names, values };
}
