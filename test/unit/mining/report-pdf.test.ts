import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderPdfReport } from '../../../functions/mining/report/pdf-report.ts';
import { reportFonts } from '../../../functions/mining/report/report-font.ts';
import { reportLayouts } from '../../../functions/mining/report/report-type.ts';
import { japaneseReportInput, reportInputFromDataset } from './report-fixtures.ts';

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** The objects of an uncompressed-xref PDF such as pdfkit writes, streams inflated. */
function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const objects = new Map<number, PdfObject>();
  const text = pdf.toString('latin1');
  const pattern = /(\d+) 0 obj\s*/g;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(text)) !== null) {
    const start = match.index + match[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const streamAt = body.indexOf('stream\n');
    let stream: Buffer | null = null;
    let dict = body;
    if (streamAt >= 0) {
      dict = body.slice(0, streamAt);
      const dataStart = start + streamAt + 'stream\n'.length;
      const raw = pdf.subarray(dataStart, start + body.lastIndexOf('\nendstream'));
      stream = dict.includes('/FlateDecode') ? inflateSync(raw) : raw;
    }
    objects.set(Number(match[1]), { dict, stream });
    pattern.lastIndex = end;
  }
  return objects;
}

/** Text of the content streams, decoded through each font's ToUnicode map (what a PDF reader extracts). */
function extractText(pdf: Buffer): string {
  const objects = pdfObjects(pdf);
  const fontByName = new Map<string, number>();
  for (const { dict } of objects.values()) {
    for (const m of dict.matchAll(/\/(F\d+) (\d+) 0 R/g)) fontByName.set(m[1]!, Number(m[2]));
  }
  const toUnicode = (fontObject: number): Map<number, string> => {
    const map = new Map<number, string>();
    const ref = /\/ToUnicode (\d+) 0 R/.exec(objects.get(fontObject)?.dict ?? '');
    const cmap = ref ? objects.get(Number(ref[1]))?.stream?.toString('latin1') ?? '' : '';
    const hex = (h: string) => String.fromCharCode(...(h.match(/.{4}/g) ?? []).map((u) => parseInt(u, 16)));
    for (const m of cmap.matchAll(/<([0-9a-f]+)> <([0-9a-f]+)> \[([^\]]*)\]/gi)) {
      const first = parseInt(m[1]!, 16);
      // Ligatures map to several code units: <0066 0069> is "fi".
      [...m[3]!.matchAll(/<([0-9a-f ]+)>/gi)].forEach((u, i) => map.set(first + i, hex(u[1]!.replace(/ /g, ''))));
    }
    return map;
  };
  const maps = new Map<string, Map<number, string>>();
  let out = '';
  for (const { dict, stream } of objects.values()) {
    if (stream === null || dict.includes('/Subtype') || dict.includes('/Length1')) continue;
    let font: Map<number, string> | undefined;
    for (const m of stream.toString('latin1').matchAll(/\/(F\d+) [\d.]+ Tf|\[([^\]]*)\] TJ/g)) {
      if (m[1] !== undefined) {
        if (!maps.has(m[1])) maps.set(m[1], toUnicode(fontByName.get(m[1])!));
        font = maps.get(m[1]);
        continue;
      }
      for (const h of m[2]!.matchAll(/<([0-9a-f]+)>/gi)) {
        for (const code of h[1]!.match(/.{4}/g) ?? []) out += font?.get(parseInt(code, 16)) ?? '\ufffd';
      }
      out += '\n';
    }
  }
  return out;
}

describe('renderPdfReport', async () => {
  const input = japaneseReportInput();
  const pdf = await renderPdfReport(input);
  const text = pdf.toString('latin1');

  it('is a PDF with the expected pages', () => {
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    // Title, process map, tables, recommendations.
    expect(text.match(/\/Type \/Page\b/g)?.length).toBe(4);
    expect(/\/Type \/Pages\s*\/Count 4\b/.test(text)).toBe(true);
  });

  it('embeds subsets of the CJK font, regular and bold', () => {
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+BIZUDPGothic-Regular/);
    expect(text).toMatch(/\/BaseFont \/[A-Z]{6}\+BIZUDPGothic-Bold/);
    expect(text.match(/\/FontFile2 \d+ 0 R/g)?.length).toBe(2);
    // Subset: far smaller than the 4.5 MB font files.
    expect(pdf.length).toBeLessThan(300_000);
  });

  it('has the Japanese texts as extractable text', () => {
    const extracted = extractText(pdf);
    expect(extracted).toContain('申請プロセス分析');
    for (const name of ['受付', '審査', '差戻し', '承認', '完了']) expect(extracted).toContain(name);
    expect(extracted).toContain('差戻し後の再審査を優先する');
    expect(extracted).toContain('処理時間が中央値の3倍');
    expect(extracted).toContain('Recommendations');
  });

  it('lists High priority recommendations first', () => {
    const extracted = extractText(pdf);
    expect(extracted.indexOf('差戻し後の再審査を優先する')).toBeLessThan(extracted.indexOf('Automate the final filing step'));
  });

  it('is reproducible and accepts supplied font bytes', async () => {
    const again = await renderPdfReport(input, { fonts: { regular: new Uint8Array(reportFonts().regular) } });
    // Same regular face; the bold face falls back to regular, so only the bold font differs.
    expect(again.subarray(0, 9).toString()).toBe('%PDF-1.3\n');
    expect(again.toString('latin1')).not.toMatch(/BIZUDPGothic-Bold/);
    expect((await renderPdfReport(input)).equals(pdf)).toBe(true);
  });
});

describe('PDF report of receipt.csv', async () => {
  const input = await reportInputFromDataset('receipt.csv', 'csv');

  it('renders the real analysis', async () => {
    const started = performance.now();
    const pdf = await renderPdfReport(input);
    const elapsed = performance.now() - started;
    const extracted = extractText(pdf);
    expect(extracted).toContain('Confirmation of receipt');
    expect(extracted).toContain('1,434');
    expect(elapsed).toBeLessThan(20_000);
  });
});

describe('PDF report of a log without timestamps', () => {
  it('shows the time figures as not available', async () => {
    const input = japaneseReportInput();
    const untimed = { ...input, caseDurations: null, bottlenecks: [], processMap: { ...input.processMap, edges: input.processMap.edges.map((e) => ({ ...e, meanTransitionMs: null })) } };
    const extracted = extractText(await renderPdfReport(untimed)).replace(/\n/g, ' ');
    expect(extracted).toContain('Median case duration');
    expect(extracted).toContain('n/a');
    expect(extracted).toMatch(/Not available: the log has no\s*timestamps/);
    expect(extracted).toContain('受付');
  });
});

describe('report types', async () => {
  const real = await reportInputFromDataset('receipt.csv', 'csv');
  // The receipt log's analysis gives variants and anomalies; bottlenecks and recommendations are made up to have more than a summary shows.
  const input = {
    ...real,
    bottlenecks: [1, 2, 3, 4, 5, 6].map((n) => ({ from: `Step ${n}`, to: `Step ${n}`, frequency: n, meanDurationMs: n * 60_000 })),
    recommendations: [1, 2, 3, 4, 5, 6, 7].map((n) => ({ category: 'Process', priority: n === 7 ? 'High' : 'Low', recommendation: `Recommendation ${n}`, expectedImprovement: 'some' })),
  };
  const { sections: _summarySections, ...summary } = reportLayouts.executive_summary;
  const { sections: _detailedSections, ...detailed } = reportLayouts.detailed;
  const summaryText = extractText(await renderPdfReport(input, summary)).replace(/\n/g, ' ');
  const detailedText = extractText(await renderPdfReport(input, detailed)).replace(/\n/g, ' ');

  it('an executive summary leaves out the activities table and the single anomalies, and cuts the lists', () => {
    expect(detailedText).toContain('Cases starting');
    expect(summaryText).not.toContain('Cases starting');
    const shownVariants = Math.min(5, input.variants.top.length);
    expect(summaryText).toContain(`Top variants (${shownVariants} of ${input.variants.total.toLocaleString('en-US')})`);
    expect(detailedText).toContain(`Top variants (${Math.min(25, input.variants.top.length)} of ${input.variants.total.toLocaleString('en-US')})`);
    // The slowest three: steps 6, 5 and 4.
    expect(summaryText).toContain('Bottlenecks (the 3 slowest of 6)');
    expect(summaryText).toContain('Step 4');
    expect(summaryText).not.toContain('Step 3');
    expect(detailedText).toContain('Step 1');
    expect(real.anomalies?.length).toBeGreaterThan(0);
    expect(detailedText).toContain('Highest-scoring anomalies');
    expect(summaryText).not.toContain('Highest-scoring anomalies');
    // The counts by rule stay in both.
    expect(summaryText).toContain('Anomalies (');
    // Highest priority first: the one High recommendation is among the five.
    expect(summaryText).toContain('Recommendations (the 5 of highest priority, of 7)');
    expect(summaryText).toContain('Recommendation 7');
    expect(summaryText).not.toContain('Recommendation 5');
    expect(detailedText).toContain('Recommendation 5');
    expect(summaryText.length).toBeLessThan(detailedText.length);
  });
});
