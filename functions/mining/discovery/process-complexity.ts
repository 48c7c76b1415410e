import { directlyFollowsGraph } from './directly-follows-graph.ts';
import { variantCount } from './variants.ts';
import type { EventLog } from '../log/event-log.ts';

export type ComplexityLabel = 'Low' | 'Medium' | 'High' | 'Very High';

export interface ComplexityInputs {
  /** Distinct activities that occur in the log. */
  activities: number;
  /** Edges of the directly-follows graph. */
  dfgEdges: number;
  variants: number;
  cases: number;
}

export interface ComplexityMeasures extends ComplexityInputs {
  /** dfgEdges / activities^2: share of all possible directly-follows pairs that occur (0..1). */
  density: number;
  /** variants / cases: 1 when every case is unique, near 0 when a few paths dominate. */
  variantsPerCase: number;
  /** Sum of the three scores below, 0..9. */
  score: number;
  activityScore: number;
  densityScore: number;
  variabilityScore: number;
}

export interface ProcessComplexity {
  label: ComplexityLabel;
  measures: ComplexityMeasures;
}

/**
 * Coarse complexity label of a discovered process, for dashboards (the API's
 * `processComplexity`). Three measures each score 0..3 and the label comes from their sum:
 *
 * | score | activities | density (edges / activities^2) | variants per case |
 * |------:|-----------:|-------------------------------:|------------------:|
 * |     0 |      <= 10 |                         < 0.15 |            < 0.01 |
 * |     1 |      <= 25 |                         < 0.30 |            < 0.05 |
 * |     2 |      <= 50 |                         < 0.50 |            < 0.20 |
 * |     3 |       > 50 |                         >= 0.50 |           >= 0.20 |
 *
 * Sum 0-2: Low, 3-4: Medium, 5-6: High, 7-9: Very High.
 *
 * Why these measures: the number of activities is the size of the model; the density of the
 * directly-follows graph says how far it is from a sequence (a sequence of n activities has
 * density about 1/n, a "flower" 1); variants per case says how much of that freedom the cases
 * actually use. The cut-offs put the textbook running example (8 activities, density 0.25,
 * 6 variants in 6 cases) at Medium and the BPI Challenge 2012 log (24 activities, density
 * 0.22, a third of the cases unique) at High.
 */
export function processComplexity(inputs: ComplexityInputs): ProcessComplexity {
  const density = inputs.activities > 0 ? inputs.dfgEdges / (inputs.activities * inputs.activities) : 0;
  const variantsPerCase = inputs.cases > 0 ? inputs.variants / inputs.cases : 0;
  const activityScore = band(inputs.activities, [10, 25, 50], true);
  const densityScore = band(density, [0.15, 0.3, 0.5], false);
  const variabilityScore = band(variantsPerCase, [0.01, 0.05, 0.2], false);
  const score = activityScore + densityScore + variabilityScore;
  const label: ComplexityLabel = score <= 2 ? 'Low' : score <= 4 ? 'Medium' : score <= 6 ? 'High' : 'Very High';
  return {
    label,
    measures: { ...inputs, density, variantsPerCase, score, activityScore, densityScore, variabilityScore },
  };
}

/** {@link processComplexity} of a log, from its directly-follows graph and variants. */
export function processComplexityOfLog(log: EventLog): ProcessComplexity {
  const seen = new Uint8Array(log.activities.length);
  for (const code of log.activityCodes) seen[code] = 1;
  return processComplexity({
    activities: seen.reduce((sum, flag) => sum + flag, 0),
    dfgEdges: directlyFollowsGraph(log).length,
    variants: variantCount(log),
    cases: log.caseIds.length,
  });
}

/** Index of the first cut-off the value stays under (or at, when `inclusive`); 3 past them all. */
function band(value: number, cutoffs: readonly [number, number, number], inclusive: boolean): number {
  const index = cutoffs.findIndex((cutoff) => (inclusive ? value <= cutoff : value < cutoff));
  return index === -1 ? 3 : index;
}
