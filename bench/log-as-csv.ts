import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { readEventLog, type EventLogFormat } from '../functions/mining/ingest/read-event-log.ts';
import { NO_VALUE, type EventLog } from '../functions/mining/log/event-log.ts';
import { SYNTHETIC_HEADER } from './synthetic-log.ts';

/**
 * Writes an event log (e.g. bpic2012.xes.gz) as the 5-column CSV PM4Py's `write_csv` gives
 * for it: case id, activity, ISO timestamp (UTC, ms), resource, lifecycle, one row per event,
 * case by case in the log's order. The benchmark's "bpic2012 as CSV" is this file.
 */
export async function writeLogAsCsv(source: string, format: EventLogFormat, target: string): Promise<string> {
  const { log } = await readEventLog(createReadStream(source), { format });
  writeCsv(log, target);
  return target;
}

function field(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function writeCsv(log: EventLog, target: string): void {
  const fd = openSync(target, 'w');
  try {
    let buffer = `${SYNTHETIC_HEADER}\n`;
    const activities = log.activities.map(field);
    const resources = log.resources.map(field);
    const lifecycles = log.lifecycles.map(field);
    for (let c = 0; c < log.caseIds.length; c++) {
      const caseId = field(log.caseIds[c]!);
      for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e++) {
        const resource = log.resourceCodes[e] === NO_VALUE ? '' : resources[log.resourceCodes[e]!];
        const lifecycle = log.lifecycleCodes[e] === NO_VALUE ? '' : lifecycles[log.lifecycleCodes[e]!];
        const time = log.untimed === true ? '' : new Date(log.timestamps[e]!).toISOString();
        buffer += `${caseId},${activities[log.activityCodes[e]!]},${time},${resource},${lifecycle}\n`;
        if (buffer.length >= 1 << 16) {
          writeSync(fd, buffer);
          buffer = '';
        }
      }
    }
    writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
}
