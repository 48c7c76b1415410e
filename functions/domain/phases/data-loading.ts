import { Transform } from 'node:stream';
import { readEventLog } from '../../mining/ingest/read-event-log.ts';
import { OperationFailure } from '../failures.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { saveEventLog } from './checkpoints.ts';

const dayMs = 86_400_000;

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
  const counted = source.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        context.bytesRead(chunk.length);
        done(null, chunk);
      },
    }),
  );
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
    onProgress: (records) => context.progress(records),
    // Analyses always repair what they can; an enrichment repairs timestamps only when asked to.
    inferMissingTimestamps: !('cleaningRules' in parameters) || parameters.cleaningRules.includes('fix_timestamps'),
  });

  if (validation.inferredTimestamps > 0) {
    context.log('WARN', `Found ${validation.inferredTimestamps} records with missing timestamps`, {
      affectedRecords: validation.inferredTimestamps,
      action: 'Timestamp inferred from the preceding event of the same case',
    });
  }
  const dropped = validation.errorRecords - validation.inferredTimestamps;
  if (dropped > 0) context.log('WARN', `Dropped ${dropped} records that could not be repaired`, { errorsByType: validation.errorsByType });
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
      cases,
      events,
    },
  };
};
