import { activity, tau, type ProcessTree } from './process-tree.ts';
import type { VariantLog } from './variant-log.ts';

/**
 * PM4Py's base cases: an empty log is tau; a log with a single distinct trace of at most one
 * event is that activity (or tau for the empty trace).
 */
export function baseCase(log: VariantLog, names: readonly string[]): ProcessTree | null {
  if (log.size === 0) return tau();
  if (log.size === 1 && log.traceLength(0) <= 1) return log.traceLength(0) === 0 ? tau() : activity(names[log.codes[log.starts[0]!]!]!);
  return null;
}
