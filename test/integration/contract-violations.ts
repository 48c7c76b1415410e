import { readFile } from 'node:fs/promises';
import type { ContractViolation } from '../../local/contract-check.ts';

/**
 * The answers of the run that broke the OpenAPI document, grouped by route, status and problem, with the first
 * occurrence's ajv errors and body; undefined when there were none (or the stack never wrote the file).
 */
export async function contractViolationsReport(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return '';
    throw error;
  });
  const violations = text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ContractViolation);
  if (!violations.length) return undefined;
  const groups = new Map<string, { first: ContractViolation; count: number }>();
  for (const violation of violations) {
    const key = `${violation.method} ${violation.route} → ${violation.status} ${violation.contentType ?? ''}: ${violation.problem}`;
    const group = groups.get(key);
    if (group) group.count += 1;
    else groups.set(key, { first: violation, count: 1 });
  }
  const lines = [`${violations.length} responses broke the OpenAPI document (${groups.size} kinds):`];
  for (const [key, { first, count }] of groups) {
    lines.push(`\n✗ ${key} (${count}×)`);
    for (const error of (first.errors ?? []).slice(0, 8)) lines.push(`    ${JSON.stringify(error)}`);
    if (first.body) lines.push(`    body: ${first.body.slice(0, 600)}`);
  }
  return lines.join('\n');
}
