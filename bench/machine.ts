import { cpus, loadavg, totalmem } from 'node:os';

/** Where and when a benchmark ran: its figures mean nothing without it (the README reports them with it). */
export interface Machine {
  node: string;
  v8: string;
  cpu: string;
  cores: number;
  memoryBytes: number;
  /** The 1-minute load average when the benchmark started: another job on a 2-core machine moves every figure. */
  loadAverage: number;
  startedAt: string;
}

export function machine(): Machine {
  const cores = cpus();
  return {
    node: process.version,
    v8: process.versions.v8,
    cpu: cores[0]?.model.trim() ?? 'unknown',
    cores: cores.length,
    memoryBytes: totalmem(),
    loadAverage: loadavg()[0]!,
    startedAt: new Date().toISOString(),
  };
}

/** One line for a report's head, e.g. `Node.js v24.21.0 (V8 13.6…), AMD EPYC x2, 23.5 GiB, load 0.65, 2026-12-01T03:05Z`. */
export function describeMachine(m: Machine): string {
  const gib = (m.memoryBytes / 2 ** 30).toFixed(1);
  return `Node.js ${m.node} (V8 ${m.v8}), ${m.cpu} x${m.cores}, ${gib} GiB, load ${m.loadAverage.toFixed(2)}, ${m.startedAt.slice(0, 16)}Z`;
}
