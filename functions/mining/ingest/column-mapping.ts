/** Which source column (CSV) or attribute key (XES) holds each event field. */
export interface ColumnMapping {
  caseId: string;
  activity: string;
  timestamp: string;
  startTimestamp?: string;
  resource?: string;
  lifecycle?: string;
}

export type EventField = keyof ColumnMapping;

/**
 * Header names tried, case-insensitively, in priority order when no mapping is given.
 * XES names first: PM4Py exports and our own datasets use them.
 */
export const DEFAULT_COLUMN_NAMES: Readonly<Record<EventField, readonly string[]>> = {
  caseId: ['case:concept:name', 'case_id', 'caseid', 'case id', 'case', 'case_concept_name', 'trace_id', 'traceid'],
  activity: ['concept:name', 'activity', 'activity_name', 'activityname', 'activity name', 'event', 'event_name', 'task'],
  timestamp: [
    'time:timestamp',
    'timestamp',
    'time',
    'complete_timestamp',
    'completetimestamp',
    'end_timestamp',
    'end_time',
    'endtime',
    'datetime',
    'date',
  ],
  startTimestamp: ['start_timestamp', 'starttimestamp', 'start_time', 'starttime', 'start timestamp'],
  resource: ['org:resource', 'resource', 'user', 'performer', 'org_resource'],
  lifecycle: ['lifecycle:transition', 'lifecycle', 'transition', 'lifecycle_transition'],
};

/** XES attribute keys used when no mapping is given. */
export const DEFAULT_XES_KEYS: Required<ColumnMapping> = {
  caseId: 'concept:name',
  activity: 'concept:name',
  timestamp: 'time:timestamp',
  startTimestamp: 'start_timestamp',
  resource: 'org:resource',
  lifecycle: 'lifecycle:transition',
};

/** A required column could not be located in the CSV header. */
export class MissingColumnError extends Error {
  override readonly name = 'MissingColumnError';
  constructor(
    /** One entry per required field that was not found, with the names tried. */
    readonly missing: ReadonlyArray<{ field: EventField; lookedFor: readonly string[] }>,
    readonly header: readonly string[],
  ) {
    super(
      `Missing required column(s): ${missing
        .map((m) => `${m.field} (looked for ${m.lookedFor.map((n) => JSON.stringify(n)).join(', ')})`)
        .join('; ')}. Header found: ${header.map((n) => JSON.stringify(n)).join(', ')}`,
    );
  }
}

/** Column index per field; -1 for an optional field that is absent. */
export interface ColumnIndexes {
  caseId: number;
  activity: number;
  timestamp: number;
  startTimestamp: number;
  resource: number;
  lifecycle: number;
}

// Without a timestamp column the log is read in file order (see EventLogBuilder); a mapped
// timestamp column that is absent is still an error.
const REQUIRED: readonly EventField[] = ['caseId', 'activity'];
const FIELDS: readonly EventField[] = ['caseId', 'activity', 'timestamp', 'startTimestamp', 'resource', 'lifecycle'];

/**
 * Locates each field in the header. A field named in `mapping` is looked up by that name
 * only (so a wrong mapping fails loudly instead of silently picking an alias); a field left
 * out of the mapping falls back to the default names.
 */
export function resolveColumns(header: readonly string[], mapping?: Partial<ColumnMapping>): ColumnIndexes {
  const normalized = header.map((h) => h.trim().toLowerCase());
  const indexes: ColumnIndexes = { caseId: -1, activity: -1, timestamp: -1, startTimestamp: -1, resource: -1, lifecycle: -1 };
  const missing: Array<{ field: EventField; lookedFor: readonly string[] }> = [];
  for (const field of FIELDS) {
    const mapped = mapping?.[field];
    const candidates = mapped !== undefined && mapped !== '' ? [mapped] : DEFAULT_COLUMN_NAMES[field];
    let found = -1;
    for (const name of candidates) {
      found = normalized.indexOf(name.trim().toLowerCase());
      if (found >= 0) break;
    }
    indexes[field] = found;
    if (found < 0 && (REQUIRED.includes(field) || mapped !== undefined)) missing.push({ field, lookedFor: candidates });
  }
  if (missing.length > 0) throw new MissingColumnError(missing, header);
  return indexes;
}
