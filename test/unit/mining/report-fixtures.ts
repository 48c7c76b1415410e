import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { activityCounts, endActivities, startActivities } from '../../../functions/mining/discovery/activity-counts.ts';
import { directlyFollowsGraph } from '../../../functions/mining/discovery/directly-follows-graph.ts';
import { variants } from '../../../functions/mining/discovery/variants.ts';
import { readEventLog, type EventLogFormat } from '../../../functions/mining/ingest/read-event-log.ts';
import { cycleTimeOutliers, rareVariantCases } from '../../../functions/mining/ml/anomalies.ts';
import { caseDurationStats } from '../../../functions/mining/performance/case-duration-stats.ts';
import type { ReportInput } from '../../../functions/mining/report/report-input.ts';
import { DATASETS_DIR } from './helpers.ts';

const toList = (m: Record<string, number>) => Object.entries(m).map(([name, count]) => ({ name, count }));

/** A report input from a shared dataset, built with the engine's discovery functions. */
export async function reportInputFromDataset(file: string, format: EventLogFormat): Promise<ReportInput> {
  const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, file)), { format });
  const v = variants(log, { limit: 10 });
  return {
    title: `Analysis of ${file}`,
    generatedAt: '2025-01-01T00:00:00.000Z',
    summary: { cases: log.caseIds.length, events: log.activityCodes.length, activities: log.activities.length, variants: v.total },
    processMap: {
      activities: toList(activityCounts(log)),
      edges: directlyFollowsGraph(log),
      startActivities: toList(startActivities(log)),
      endActivities: toList(endActivities(log)),
    },
    variants: v,
    caseDurations: caseDurationStats(log),
    anomalies: [...cycleTimeOutliers(log), ...rareVariantCases(log)],
    recommendations: [],
  };
}

/** A small Japanese-named process: 受付 -> 審査 -> (承認 | 差戻し -> 審査) -> 完了. */
export function japaneseReportInput(): ReportInput {
  const h = 3_600_000;
  return {
    title: '申請プロセス分析',
    generatedAt: '2025-04-01T09:00:00.000Z',
    summary: { cases: 10, events: 44, activities: 5, variants: 2, dataQualityScore: 97.5 },
    processMap: {
      activities: [
        { name: '受付', count: 10 },
        { name: '審査', count: 12 },
        { name: '承認', count: 10 },
        { name: '差戻し', count: 2 },
        { name: '完了', count: 10 },
      ],
      edges: [
        { from: '受付', to: '審査', frequency: 10, meanTransitionMs: 2 * h },
        { from: '審査', to: '承認', frequency: 10, meanTransitionMs: 30 * h },
        { from: '承認', to: '完了', frequency: 10, meanTransitionMs: 1 * h },
        { from: '審査', to: '差戻し', frequency: 2, meanTransitionMs: 5 * h },
        { from: '差戻し', to: '審査', frequency: 2, meanTransitionMs: 48 * h },
      ],
      startActivities: [{ name: '受付', count: 10 }],
      endActivities: [{ name: '完了', count: 10 }],
    },
    variants: {
      total: 2,
      top: [
        { activities: ['受付', '審査', '承認', '完了'], count: 8 },
        { activities: ['受付', '審査', '差戻し', '審査', '承認', '完了'], count: 2 },
      ],
    },
    caseDurations: { min: 100_000, median: 120_000, mean: 150_000, p90: 300_000, max: 400_000 },
    bottlenecks: [{ from: '差戻し', to: '審査', frequency: 2, meanDurationMs: 48 * h, medianDurationMs: 40 * h, severity: 'High' }],
    anomalies: [
      { caseId: 'case-7', rule: 'CycleTimeOutlier', severity: 'High', score: 9.1, reason: '処理時間が中央値の3倍' },
      { caseId: 'case-9', rule: 'RareVariant', severity: 'Low', score: 0.8, reason: 'variant shared by 1 case' },
    ],
    recommendations: [
      { category: 'Bottleneck', priority: 'Low', recommendation: 'Automate the final filing step', expectedImprovement: '-1 h per case' },
      { category: 'ボトルネック', priority: 'High', recommendation: '差戻し後の再審査を優先する', expectedImprovement: '平均処理時間 20% 短縮' },
    ],
  };
}
