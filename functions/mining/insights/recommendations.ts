import type { Bottleneck } from '../performance/bottlenecks.ts';
import type { ReworkReport } from '../performance/rework.ts';

export interface Recommendation {
  category: 'Process Optimization' | 'Rework' | 'Data Quality' | 'Conformance';
  priority: 'High' | 'Medium' | 'Low';
  recommendation: string;
  expectedImprovement: string;
  /** The measurement the recommendation rests on. */
  evidence: Record<string, number | string>;
}

export interface RecommendationInputs {
  bottlenecks: readonly Bottleneck[];
  rework: ReworkReport | null;
  dataQuality: { score: number; errorRecords: number; inferredTimestamps: number; recordsLoaded: number } | null;
  /** Cases whose replay fitness fell below the deviation threshold. */
  conformance: { deviatingCases: number; cases: number; fitnessThreshold: number } | null;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
const priorityOf = (share: number, high: number, medium: number): Recommendation['priority'] => (share >= high ? 'High' : share >= medium ? 'Medium' : 'Low');

/**
 * Recommendations derived from measurements only; each states the measured share it rests on
 * as the improvement available, never an invented estimate. Rules:
 * - the largest bottleneck (waiting time, or sojourn time when waits cannot be told apart):
 *   its share of all case time is what removing that time would save (High from 20%, Medium from 5%);
 * - rework when over 5% of cases repeat an activity: the share of cases affected (High from 25%);
 * - data quality when records had to be repaired or dropped;
 * - conformance when 5% or more of cases replay on the discovered model below the fitness threshold.
 */
export function recommend(inputs: RecommendationInputs): Recommendation[] {
  const out: Recommendation[] = [];
  const top = inputs.bottlenecks[0];
  if (top && top.share !== null && top.share > 0) {
    const what = top.measure === 'waiting' ? 'waiting time before' : 'time spent reaching';
    out.push({
      category: 'Process Optimization',
      priority: priorityOf(top.share, 0.2, 0.05),
      recommendation: `Reduce the ${what} '${top.activity}'`,
      expectedImprovement: `${percent(top.share)} of total case time is ${top.measure} time of '${top.activity}'; removing it would shorten cases by up to that share`,
      evidence: { activity: top.activity, measure: top.measure, share: top.share, meanSeconds: top.meanSeconds },
    });
  }
  const rework = inputs.rework;
  const repeated = rework?.activities[0];
  if (rework?.reworkShare && rework.reworkShare > 0.05 && repeated) {
    out.push({
      category: 'Rework',
      priority: priorityOf(rework.reworkShare, 0.25, 0.05),
      recommendation: `Find out why '${repeated.activity}' is repeated`,
      expectedImprovement: `${percent(rework.reworkShare)} of cases repeat an activity; '${repeated.activity}' is repeated ${repeated.repeatCount} times in ${repeated.casesWithRepetition} cases`,
      evidence: { activity: repeated.activity, casesWithRework: rework.casesWithRework, reworkShare: rework.reworkShare },
    });
  }
  const quality = inputs.dataQuality;
  if (quality && quality.errorRecords > 0 && quality.recordsLoaded > 0) {
    const share = quality.errorRecords / quality.recordsLoaded;
    out.push({
      category: 'Data Quality',
      priority: priorityOf(share, 0.05, 0.01),
      recommendation: 'Validate case ids, activities and timestamps where the events are recorded',
      expectedImprovement: `${quality.errorRecords} of ${quality.recordsLoaded} records (${percent(share)}) needed repair or were dropped; the data quality score is ${quality.score}`,
      evidence: { errorRecords: quality.errorRecords, inferredTimestamps: quality.inferredTimestamps, dataQualityScore: quality.score },
    });
  }
  const conformance = inputs.conformance;
  if (conformance && conformance.cases > 0 && conformance.deviatingCases / conformance.cases >= 0.05) {
    const share = conformance.deviatingCases / conformance.cases;
    out.push({
      category: 'Conformance',
      priority: priorityOf(share, 0.25, 0.1),
      recommendation: 'Review the cases that deviate from the discovered process model',
      expectedImprovement: `${percent(share)} of cases replay on the discovered model with a fitness below ${conformance.fitnessThreshold}`,
      evidence: { deviatingCases: conformance.deviatingCases, cases: conformance.cases, fitnessThreshold: conformance.fitnessThreshold },
    });
  }
  return out;
}
