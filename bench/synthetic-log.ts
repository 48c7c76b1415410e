import { closeSync, openSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Deterministic synthetic event log for benchmarks: a seeded PRNG drives a small loan-style
 * process model with an exclusive choice, a parallel block (its branches interleave, so
 * events are not always in time order within a case), a rework loop and an optional
 * activity. Cases overlap in time and their events interleave in the file, as in an export
 * sorted by time, so readers cannot rely on one case's rows being contiguous.
 * Same seed and event count → byte-identical CSV.
 */
export interface SyntheticLogOptions {
  events: number;
  seed?: number;
  /** Cases open at once; their events interleave in the file. */
  concurrentCases?: number;
}

export const SYNTHETIC_HEADER = 'case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition';

/** mulberry32: tiny, fast and good enough to drive a simulation; the same seed gives the same stream. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface PlannedEvent {
  activity: string;
  resource: string;
  time: number;
}

const RESOURCES_PER_ROLE = 12;
const ROLES = { clerk: 'clerk', analyst: 'analyst', manager: 'manager', system: 'system' } as const;
type Role = keyof typeof ROLES;

/** Simulates one case starting at `start` (epoch ms); returns its events in emission order. */
function planCase(random: () => number, start: number): PlannedEvent[] {
  const events: PlannedEvent[] = [];
  let clock = start;
  const resource = (role: Role) =>
    role === 'system' ? 'system' : `${ROLES[role]}-${String(1 + Math.floor(random() * RESOURCES_PER_ROLE)).padStart(2, '0')}`;
  // Exponential waiting times around a mean, in minutes.
  const wait = (meanMinutes: number) => Math.max(1000, Math.round(-Math.log(1 - random()) * meanMinutes * 60_000));
  const step = (activity: string, role: Role, meanMinutes: number) => {
    clock += wait(meanMinutes);
    events.push({ activity, resource: resource(role), time: clock });
  };

  step('Submit application', 'system', 1);
  // Exclusive choice: most applications take the standard route.
  if (random() < 0.7) step('Standard intake', 'clerk', 30);
  else step('Expedited intake', 'analyst', 10);

  // Rework loop: documents are requested until complete (geometric number of rounds).
  let rounds = 0;
  for (;;) {
    // Parallel block: both branches start together, finish independently, and are emitted
    // in an arbitrary order, so a reader has to sort within the case.
    const forkTime = clock;
    const credit = forkTime + wait(120);
    const documents = forkTime + wait(90);
    const first = random() < 0.5;
    const a: PlannedEvent = { activity: 'Check credit', resource: resource('analyst'), time: credit };
    const b: PlannedEvent = { activity: 'Verify documents', resource: resource('clerk'), time: documents };
    events.push(first ? a : b, first ? b : a);
    clock = Math.max(credit, documents);
    if (rounds >= 4 || random() < 0.65) break;
    rounds++;
    step('Request missing documents', 'clerk', 60 * 24);
  }

  if (random() < 0.25) step('Senior review', 'manager', 240);
  const decision = random();
  if (decision < 0.6) {
    step('Approve', 'manager', 60);
    step('Send offer', 'system', 5);
    if (random() < 0.85) step('Offer accepted', 'system', 60 * 48);
    else step('Offer declined', 'system', 60 * 48);
  } else if (decision < 0.9) {
    step('Reject', 'manager', 60);
    step('Notify rejection', 'system', 5);
  } else {
    step('Cancel', 'clerk', 60 * 24 * 3);
  }
  step('Close case', 'system', 10);
  return events;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * Produces the CSV line by line (header first, '\n' endings). Exactly `events` data rows;
 * the last cases are cut short if needed. Yields strings of about 64 KB.
 */
export function* syntheticCsvChunks(options: SyntheticLogOptions): Generator<string> {
  const random = seededRandom(options.seed ?? 1);
  const concurrent = Math.max(1, options.concurrentCases ?? 64);
  const total = options.events;
  // Cases start every ~20 minutes from a fixed epoch.
  let nextStart = Date.UTC(2024, 0, 1, 8);
  let nextCase = 0;
  const open: Array<{ id: string; events: PlannedEvent[]; next: number }> = [];
  const openCase = () => {
    nextStart += Math.round(random() * 40 * 60_000);
    open.push({ id: `case-${pad(++nextCase, 7)}`, events: planCase(random, nextStart), next: 0 });
  };
  for (let i = 0; i < concurrent; i++) openCase();

  let buffer = `${SYNTHETIC_HEADER}\n`;
  for (let written = 0; written < total; written++) {
    const slot = Math.floor(random() * open.length);
    const current = open[slot]!;
    const event = current.events[current.next++]!;
    buffer += `${current.id},${event.activity},${new Date(event.time).toISOString()},${event.resource},complete\n`;
    if (current.next === current.events.length) {
      open[slot] = open[open.length - 1]!;
      open.pop();
      openCase();
    }
    if (buffer.length >= 1 << 16) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer.length > 0) yield buffer;
}

/** Writes the synthetic CSV to `path` (default: a file in the OS temp dir named after the options). */
export function writeSyntheticCsv(options: SyntheticLogOptions, path?: string): string {
  const target = path ?? join(tmpdir(), `synthetic-${options.events}-seed${options.seed ?? 1}.csv`);
  const fd = openSync(target, 'w');
  try {
    for (const chunk of syntheticCsvChunks(options)) writeSync(fd, chunk);
  } finally {
    closeSync(fd);
  }
  return target;
}
