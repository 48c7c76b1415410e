// Public surface of the process-mining engine core (no AWS dependencies).
export { NO_VALUE, caseCount, eventCount, type EventLog } from './log/event-log.ts';
export { EventLogBuilder, type EventLogBuilderOptions, type TimeWindow } from './log/event-log-builder.ts';
export { EventLogCodecError, deserializeEventLog, serializeEventLog } from './log/event-log-codec.ts';
export { readEventLog, type EventLogFormat, type ReadEventLogOptions } from './ingest/read-event-log.ts';
export { readCsvEventLog, detectDelimiter, type CsvReadOptions } from './ingest/csv-reader.ts';
export { readXesEventLog, type XesReadOptions } from './ingest/xes-reader.ts';
export type { ByteSource } from './ingest/byte-source.ts';
export {
  DEFAULT_COLUMN_NAMES,
  DEFAULT_XES_KEYS,
  MissingColumnError,
  resolveColumns,
  type ColumnIndexes,
  type ColumnMapping,
  type EventField,
} from './ingest/column-mapping.ts';
export { parseTimestamp } from './ingest/timestamp.ts';
export {
  dataQualityScore,
  type ValidationErrorCount,
  type ValidationErrorType,
  type ValidationReport,
} from './ingest/validation-report.ts';
export { activityCounts, endActivities, startActivities, type ActivityCountMap } from './discovery/activity-counts.ts';
export { directlyFollowsGraph, type DirectlyFollowsEdge } from './discovery/directly-follows-graph.ts';
export { variantCount, variants, type Variant, type VariantSummary } from './discovery/variants.ts';
export { summarizeLog, type LogSummary } from './discovery/summarize-log.ts';
export { caseDurationStats, caseDurations, quantile, type CaseDurationStats } from './performance/case-duration-stats.ts';
export {
  PetriNetBuilder,
  emptyMarking,
  petriNetSize,
  type Arc,
  type Marking,
  type PetriNet,
  type PetriNetSize,
  type Place,
  type Transition,
} from './models/petri-net.ts';
export { PNML_NAMESPACE, PTNET_TYPE, escapeXml, toPnml } from './models/pnml.ts';
export {
  alphaMiner,
  alphaMinerFromDfg,
  type AlphaFootprint,
  type AlphaInput,
  type AlphaMinerResult,
  type AlphaPlace,
} from './discovery/alpha-miner.ts';
export {
  DEFAULT_HEURISTICS_PARAMETERS,
  dependencyMeasure,
  heuristicsMiner,
  type HeuristicsEdge,
  type HeuristicsMinerParameters,
  type HeuristicsNet,
  type HeuristicsNode,
} from './discovery/heuristics-miner.ts';
export { heuristicsNetToPetriNet } from './discovery/heuristics-petri-net.ts';
export {
  processComplexity,
  processComplexityOfLog,
  type ComplexityInputs,
  type ComplexityLabel,
  type ComplexityMeasures,
  type ProcessComplexity,
} from './discovery/process-complexity.ts';
