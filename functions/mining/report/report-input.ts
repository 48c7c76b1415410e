// What an analysis hands to the report renderers. Plain data only, so that the renderers do not
// depend on the engine's or the API's own types: callers map their results onto these shapes.

/** An activity and how many events it has. */
export interface ReportActivity {
  name: string;
  count: number;
}

/** One directly-follows relation. */
export interface ReportDfgEdge {
  from: string;
  to: string;
  /** Times `to` directly follows `from` within a case. */
  frequency: number;
  /** Mean time between the two events, in milliseconds; null when the log has no timestamps. */
  meanTransitionMs: number | null;
}

/** Everything the process map is drawn from. */
export interface ProcessMapInput {
  activities: ReportActivity[];
  edges: ReportDfgEdge[];
  /** Activities cases start with, and how many cases start with each. */
  startActivities: ReportActivity[];
  /** Activities cases end with, and how many cases end with each. */
  endActivities: ReportActivity[];
}

/** Headline counts of the analysed log. */
export interface ReportSummary {
  cases: number;
  events: number;
  activities: number;
  variants: number;
  /** 0..100 when the ingest computed one. */
  dataQualityScore?: number | null;
  /** First and last event timestamps, ISO 8601. */
  timeRange?: { from: string; to: string } | null;
  /** Further figures shown as given, e.g. { label: 'Resources', value: '48' }. */
  extraFigures?: Array<{ label: string; value: string }>;
}

export interface ReportVariant {
  activities: string[];
  /** Cases following exactly this sequence. */
  count: number;
}

/** Case durations in seconds. */
export interface ReportCaseDurationStats {
  min: number;
  median: number;
  mean: number;
  p90: number;
  max: number;
}

/** A slow transition between two activities (or the waiting time inside one, when from === to). */
export interface ReportBottleneck {
  from: string;
  to: string;
  frequency: number;
  meanDurationMs: number;
  medianDurationMs?: number | null;
  severity?: string | null;
}

export interface ReportAnomaly {
  caseId: string;
  rule: string;
  severity: string;
  score: number;
  reason: string;
}

export interface ReportRecommendation {
  category: string;
  /** e.g. 'High' | 'Medium' | 'Low'; High sorts first, unknown values last. */
  priority: string;
  recommendation: string;
  expectedImprovement: string;
}

export interface ReportInput {
  title: string;
  /** When the analysis ran, ISO 8601; also the PDF's creation date (keeps the PDF reproducible). */
  generatedAt: string;
  summary: ReportSummary;
  processMap: ProcessMapInput;
  variants: { total: number; top: ReportVariant[] };
  /** Null when the log has no timestamps (or no cases): shown as not available. */
  caseDurations: ReportCaseDurationStats | null;
  bottlenecks?: ReportBottleneck[];
  anomalies?: ReportAnomaly[];
  recommendations?: ReportRecommendation[];
}
