import { createReadStream } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { examples } from '../../../functions/openapi/examples.ts';

const BPIC2012 = resolve(import.meta.dirname, '../../../../shared/datasets/bpic2012.xes.gz');

/** Three decimals, as scripts/openapi-examples.ts writes fractional figures. */
const rounded = (value: number | null | undefined) => (value == null ? value : Math.round(value * 1000) / 1000);

/** The first object below `value` that has `key`. */
function find(value: unknown, key: string): Record<string, any> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (key in value) return value as Record<string, any>;
  for (const inner of Object.values(value)) {
    const hit = find(inner, key);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

describe('the OpenAPI examples of the results route', () => {
  // The integration suite analyses bpic2012 for the results example; its figures (case
  // durations, bottleneck seconds) must be what the engine computes from that log, not
  // numbers written by hand or taken from the API documents.
  it("are bpic2012's performance figures, recomputed from the log", async () => {
    const shown = find(examples.GetOperationResults, 'bottlenecks');
    expect(shown, 'the results example has a performance section').toBeDefined();
    const { log } = await readEventLog(createReadStream(BPIC2012), { format: 'xes.gz' });
    const performance = analysePerformance(log);

    const durations = performance.caseDurations!;
    expect(shown!.caseDurations).toEqual({
      min: rounded(durations.min),
      median: rounded(durations.median),
      mean: rounded(durations.mean),
      p90: rounded(durations.p90),
      max: rounded(durations.max),
    });
    expect(shown!.activityPerformance.totalCaseSeconds).toBe(rounded(performance.activityPerformance.totalCaseSeconds));
    const bottlenecks = (shown!.bottlenecks as Record<string, unknown>[]).map((b) => b.activity);
    expect(bottlenecks).toEqual(performance.bottlenecks!.slice(0, bottlenecks.length).map((b) => b.activity));
    shown!.bottlenecks.forEach((example: Record<string, number>, i: number) => {
      const measured = performance.bottlenecks![i]! as unknown as Record<string, number>;
      for (const key of ['totalSeconds', 'share', 'meanSeconds', 'medianSeconds', 'measuredOccurrences']) {
        expect(example[key], `${measured.activity} ${key}`).toBe(rounded(measured[key]));
      }
    });
  }, 60_000);
});
