import { byteChunks, gunzip, type ByteSource } from './byte-source.ts';
import { readCsvEventLog } from './csv-reader.ts';
import { readXesEventLog } from './xes-reader.ts';
import type { ColumnMapping } from './column-mapping.ts';
import type { EventLog } from '../log/event-log.ts';
import type { TimeWindow } from '../log/event-log-builder.ts';
import type { ValidationReport } from './validation-report.ts';

export type EventLogFormat = 'csv' | 'csv.gz' | 'xes' | 'xes.gz';

export interface ReadEventLogOptions {
  format: EventLogFormat;
  /**
   * CSV: column names (matched case-insensitively). XES: attribute keys (`caseId` on traces,
   * the rest on events). Fields left out fall back to the defaults.
   */
  columnMapping?: Partial<ColumnMapping>;
  /** Epoch ms bounds, both inclusive, applied per event to the (completion) timestamp. */
  timeWindow?: TimeWindow;
  /** Called every 65,536 source records and once at the end. */
  onProgress?: (recordsRead: number) => void;
  /** Infer missing or unparsable timestamps from the case's previous record (default) or drop those records. */
  inferMissingTimestamps?: boolean;
}

/** Streams an event log into the columnar form, validating as it goes. */
export async function readEventLog(
  input: ByteSource,
  options: ReadEventLogOptions,
): Promise<{ log: EventLog; validation: ValidationReport }> {
  const { format, ...rest } = options;
  switch (format) {
    case 'csv':
      return readCsvEventLog(byteChunks(input), rest);
    case 'csv.gz':
      return readCsvEventLog(gunzip(input), rest);
    case 'xes':
      return readXesEventLog(byteChunks(input), rest);
    case 'xes.gz':
      return readXesEventLog(gunzip(input), rest);
    default:
      throw new Error(`Unsupported event log format: ${String(format satisfies never)}`);
  }
}
