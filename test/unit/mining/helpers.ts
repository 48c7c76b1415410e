import { createReadStream, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readEventLog, type EventLogFormat } from '../../../functions/mining/ingest/read-event-log.ts';
import type { ValidationReport } from '../../../functions/mining/ingest/validation-report.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import type { CompiledNet } from '../../../functions/mining/ml/replay-net.ts';
import { END_OF_CASE, type StateAnnotation } from '../../../functions/mining/ml/transition-system-prediction.ts';

/** Datasets shared by every checkout at `../shared/datasets` from the project root. */
export const DATASETS_DIR = fileURLToPath(new URL('../../../../shared/datasets/', import.meta.url));

/** An inline input as a byte stream cut into `chunkSize`-byte pieces, to exercise chunk seams. */
export function bytes(text: string | Uint8Array, chunkSize = 1 << 16): AsyncIterable<Uint8Array> {
  const data = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return (async function* () {
    for (let i = 0; i < data.length; i += chunkSize) yield data.subarray(i, i + chunkSize);
  })();
}

export function stream(text: string): Readable {
  return Readable.from([Buffer.from(text, 'utf8')]);
}

/** A shared dataset read through the engine's own reader. */
export function readDataset(file: string, format: EventLogFormat): Promise<{ log: EventLog; validation: ValidationReport }> {
  return readEventLog(createReadStream(join(DATASETS_DIR, file)), { format });
}

/** A log with one case per trace and one event per minute, in trace order. */
export async function logOfTraces(traces: string[][]): Promise<EventLog> {
  const rows = ['case,activity,timestamp'];
  let minute = 0;
  traces.forEach((trace, c) => {
    for (const activity of trace) rows.push(`c${c},${activity},${new Date(Date.UTC(2024, 0, 1) + minute++ * 60_000).toISOString()}`);
  });
  return (await readEventLog(bytes(rows.join('\n')), { format: 'csv' })).log;
}

/** PM4Py 2.7's Inductive Miner figures for one variant of one log (`datasets/reference/inductive/<log>.json`). */
export interface InductiveReference {
  noiseThreshold: number;
  processTree: string;
  petriNet: { places: number; transitions: number; invisibleTransitions: number; arcs: number };
  bpmn: { nodes: number; flows: number };
  tokenReplayFitness: { perc_fit_traces: number; average_trace_fitness: number; log_fitness: number };
}

/**
 * Every log with Inductive Miner references, with the dataset file it was computed from, so
 * that a log added to the shared folder is checked without editing the tests.
 */
export function inductiveReferenceLogs(): { name: string; file: string; format: EventLogFormat; variants: Record<'IM' | 'IMf', InductiveReference> }[] {
  const dir = join(DATASETS_DIR, 'reference', 'inductive');
  const files = readdirSync(DATASETS_DIR);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const reference = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { log: string; variants: Record<'IM' | 'IMf', InductiveReference> };
      const formats: EventLogFormat[] = ['xes.gz', 'xes', 'csv.gz', 'csv'];
      const match = formats.flatMap((format) => (files.includes(`${reference.log}.${format}`) ? [{ file: `${reference.log}.${format}`, format }] : []))[0];
      if (match === undefined) throw new Error(`No dataset for the reference ${f}`);
      return { name: reference.log, ...match, variants: reference.variants };
    });
}

/** What a reference transition system counts per state: visits, summed remaining seconds, next activities. */
export interface Tally {
  visits: number;
  sum: number;
  next: Map<number, number>;
}

/** A reference transition system's level of tallies as the model's annotations (most frequent next activity, first on ties). */
export function annotated(level: ReadonlyMap<string, Tally>): Map<string, StateAnnotation> {
  const out = new Map<string, StateAnnotation>();
  for (const [key, t] of level) {
    let next = END_OF_CASE;
    let best = 0;
    for (const [a, n] of t.next) if (n > best) [best, next] = [n, a];
    out.set(key, { visits: t.visits, next, meanRemainingSeconds: t.sum / t.visits });
  }
  return out;
}

/**
 * The silent-firing search as first written, the reference the replay's searches are checked
 * against: breadth-first, one array per marking, a frontier list per level, string keys.
 */
export function plainSearch(net: CompiledNet, start: Int32Array, silent: readonly number[], goal: (m: Int32Array) => boolean, maxExpansions: number): number[] | null {
  const key = (m: Int32Array) => m.join(',');
  const enabled = (m: Int32Array, t: number) => {
    const inputs = net.inputs[t]!;
    for (let i = 0; i < inputs.length; i += 2) if (m[inputs[i]!]! < inputs[i + 1]!) return false;
    return true;
  };
  const seen = new Set([key(start)]);
  let frontier: { marking: Int32Array; path: number[] }[] = [{ marking: start, path: [] }];
  let expansions = 0;
  while (frontier.length > 0) {
    const next: typeof frontier = [];
    for (const node of frontier) {
      if (++expansions > maxExpansions) return null;
      for (const s of silent) {
        if (!enabled(node.marking, s)) continue;
        const m = Int32Array.from(node.marking);
        const inputs = net.inputs[s]!;
        for (let i = 0; i < inputs.length; i += 2) m[inputs[i]!]! -= inputs[i + 1]!;
        const outputs = net.outputs[s]!;
        for (let i = 0; i < outputs.length; i += 2) m[outputs[i]!]! += outputs[i + 1]!;
        if (seen.has(key(m))) continue;
        seen.add(key(m));
        if (goal(m)) return [...node.path, s];
        next.push({ marking: m, path: [...node.path, s] });
      }
    }
    frontier = next;
  }
  return null;
}
