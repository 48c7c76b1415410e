export type ValidationErrorType =
  | 'MissingCaseId'
  | 'MissingActivity'
  | 'MissingTimestamp'
  | 'UnparsableTimestamp'
  | 'DuplicateEvent';

export interface ValidationErrorCount {
  type: ValidationErrorType;
  count: number;
  /** True when the affected records were repaired and kept (inferred timestamps). */
  resolved: boolean;
}

/**
 * What ingestion found in the source. Counting rules:
 * - `recordsLoaded`: data records read (CSV rows after the header, XES events).
 * - `errorRecords`: records with a missing case id / activity / timestamp or an unparsable
 *   timestamp, whether dropped or repaired by inference; `validRecords` is the rest, so
 *   `validRecords + errorRecords === recordsLoaded` (as in the API spec's example, where two
 *   resolved missing timestamps are counted as error records).
 * - Duplicates are flagged (`DuplicateEvent`, `resolved: false`: they are kept untouched, as
 *   PM4Py keeps them) but are not error records.
 * - `outsideTimeWindow`: otherwise usable records left out by the requested time window.
 * - Events in the log = `validRecords + inferredTimestamps - outsideTimeWindow`, plus, in a log
 *   without any timestamp, the unparsable ones kept (`UnparsableTimestamp`, `resolved: true`).
 * `errorsByType` lists only non-zero counts; a type that was partly repaired and partly
 * dropped appears twice, once per `resolved` value.
 */
export interface ValidationReport {
  recordsLoaded: number;
  validRecords: number;
  errorRecords: number;
  errorsByType: ValidationErrorCount[];
  inferredTimestamps: number;
  outsideTimeWindow: number;
  /**
   * Records kept without a timestamp because the source has none at all (read in file order);
   * 0 for a log with timestamps. Not errors: a log without timestamps is a kind of log.
   */
  recordsWithoutTimestamp: number;
  dataQualityScore: number;
}

/**
 * Share of loaded records usable without repair, where a record repaired by timestamp
 * inference counts half (its position in the case is a guess):
 *   100 * (validRecords + 0.5 * inferredTimestamps) / recordsLoaded
 * rounded down to one decimal so that 100 only ever means "nothing wrong"; 100 for an empty
 * source (nothing wrong with it; emptiness is reported elsewhere).
 */
export function dataQualityScore(recordsLoaded: number, validRecords: number, inferredTimestamps: number): number {
  if (recordsLoaded === 0) return 100;
  return Math.floor((1000 * (validRecords + 0.5 * inferredTimestamps)) / recordsLoaded) / 10;
}
