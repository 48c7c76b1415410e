import { describe, expect, it } from 'vitest';
import { renderAnomaliesCsv } from '../../../functions/mining/report/anomalies-csv.ts';

describe('renderAnomaliesCsv', () => {
  it('writes a header and RFC 4180 quoted rows', () => {
    const csv = renderAnomaliesCsv([
      { caseId: 'c1', rule: 'CycleTimeOutlier', severity: 'High', score: 7.25, reason: 'duration 10 s, above the median' },
      { caseId: 'c"2"', rule: 'RareVariant', severity: 'Low', score: 0.99, reason: 'line one\nline two' },
      { caseId: '案件3', rule: 'RareVariant', severity: 'Medium', score: 1, reason: '稀なバリアント' },
    ]);
    expect(csv).toBe(
      'caseId,rule,severity,score,reason\r\n' +
        'c1,CycleTimeOutlier,High,7.25,"duration 10 s, above the median"\r\n' +
        '"c""2""",RareVariant,Low,0.99,"line one\nline two"\r\n' +
        '案件3,RareVariant,Medium,1,稀なバリアント\r\n',
    );
  });

  it('writes only the header for no anomalies', () => {
    expect(renderAnomaliesCsv([])).toBe('caseId,rule,severity,score,reason\r\n');
  });
});
