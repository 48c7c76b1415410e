import { describe, expect, it } from 'vitest';
import { processComplexity, processComplexityOfLog } from '../../../functions/mining/discovery/process-complexity.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { bytes } from './helpers.ts';

describe('processComplexity', () => {
  // Inputs are the shared logs' README figures (activities, DFG edges, variants, cases).
  it.each([
    ['running-example', { activities: 8, dfgEdges: 16, variants: 6, cases: 6 }, 'Medium'],
    ['roadtraffic100traces', { activities: 10, dfgEdges: 18, variants: 10, cases: 100 }, 'Medium'],
    ['helpdesk', { activities: 14, dfgEdges: 55, variants: 226, cases: 4_580 }, 'Medium'],
    ['bpic2012', { activities: 24, dfgEdges: 125, variants: 4_366, cases: 13_087 }, 'High'],
    ['receipt', { activities: 27, dfgEdges: 99, variants: 116, cases: 1_434 }, 'Medium'],
    ['interval_event_log', { activities: 8, dfgEdges: 15, variants: 10, cases: 1_266 }, 'Low'],
  ] as const)('labels %s', (_name, inputs, label) => {
    expect(processComplexity(inputs).label).toBe(label);
  });

  it('reports its measures', () => {
    expect(processComplexity({ activities: 8, dfgEdges: 16, variants: 6, cases: 6 }).measures).toEqual({
      activities: 8,
      dfgEdges: 16,
      variants: 6,
      cases: 6,
      density: 0.25,
      variantsPerCase: 1,
      score: 4,
      activityScore: 0,
      densityScore: 1,
      variabilityScore: 3,
    });
  });

  it('covers the whole scale', () => {
    expect(processComplexity({ activities: 0, dfgEdges: 0, variants: 0, cases: 0 }).label).toBe('Low');
    expect(processComplexity({ activities: 60, dfgEdges: 1_800, variants: 900, cases: 1_000 }).label).toBe('Very High');
    expect(processComplexity({ activities: 40, dfgEdges: 600, variants: 100, cases: 1_000 }).label).toBe('High');
    // Cut-offs: activities are inclusive (10 scores 0, 11 scores 1), ratios exclusive.
    expect(processComplexity({ activities: 10, dfgEdges: 0, variants: 1, cases: 1_000 }).measures.activityScore).toBe(0);
    expect(processComplexity({ activities: 11, dfgEdges: 0, variants: 1, cases: 1_000 }).measures.activityScore).toBe(1);
    expect(processComplexity({ activities: 10, dfgEdges: 15, variants: 10, cases: 1_000 }).measures).toMatchObject({ densityScore: 1, variabilityScore: 1 });
  });

  it('computes the measures from a log', async () => {
    const csv = ['case,activity,timestamp', 'c1,A,2024-01-01T00:00:00Z', 'c1,B,2024-01-01T00:01:00Z', 'c2,A,2024-01-01T00:02:00Z', 'c2,C,2024-01-01T00:03:00Z'].join('\n');
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    expect(processComplexityOfLog(log).measures).toMatchObject({ activities: 3, dfgEdges: 2, variants: 2, cases: 2, density: 2 / 9, variantsPerCase: 1 });
  });
});
