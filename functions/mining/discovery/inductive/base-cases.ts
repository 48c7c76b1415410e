import { activity, tau, type ProcessTree } from './process-tree.ts';
import type { VariantLog } from './variant-log.ts';

/**
 * PM4Py's base cases: an empty log is tau; a log with a single distinct trace of at most one
 * event is that activity (or tau for the empty trace).
 */
export function baseCase(log: VariantLog, names: readonly string[]): ProcessTree | null {
  if (log.size === 0) return tau();
  if (log.size === 1 && log.traces[0]!.length <= 1) {
    const trace = log.traces[0]!;
    return trace.length === 0 ? tau() : activity(names[trace.charCodeAt(0)]!);
  }
  return null;
}
