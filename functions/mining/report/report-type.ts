import type { PdfReportOptions } from './pdf-report.ts';

/** The report types of a ReportGeneration request. */
export type ReportType = 'executive_summary' | 'detailed';

/**
 * What each report type puts in the PDF. An executive summary is the summary figures, the process map, the five most
 * frequent variants, the case durations, the three slowest bottlenecks, the anomaly counts by rule and severity, and
 * the five recommendations of highest priority. A detailed report adds the activities table, lists up to 25 variants
 * and every bottleneck, the 50 highest-scoring anomalies one by one, and every recommendation.
 */
export const reportLayouts: Record<ReportType, PdfReportOptions & { sections: readonly string[] }> = {
  executive_summary: {
    detail: 'summary',
    maxVariants: 5,
    maxBottlenecks: 3,
    maxRecommendations: 5,
    sections: ['summary', 'processMap', 'topVariants', 'caseDurations', 'topBottlenecks', 'anomalyCounts', 'topRecommendations'],
  },
  detailed: {
    detail: 'full',
    maxVariants: 25,
    maxAnomalies: 50,
    sections: ['summary', 'processMap', 'variants', 'activities', 'caseDurations', 'bottlenecks', 'anomalyCounts', 'anomalies', 'recommendations'],
  },
};
