import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import type { ReplayScope } from './analysis-options.ts';

/** Which part of the log a replay covered. */
export interface ReplayCoverage {
  scope: ReplayScope['mode'];
  variantsReplayed: number;
  variantsInLog: number;
  casesReplayed: number;
  casesInLog: number;
}

/**
 * The log to replay under a scope: the whole log, or the cases of the most frequent variants (ties by first
 * appearance) until they cover the requested share of cases or the variant limit is reached. Replay costs one
 * pass per distinct variant, so the long tail of rare variants is what a sample saves.
 */
export function replaySample(log: EventLog, scope: ReplayScope): { log: EventLog; coverage: ReplayCoverage } {
  const { ofCase, counts } = caseVariants(log);
  const cases = log.caseIds.length;
  const variantsInLog = counts.length;
  if (scope.mode === 'all') {
    return { log, coverage: { scope: 'all', variantsReplayed: variantsInLog, variantsInLog, casesReplayed: cases, casesInLog: cases } };
  }
  const byFrequency = Array.from({ length: variantsInLog }, (_, v) => v).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const chosen = new Set<number>();
  let covered = 0;
  for (const v of byFrequency) {
    if (chosen.size >= scope.maxVariants || covered >= scope.coverage * cases) break;
    chosen.add(v);
    covered += counts[v]!;
  }
  const kept: number[] = [];
  for (let c = 0; c < cases; c++) if (chosen.has(ofCase[c]!)) kept.push(c);
  return {
    log: subLog(log, kept),
    coverage: { scope: 'sample', variantsReplayed: chosen.size, variantsInLog, casesReplayed: kept.length, casesInLog: cases },
  };
}

/** The log restricted to the given cases (in their order), sharing the name tables. */
function subLog(log: EventLog, cases: readonly number[]): EventLog {
  let events = 0;
  for (const c of cases) events += log.caseOffsets[c + 1]! - log.caseOffsets[c]!;
  const caseOffsets = new Uint32Array(cases.length + 1);
  const activityCodes = new Uint32Array(events);
  const timestamps = new Float64Array(events);
  const startTimestamps = log.startTimestamps ? new Float64Array(events) : null;
  const resourceCodes = new Uint32Array(events);
  const lifecycleCodes = new Uint32Array(events);
  let at = 0;
  cases.forEach((c, i) => {
    const from = log.caseOffsets[c]!;
    const to = log.caseOffsets[c + 1]!;
    activityCodes.set(log.activityCodes.subarray(from, to), at);
    timestamps.set(log.timestamps.subarray(from, to), at);
    startTimestamps?.set(log.startTimestamps!.subarray(from, to), at);
    resourceCodes.set(log.resourceCodes.subarray(from, to), at);
    lifecycleCodes.set(log.lifecycleCodes.subarray(from, to), at);
    at += to - from;
    caseOffsets[i + 1] = at;
  });
  return {
    caseIds: cases.map((c) => log.caseIds[c]!),
    caseOffsets,
    activities: log.activities,
    activityCodes,
    timestamps,
    startTimestamps,
    resources: log.resources,
    resourceCodes,
    lifecycles: log.lifecycles,
    lifecycleCodes,
    ...(log.untimed ? { untimed: true } : {}),
  };
}
