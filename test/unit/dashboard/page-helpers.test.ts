import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../dashboard/src/csv.ts';
import { layers } from '../../../dashboard/src/graph-layout.ts';

describe('dashboard helpers', () => {
  it('reads the anomalies CSV with quoted commas, doubled quotes and line breaks', () => {
    expect(parseCsv('caseId,reason\r\nc1,"a, b"\nc2,"say ""hi""\nthere"\n')).toEqual([
      ['caseId', 'reason'],
      ['c1', 'a, b'],
      ['c2', 'say "hi"\nthere'],
    ]);
  });

  it('lays a batch out in columns by longest dependency path', () => {
    const depth = layers([
      { operationKey: 'report', dependencies: ['analysis', 'enrich'] },
      { operationKey: 'enrich', dependencies: [] },
      { operationKey: 'analysis', dependencies: ['enrich'] },
      { operationKey: 'other', dependencies: [] },
    ]);
    expect(Object.fromEntries(depth)).toEqual({ enrich: 0, analysis: 1, report: 2, other: 0 });
  });
});
