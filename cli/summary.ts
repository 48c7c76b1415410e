import type { Operation, OperationResults } from '../client/index.ts';

export interface AnalysisSummary {
  operationId: string;
  status: Operation['status'];
  duration: string | null;
  cases: number | null;
  events: number | null;
  variants: number | null;
  topBottleneck: { activity: string; shareOfCaseTime: number | null } | null;
  anomalies: number | null;
  artifacts: number;
}

const resultsOf = (results: OperationResults, phaseName: string) => results.phaseResults.find((p) => p.phaseName === phaseName)?.results ?? {};
const numberOr = (value: unknown) => (typeof value === 'number' ? value : null);

/** The figures an analyst looks at first, from the results document (null where the run turned the work off). */
export function summaryOf(results: OperationResults): AnalysisSummary {
  const loading = resultsOf(results, 'Data Loading & Validation');
  const bottlenecks = resultsOf(results, 'Performance Analysis').bottlenecks as { activity: string; shareOfCaseTime?: number }[] | undefined;
  const top = bottlenecks?.[0];
  return {
    operationId: results.operationId,
    status: results.status,
    duration: results.totalDuration,
    cases: numberOr(loading.cases),
    events: numberOr(loading.events) ?? results.summary.recordsAnalyzed,
    variants: results.summary.processVariants,
    topBottleneck: top ? { activity: top.activity, shareOfCaseTime: numberOr(top.shareOfCaseTime) } : null,
    anomalies: results.summary.anomaliesDetected,
    artifacts: results.artifacts?.length ?? results.summary.artifactsCreated,
  };
}

export function summaryRows(summary: AnalysisSummary): [string, string | number | null][] {
  const bottleneck = summary.topBottleneck
    ? `${summary.topBottleneck.activity}${summary.topBottleneck.shareOfCaseTime === null ? '' : ` (${Math.round(summary.topBottleneck.shareOfCaseTime * 100)} % of case time)`}`
    : null;
  return [
    ['Operation', summary.operationId],
    ['Status', summary.status],
    ['Duration', summary.duration],
    ['Cases', summary.cases],
    ['Events', summary.events],
    ['Variants', summary.variants],
    ['Top bottleneck', bottleneck],
    ['Anomalies', summary.anomalies],
    ['Artifacts', summary.artifacts],
  ];
}
