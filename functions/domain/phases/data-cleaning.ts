import type { EventLog } from '../../mining/log/event-log.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { loadEventLog } from './checkpoints.ts';
import { PROGRESS_EVERY } from '../../mining/progress.ts';

export const processedDatasetName = 'output/processed.csv';

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Marks events identical to the previous one of their case in activity, timestamp, resource and lifecycle.
 * In a log without timestamps (NaN, never equal) nothing is marked: a record written twice cannot be told
 * from an activity repeated.
 */
function duplicateMask(log: EventLog): Uint8Array {
  const mask = new Uint8Array(log.activityCodes.length);
  for (let c = 0; c + 1 < log.caseOffsets.length; c += 1) {
    for (let e = log.caseOffsets[c]! + 1; e < log.caseOffsets[c + 1]!; e += 1) {
      if (
        log.activityCodes[e] === log.activityCodes[e - 1] &&
        log.timestamps[e] === log.timestamps[e - 1] &&
        log.resourceCodes[e] === log.resourceCodes[e - 1] &&
        log.lifecycleCodes[e] === log.lifecycleCodes[e - 1]
      ) {
        mask[e] = 1;
      }
    }
  }
  return mask;
}

/** Trims an activity name and collapses runs of whitespace, so "Check  ticket " and "Check ticket" are one activity. */
const normalizeActivity = (name: string) => name.trim().replace(/\s+/g, ' ');

/**
 * Applies the requested cleaning rules and writes the cleaned log as CSV with XES column names.
 * - remove_duplicates: drops events identical to the previous event of the same case
 *   (activity, timestamp, resource and lifecycle).
 * - fix_timestamps: missing or unparsable timestamps are inferred from the previous event of
 *   the case while loading; without the rule those records are dropped. Reports the inferred ones.
 * - validate_activities: normalizes activity names (trimmed, whitespace collapsed); records
 *   without an activity are dropped while loading. Reports the renamed events.
 */
export const dataCleaning: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  const rules = 'cleaningRules' in parameters ? parameters.cleaningRules : [];
  context.report(0, 'Loading the event log checkpoint');
  const log = await loadEventLog(context);
  context.throwIfCancelled();
  const loading = context.operation.phases.find((p) => p.id === 'DataLoadingValidation')?.results as { inferredTimestamps?: number } | undefined;
  const removeDuplicates = rules.includes('remove_duplicates');
  const mask = removeDuplicates ? duplicateMask(log) : new Uint8Array(log.activityCodes.length);
  const names = rules.includes('validate_activities') ? log.activities.map(normalizeActivity) : log.activities;
  let renamed = 0;
  const lines = ['case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition'];
  let kept = 0;
  const events = log.activityCodes.length;
  const progress = context.hook(0.1, 0.9, 'records');
  let reportedAt = 0;
  for (let c = 0; c + 1 < log.caseOffsets.length; c += 1) {
    // A case boundary is a safe point: nothing is written until the loop ends.
    if (log.caseOffsets[c]! - reportedAt >= PROGRESS_EVERY) {
      reportedAt = log.caseOffsets[c]!;
      progress(reportedAt, events, 'Applying the cleaning rules');
    }
    for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e += 1) {
      if (mask[e]) continue;
      kept += 1;
      const resource = log.resources[log.resourceCodes[e]!] ?? '';
      const lifecycle = log.lifecycles[log.lifecycleCodes[e]!] ?? '';
      const code = log.activityCodes[e]!;
      if (names[code] !== log.activities[code]) renamed += 1;
      lines.push([log.caseIds[c]!, names[code]!, timestampText(log.timestamps[e]!), resource, lifecycle].map(csvField).join(','));
    }
  }
  context.report(0.9, 'Writing the cleaned dataset', { done: events, total: events, unit: 'records' });
  await context.objects.write(context.jobObjectKey(processedDatasetName), `${lines.join('\n')}\n`, 'text/csv');
  const removed = log.activityCodes.length - kept;
  const changed: Record<(typeof rules)[number], number> = {
    remove_duplicates: removed,
    fix_timestamps: loading?.inferredTimestamps ?? 0,
    validate_activities: renamed,
  };
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      rulesApplied: rules.map((rule) => ({ rule, recordsChanged: changed[rule] })),
      eventsIn: log.activityCodes.length,
      eventsOut: kept,
    },
  };
};

/** A log without timestamps (NaN) is written with an empty column, which reads back as one. */
function timestampText(ms: number): string {
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString();
}
