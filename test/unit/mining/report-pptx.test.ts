import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { renderPptxReport } from '../../../functions/mining/report/pptx-report.ts';
import { japaneseReportInput, reportInputFromDataset } from './report-fixtures.ts';

/** Entries of a zip archive by name (stored or deflated), read through the central directory. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < entries; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory');
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20); // compressed size
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(dataStart, dataStart + size);
    files.set(name, method === 8 ? inflateRawSync(data) : Buffer.from(data));
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

describe('renderPptxReport', async () => {
  const input = japaneseReportInput();
  const pptx = await renderPptxReport(input);
  const files = unzip(pptx);
  const slide = (n: number) => files.get(`ppt/slides/slide${n}.xml`)?.toString('utf8') ?? '';
  // Text content of a slide: pptxgenjs splits table cells into runs per estimated line.
  const slideText = (n: number) => slide(n).replace(/<[^>]+>/g, '');

  it('is a presentation with four slides', () => {
    expect(pptx.subarray(0, 2).toString()).toBe('PK');
    expect(files.has('[Content_Types].xml')).toBe(true);
    expect(files.has('ppt/presentation.xml')).toBe(true);
    expect([1, 2, 3, 4].every((n) => files.has(`ppt/slides/slide${n}.xml`))).toBe(true);
    expect(files.has('ppt/slides/slide5.xml')).toBe(false);
  });

  it('has the title, key figures and recommendations as text, Japanese runs tagged ja-JP', () => {
    expect(slide(1)).toContain('申請プロセス分析');
    expect(slide(1)).toMatch(/lang="ja-JP"/);
    expect(slide(2)).toContain('Key figures');
    expect(slide(2)).toContain('>10<'); // cases
    expect(slide(2)).toContain('97.5 / 100');
    expect(slideText(4)).toContain('差戻し後の再審査を優先する');
    expect(slideText(4)).toContain('平均処理時間 20% 短縮');
    // High priority first.
    expect(slideText(4).indexOf('差戻し後の再審査を優先する')).toBeLessThan(slideText(4).indexOf('Automate the final filing step'));
  });

  it('embeds the process map as an SVG picture', () => {
    expect(slide(3)).toContain('svgBlip');
    const svg = [...files.entries()].find(([name]) => name.startsWith('ppt/media/') && name.endsWith('.svg'));
    expect(svg).toBeDefined();
    const text = svg![1].toString('utf8');
    expect(text).toContain('>差戻し</text>');
    expect(text).toContain('>受付</text>');
  });
});

describe('PowerPoint report of receipt.csv', async () => {
  it('renders the real analysis', async () => {
    const input = await reportInputFromDataset('receipt.csv', 'csv');
    const started = performance.now();
    const files = unzip(await renderPptxReport(input));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(files.get('ppt/slides/slide2.xml')?.toString('utf8')).toContain('1,434');
    expect(files.get('ppt/slides/slide4.xml')?.toString('utf8')).toContain('No recommendations were provided');
  });
});

describe('PowerPoint report of a log without timestamps', () => {
  it('shows the case durations as not available', async () => {
    const input = japaneseReportInput();
    const untimed = { ...input, caseDurations: null, processMap: { ...input.processMap, edges: input.processMap.edges.map((e) => ({ ...e, meanTransitionMs: null })) } };
    const slide2 = unzip(await renderPptxReport(untimed)).get('ppt/slides/slide2.xml')?.toString('utf8') ?? '';
    expect(slide2).toContain('Median case duration');
    expect(slide2.match(/>n\/a</g)?.length).toBe(2);
  });
});
