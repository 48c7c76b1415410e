import { describe, expect, it } from 'vitest';
import { recommend } from '../../../functions/mining/insights/recommendations.ts';
import type { Bottleneck } from '../../../functions/mining/performance/bottlenecks.ts';
import type { ReworkReport } from '../../../functions/mining/performance/rework.ts';

const bottleneck = (activity: string, share: number): Bottleneck => ({
  activity,
  measure: 'waiting',
  totalSeconds: 100,
  share,
  meanSeconds: 10,
  medianSeconds: 8,
  measuredOccurrences: 10,
});

const noRework: ReworkReport = { casesWithRework: 0, reworkShare: 0, activities: [], selfLoops: 0, lengthTwoLoops: 0, lengthTwoLoopPatterns: [] };

describe('recommend', () => {
  it('states the top bottleneck with its measured share as the improvement', () => {
    const [first] = recommend({ bottlenecks: [bottleneck('Manager Approval', 0.31), bottleneck('Review', 0.1)], rework: noRework, dataQuality: null, conformance: null });
    expect(first).toMatchObject({ category: 'Process Optimization', priority: 'High', recommendation: "Reduce the waiting time before 'Manager Approval'" });
    expect(first!.expectedImprovement).toContain('31.0%');
    expect(first!.evidence).toMatchObject({ share: 0.31 });
  });

  it('recommends nothing it has no measurement for', () => {
    expect(recommend({ bottlenecks: [], rework: noRework, dataQuality: { score: 100, errorRecords: 0, inferredTimestamps: 0, recordsLoaded: 10 }, conformance: { deviatingCases: 0, cases: 10, fitnessThreshold: 0.8 } })).toEqual([]);
  });

  it('grades rework, data quality and conformance by the measured shares', () => {
    const out = recommend({
      bottlenecks: [],
      rework: { ...noRework, casesWithRework: 30, reworkShare: 0.3, activities: [{ activity: 'Fix', casesWithRepetition: 30, repeatCount: 45, selfLoops: 0 } as ReworkReport['activities'][number]] },
      dataQuality: { score: 97.5, errorRecords: 5, inferredTimestamps: 5, recordsLoaded: 200 },
      conformance: { deviatingCases: 12, cases: 100, fitnessThreshold: 0.8 },
    });
    expect(out.map((r) => [r.category, r.priority])).toEqual([
      ['Rework', 'High'],
      ['Data Quality', 'Medium'],
      ['Conformance', 'Medium'],
    ]);
  });
});
