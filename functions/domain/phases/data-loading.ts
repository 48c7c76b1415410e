import { Transform } from 'node:stream';
import { readEventLog } from '../../mining/ingest/read-event-log.ts';
import { OperationFailure } from '../failures.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { saveEventLog } from './checkpoints.ts';

const dayMs = 86_400_000;

/**
 * An empty log is never analysed as a success with zero records: the window or the cleaning that emptied it is
 * named, with the figures that show it.
 */
export function noEventsLeft(events: number, validation: { recordsLoaded: number; errorRecords: number; outsideTimeWindow: number }, window: { startDate?: string; endDate?: string } | undefined): void {
  if (events > 0) return;
  if (validation.recordsLoaded === 0) throw new OperationFailure('DatasetInvalid', 'The dataset contains no event records');
  if (validation.outsideTimeWindow > 0) {
    const span = `${window?.startDate ?? 'the first event'} to ${window?.endDate ?? 'the last event'}`;
    throw new OperationFailure(
      'NoEventsInWindow',
      `No event of the dataset falls in the timeWindow ${span} (UTC, endDate inclusive): ${validation.outsideTimeWindow} of ${validation.recordsLoaded} records are outside it${validation.errorRecords ? ` and ${validation.errorRecords} were invalid` : ''}; widen or remove the timeWindow`,
    );
  }
  throw new OperationFailure(
    'NoEventsAfterCleaning',
    `No event is left after validation and cleaning: all ${validation.recordsLoaded} records lacked a case id, an activity or a usable timestamp; see the job log for the errors by type`,
  );
}

/** Streams the dataset from storage into the columnar log, validating every record. */
export const dataLoadingValidation: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('datasetId' in parameters)) throw new Error(`${context.job.operationType} has no dataset to load`);
  const dataset = await context.datasets.get(context.job, parameters.datasetId);
  if (!dataset) throw new OperationFailure('DatasetNotFound', `Dataset ${parameters.datasetId} no longer exists`);
  context.log('INFO', `Starting data load for dataset ${dataset.datasetId}`, { format: dataset.format, sizeBytes: dataset.sizeBytes ?? null });

  const source = await context.objects.read(dataset.objectKey).catch((error: unknown) => {
    throw new OperationFailure('DatasetUnreadable', `The file of dataset ${dataset.datasetId} could not be read from storage; upload it again`, { cause: error });
  });
  let bytes = 0;
  const counted = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        context.bytesRead(chunk.length);
        bytes += chunk.length;
        done(null, chunk);
      },
    }),
  );
  // Reading is measured in bytes of the stored file (records are not known until the end); writing the checkpoint is the last tenth.
  const size = dataset.sizeBytes ?? 0;
  context.report(0, 'Reading and validating records', { done: 0, total: size, unit: 'bytes' });
  const window = 'timeWindow' in parameters ? parameters.timeWindow : undefined;
  const { log, validation } = await readEventLog(counted, {
    format: dataset.format,
    ...(dataset.columnMapping ? { columnMapping: dataset.columnMapping } : {}),
    ...(window
      ? {
          timeWindow: {
            ...(window.startDate ? { start: Date.parse(window.startDate) } : {}),
            // endDate names a whole day: everything before the next midnight (UTC) is in.
            ...(window.endDate ? { end: Date.parse(window.endDate) + dayMs - 1 } : {}),
          },
        }
      : {}),
    onProgress: (records) => {
      context.progress(records);
      context.report(size > 0 ? (0.9 * bytes) / size : 0, `Reading and validating records (${records} read)`, { done: bytes, total: size, unit: 'bytes' });
    },
    // Analyses always repair what they can; an enrichment repairs timestamps only when asked to.
    inferMissingTimestamps: !('cleaningRules' in parameters) || parameters.cleaningRules.includes('fix_timestamps'),
  });

  if (validation.recordsWithoutTimestamp > 0) {
    context.log('WARN', `The log has no timestamps: ${validation.recordsWithoutTimestamp} records kept in file order within each case`, {
      affectedRecords: validation.recordsWithoutTimestamp,
      action: 'Cases, activities, DFG, variants and models are computed; durations, waiting times, bottlenecks by time and remaining-time prediction are null',
    });
  }
  if (validation.inferredTimestamps > 0) {
    context.log('WARN', `Found ${validation.inferredTimestamps} records with missing timestamps`, {
      affectedRecords: validation.inferredTimestamps,
      action: 'Timestamp inferred from the preceding event of the same case',
    });
  }
  const dropped = validation.errorRecords - validation.inferredTimestamps;
  if (dropped > 0) context.log('WARN', `Dropped ${dropped} records that could not be repaired`, { errorsByType: validation.errorsByType });
  noEventsLeft(log.activityCodes.length, validation, window);
  context.report(0.9, 'Writing the event log checkpoint', { done: validation.recordsLoaded, total: validation.recordsLoaded, unit: 'records' });
  const checkpointBytes = await saveEventLog(context, log);
  const cases = log.caseIds.length;
  const events = log.activityCodes.length;
  context.log('INFO', `Loaded ${events} events in ${cases} cases`, { checkpointBytes });
  context.milestone('Milestone', 'Event log loaded', { cases, events, dataQualityScore: validation.dataQualityScore });

  return {
    recordsProcessed: validation.recordsLoaded,
    totalRecords: validation.recordsLoaded,
    results: {
      recordsLoaded: validation.recordsLoaded,
      validRecords: validation.validRecords,
      errorRecords: validation.errorRecords,
      dataQualityScore: validation.dataQualityScore,
      validationErrors: validation.errorsByType,
      inferredTimestamps: validation.inferredTimestamps,
      outsideTimeWindow: validation.outsideTimeWindow,
      // A data-quality category of its own, not an error: the source carries no timestamp at all.
      noTimestamps: validation.recordsWithoutTimestamp > 0 ? { records: validation.recordsWithoutTimestamp, eventOrder: 'file' } : null,
      cases,
      events,
    },
  };
};
