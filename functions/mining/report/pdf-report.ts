import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import { renderProcessMapSvg, type ProcessMapOptions, type ProcessMapSvg } from './process-map-svg.ts';
import { reportFonts, type ReportFontBytes } from './report-font.ts';
import { DURATIONS_NOT_AVAILABLE, NOT_AVAILABLE, formatCount, formatDurationMs, formatDurationSeconds, formatPercent, priorityOrder } from './report-format.ts';
import type { ReportInput } from './report-input.ts';

export interface PdfReportOptions {
  /** Font bytes for bundles that cannot read node_modules; by default the packaged BIZ UDPGothic. */
  fonts?: ReportFontBytes;
  processMap?: ProcessMapOptions;
  /** The map already laid out (with `processMap`'s options), so a caller rendering several formats lays it out once. */
  map?: ProcessMapSvg;
  /** Rows of the top-variants table. Default 10. */
  maxVariants?: number;
  /** Rows of the highest-scoring anomalies table. Default 15. */
  maxAnomalies?: number;
  /**
   * `summary` (an executive summary) leaves out the activities table and the listing of single anomalies (their
   * counts by rule and severity stay); `full` has every table. Default full.
   */
  detail?: 'summary' | 'full';
  /** Rows of the bottlenecks table, highest mean first when it is cut. Default all. */
  maxBottlenecks?: number;
  /** Rows of the recommendations table, highest priority first. Default all. */
  maxRecommendations?: number;
}

// A4 landscape: process maps are laid out left to right.
const PAGE: [number, number] = [841.89, 595.28];
const MARGIN = 40;
/** PDF viewers reject pages beyond 200 inches. */
const MAX_PAGE_PT = 14_400;
const REGULAR = 'Report';
const BOLD = 'Report-Bold';
const ACCENT = '#08519c';

/**
 * The analysis as a PDF: title page with the summary figures, the process map as vector
 * graphics (its page is sized to the map, at least A4, so that large maps stay legible when
 * zoomed), tables (top variants, activities, case durations, bottlenecks, anomalies) and
 * recommendations. All text uses one embedded CJK-capable font, subset to the glyphs used.
 * The creation date is `generatedAt`, so the same input gives the same bytes.
 */
export async function renderPdfReport(input: ReportInput, options: PdfReportOptions = {}): Promise<Buffer> {
  const map = options.map ?? (await renderProcessMapSvg(input.processMap, options.processMap));
  const fonts = reportFonts(options.fonts);
  const generatedAt = new Date(input.generatedAt);
  const doc = new PDFDocument({
    size: PAGE,
    margin: MARGIN,
    autoFirstPage: false,
    bufferPages: true,
    // No default font: pdfkit would otherwise load Helvetica's metrics from its data folder.
    font: null as unknown as string,
    info: {
      Title: input.title,
      Subject: 'Process mining report',
      Creator: 'process-mining-jobs',
      CreationDate: Number.isNaN(generatedAt.getTime()) ? new Date(0) : generatedAt,
    },
    lang: 'ja-JP',
    displayTitle: true,
  });
  doc.registerFont(REGULAR, fonts.regular);
  doc.registerFont(BOLD, fonts.bold);
  reuseParsedFonts(doc);
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  titlePage(doc, input);
  processMapPage(doc, map.svg, map.widthPt, map.heightPt);
  tablesPages(doc, input, options);
  recommendationsPage(doc, input, options);
  pageNumbers(doc);

  doc.end();
  await ended;
  return Buffer.concat(chunks);
}

type Doc = PDFKit.PDFDocument;

/**
 * pdfkit's tables restore the font after every cell with `doc.font(source)`, and the source of
 * a font registered as bytes is the bytes, which pdfkit does not cache: each cell parsed the
 * 4.5 MB font again (its 20,000-glyph metrics) before finding it equal to the open one. On
 * bpic2012 that was 0.75 of the report's 1.3 s and ~90 MB of heap. Re-registering each face as
 * the parsed (fontkit) font it opened makes the restore reuse it; the output is unchanged.
 */
function reuseParsedFonts(doc: Doc): void {
  const opened = doc as unknown as { _font: { font?: { layout?: unknown } } | null };
  // Bold first: the title page opens it first, so font ids (and the bytes) stay as before.
  for (const name of [BOLD, REGULAR]) {
    doc.font(name);
    const parsed = opened._font?.font;
    if (typeof parsed?.layout === 'function') doc.registerFont(name, parsed as unknown as Buffer);
  }
}

function titlePage(doc: Doc, input: ReportInput): void {
  doc.addPage();
  doc.font(BOLD).fontSize(26).fillColor(ACCENT).text(input.title, { width: contentWidth(doc) });
  doc.moveDown(0.3);
  doc.font(REGULAR).fontSize(12).fillColor('#404040').text(`Process mining report · generated ${input.generatedAt}`);
  const range = input.summary.timeRange;
  if (range) doc.text(`Events from ${range.from} to ${range.to}`);
  doc.moveDown(1.2);

  const { summary, caseDurations } = input;
  const figures: Array<[string, string]> = [
    ['Cases', formatCount(summary.cases)],
    ['Events', formatCount(summary.events)],
    ['Activities', formatCount(summary.activities)],
    ['Variants', formatCount(summary.variants)],
    ['Median case duration', caseDurations ? formatDurationSeconds(caseDurations.median) : NOT_AVAILABLE],
    ['Mean case duration', caseDurations ? formatDurationSeconds(caseDurations.mean) : NOT_AVAILABLE],
    ['90th percentile duration', caseDurations ? formatDurationSeconds(caseDurations.p90) : NOT_AVAILABLE],
    ['Longest case', caseDurations ? formatDurationSeconds(caseDurations.max) : NOT_AVAILABLE],
  ];
  if (summary.dataQualityScore != null) figures.push(['Data quality score', `${summary.dataQualityScore.toFixed(1)} / 100`]);
  if (input.anomalies) figures.push(['Anomalous cases', formatCount(new Set(input.anomalies.map((a) => a.caseId)).size)]);
  if (input.bottlenecks) figures.push(['Bottlenecks', formatCount(input.bottlenecks.length)]);
  if (input.recommendations) figures.push(['Recommendations', formatCount(input.recommendations.length)]);
  for (const extra of summary.extraFigures ?? []) figures.push([extra.label, extra.value]);

  const columns = 4;
  const gap = 12;
  const tileWidth = (contentWidth(doc) - gap * (columns - 1)) / columns;
  const tileHeight = 64;
  const top = doc.y;
  figures.forEach(([label, value], i) => {
    const x = MARGIN + (i % columns) * (tileWidth + gap);
    const y = top + Math.floor(i / columns) * (tileHeight + gap);
    doc.roundedRect(x, y, tileWidth, tileHeight, 6).fillAndStroke('#eff3ff', '#9ecae1');
    doc.fillColor('#404040').font(REGULAR).fontSize(10).text(label, x + 10, y + 9, { width: tileWidth - 20, lineBreak: false, ellipsis: true });
    doc.fillColor(ACCENT).font(BOLD).fontSize(20).text(value, x + 10, y + 28, { width: tileWidth - 20, lineBreak: false, ellipsis: true });
  });
  doc.x = MARGIN;
  doc.y = top + Math.ceil(figures.length / columns) * (tileHeight + gap) + 8;
}

function processMapPage(doc: Doc, svg: string, widthPt: number, heightPt: number): void {
  // The map's own caption (drawn from the SVG) states how it was filtered.
  const headerHeight = 36;
  const pageWidth = Math.min(MAX_PAGE_PT, Math.max(PAGE[0], widthPt + 2 * MARGIN));
  const pageHeight = Math.min(MAX_PAGE_PT, Math.max(PAGE[1], heightPt + 2 * MARGIN + headerHeight));
  doc.addPage({ size: [pageWidth, pageHeight], margin: MARGIN });
  heading(doc, 'Process map');
  const y = MARGIN + headerHeight;
  SVGtoPDF(doc, svg, MARGIN, y, {
    width: pageWidth - 2 * MARGIN,
    height: pageHeight - y - MARGIN,
    preserveAspectRatio: 'xMidYMin meet',
    assumePt: true,
    // Every family in the map (a CSS-style list) is drawn with the embedded CJK font.
    fontCallback: (_family, bold) => (bold ? BOLD : REGULAR),
    warningCallback: () => {},
  });
}

function tablesPages(doc: Doc, input: ReportInput, options: PdfReportOptions): void {
  doc.addPage();
  const cases = Math.max(1, input.summary.cases);
  const variants = input.variants.top.slice(0, options.maxVariants ?? 10);
  heading(doc, `Top variants (${formatCount(variants.length)} of ${formatCount(input.variants.total)})`);
  table(
    doc,
    ['#', 'Cases', 'Share', 'Activity sequence'],
    [28, 60, 55, '*'],
    variants.map((v, i) => [String(i + 1), formatCount(v.count), formatPercent(v.count / cases), sequence(v.activities)]),
    [1, 2],
  );

  const summaryOnly = options.detail === 'summary';
  if (!summaryOnly) activitiesTable(doc, input);

  const d = input.caseDurations;
  section(doc, 'Case durations');
  if (d) {
    table(doc, ['Minimum', 'Median', 'Mean', '90th percentile', 'Maximum'], ['*', '*', '*', '*', '*'], [
      [d.min, d.median, d.mean, d.p90, d.max].map(formatDurationSeconds),
    ], [0, 1, 2, 3, 4]);
  } else {
    doc.font(REGULAR).fontSize(10).fillColor('#404040').text(DURATIONS_NOT_AVAILABLE, { width: contentWidth(doc) });
    doc.moveDown(0.5);
  }

  if (input.bottlenecks && input.bottlenecks.length > 0) {
    const all = input.bottlenecks;
    const shown = options.maxBottlenecks !== undefined && options.maxBottlenecks < all.length ? [...all].sort((a, b) => b.meanDurationMs - a.meanDurationMs).slice(0, options.maxBottlenecks) : all;
    section(doc, shown.length < all.length ? `Bottlenecks (the ${formatCount(shown.length)} slowest of ${formatCount(all.length)})` : 'Bottlenecks');
    table(
      doc,
      ['From', 'To', 'Frequency', 'Mean', 'Median', 'Severity'],
      ['*', '*', 70, 70, 70, 70],
      shown.map((b) => [
        b.from,
        b.to,
        formatCount(b.frequency),
        formatDurationMs(b.meanDurationMs),
        b.medianDurationMs == null ? '' : formatDurationMs(b.medianDurationMs),
        b.severity ?? '',
      ]),
      [2, 3, 4],
    );
  }

  if (input.anomalies && input.anomalies.length > 0) {
    const anomalies = input.anomalies;
    section(doc, `Anomalies (${formatCount(anomalies.length)} findings in ${formatCount(new Set(anomalies.map((a) => a.caseId)).size)} cases)`);
    const severities = ['High', 'Medium', 'Low'];
    const bySeverity = (rule: string, severity: string) => anomalies.filter((a) => a.rule === rule && a.severity === severity).length;
    const rules = [...new Set(anomalies.map((a) => a.rule))];
    table(
      doc,
      ['Rule', ...severities, 'Total'],
      ['*', 70, 70, 70, 70],
      rules.map((rule) => [rule, ...severities.map((s) => formatCount(bySeverity(rule, s))), formatCount(anomalies.filter((a) => a.rule === rule).length)]),
      [1, 2, 3, 4],
    );
    if (summaryOnly) return;
    const top = [...anomalies].sort((a, b) => b.score - a.score).slice(0, options.maxAnomalies ?? 15);
    section(doc, `Highest-scoring anomalies (${formatCount(top.length)})`);
    table(
      doc,
      ['Case', 'Rule', 'Severity', 'Score', 'Reason'],
      [90, 110, 60, 50, '*'],
      top.map((a) => [a.caseId, a.rule, a.severity, Number.isFinite(a.score) ? String(a.score) : '', a.reason]),
      [3],
    );
  }
}

function activitiesTable(doc: Doc, input: ReportInput): void {
  const events = Math.max(1, input.summary.events);
  const starts = new Map(input.processMap.startActivities.map((a) => [a.name, a.count]));
  const ends = new Map(input.processMap.endActivities.map((a) => [a.name, a.count]));
  const activities = [...input.processMap.activities].sort((a, b) => b.count - a.count);
  section(doc, 'Activities');
  table(
    doc,
    ['Activity', 'Events', 'Share', 'Cases starting', 'Cases ending'],
    ['*', 70, 60, 90, 90],
    activities.map((a) => [a.name, formatCount(a.count), formatPercent(a.count / events), formatCount(starts.get(a.name) ?? 0), formatCount(ends.get(a.name) ?? 0)]),
    [1, 2, 3, 4],
  );
}

function recommendationsPage(doc: Doc, input: ReportInput, options: PdfReportOptions): void {
  doc.addPage();
  const all = [...(input.recommendations ?? [])].sort((a, b) => priorityOrder(a.priority) - priorityOrder(b.priority));
  const recommendations = all.slice(0, options.maxRecommendations ?? all.length);
  heading(doc, recommendations.length < all.length ? `Recommendations (the ${formatCount(recommendations.length)} of highest priority, of ${formatCount(all.length)})` : 'Recommendations');
  if (recommendations.length === 0) {
    doc.font(REGULAR).fontSize(11).fillColor('#404040').text('No recommendations were provided for this analysis.');
    return;
  }
  table(
    doc,
    ['Priority', 'Category', 'Recommendation', 'Expected improvement'],
    [60, 110, '*', 200],
    recommendations.map((r) => [r.priority, r.category, r.recommendation, r.expectedImprovement]),
    [],
  );
}

function heading(doc: Doc, text: string): void {
  doc.font(BOLD).fontSize(18).fillColor(ACCENT).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.4);
}

function section(doc: Doc, text: string): void {
  doc.moveDown(1);
  // Keep a heading with at least a few rows of its table.
  if (doc.y > doc.page.height - MARGIN - 90) doc.addPage();
  doc.font(BOLD).fontSize(13).fillColor(ACCENT).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
  doc.moveDown(0.3);
}

function table(doc: Doc, header: string[], widths: Array<number | string>, rows: string[][], rightAligned: number[]): void {
  doc.font(REGULAR).fontSize(9).fillColor('black');
  doc.table({
    position: { x: MARGIN, y: doc.y },
    maxWidth: contentWidth(doc),
    columnStyles: widths.map((width, i) => ({ width, align: { x: rightAligned.includes(i) ? 'right' : 'left', y: 'top' } })),
    defaultStyle: { padding: [3, 5], border: 0.5, borderColor: '#bdbdbd' },
    rowStyles: (row) => (row === 0 ? { backgroundColor: ACCENT, textColor: 'white', font: { src: BOLD } } : row % 2 === 0 ? { backgroundColor: '#f7f9fc' } : undefined),
    data: [header, ...rows],
  });
  doc.x = MARGIN;
}

function sequence(activities: string[]): string {
  const shown = activities.slice(0, 40).join(' → ');
  return activities.length > 40 ? `${shown} → … (+${activities.length - 40})` : shown;
}

function pageNumbers(doc: Doc): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing inside the bottom margin would otherwise start a new page.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font(REGULAR).fontSize(8).fillColor('#808080').text(`${i + 1} / ${range.count}`, MARGIN, doc.page.height - MARGIN / 2 - 4, {
      width: doc.page.width - 2 * MARGIN,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}

function contentWidth(doc: Doc): number {
  return doc.page.width - doc.page.margins.left - doc.page.margins.right;
}
