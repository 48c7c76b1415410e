import type { EventLog } from '../../mining/log/event-log.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { loadEventLog } from './checkpoints.ts';

export const processedDatasetName = 'output/processed.csv';

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** Marks events identical to the previous one of their case in activity, timestamp, resource and lifecycle. */
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

/**
 * Applies the requested cleaning rules and writes the cleaned log as CSV with XES column names.
 * - remove_duplicates: drops events identical to the previous event of the same case.
 * - fix_timestamps: missing timestamps were inferred while loading; reports how many.
 * - validate_activities: events without an activity were dropped while loading; reports how many.
 */
export const dataCleaning: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  const rules = 'cleaningRules' in parameters ? parameters.cleaningRules : [];
  const log = await loadEventLog(context);
  const loading = context.operation.phases.find((p) => p.id === 'DataLoadingValidation')?.results as
    | { inferredTimestamps?: number; validationErrors?: Array<{ type: string; count: number }> }
    | undefined;
  const removeDuplicates = rules.includes('remove_duplicates');
  const mask = removeDuplicates ? duplicateMask(log) : new Uint8Array(log.activityCodes.length);
  const lines = ['case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition'];
  let kept = 0;
  for (let c = 0; c + 1 < log.caseOffsets.length; c += 1) {
    for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e += 1) {
      if (mask[e]) continue;
      kept += 1;
      const resource = log.resources[log.resourceCodes[e]!] ?? '';
      const lifecycle = log.lifecycles[log.lifecycleCodes[e]!] ?? '';
      lines.push([log.caseIds[c]!, log.activities[log.activityCodes[e]!]!, new Date(log.timestamps[e]!).toISOString(), resource, lifecycle].map(csvField).join(','));
    }
  }
  await context.objects.write(context.jobObjectKey(processedDatasetName), `${lines.join('\n')}\n`, 'text/csv');
  const removed = log.activityCodes.length - kept;
  const missingActivities = loading?.validationErrors?.find((v) => v.type === 'MissingActivity')?.count ?? 0;
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      rulesApplied: rules.map((rule) => ({
        rule,
        recordsChanged: rule === 'remove_duplicates' ? removed : rule === 'fix_timestamps' ? (loading?.inferredTimestamps ?? 0) : missingActivities,
      })),
      eventsIn: log.activityCodes.length,
      eventsOut: kept,
    },
  };
};
