import pptxgenModule from 'pptxgenjs';
import { renderProcessMapSvg, type ProcessMapOptions, type ProcessMapSvg } from './process-map-svg.ts';
import { NOT_AVAILABLE, formatCount, formatDurationSeconds, hasWideChars, priorityOrder } from './report-format.ts';
import type { ReportInput } from './report-input.ts';

export interface PptxReportOptions {
  processMap?: ProcessMapOptions;
  /** The map already laid out (with `processMap`'s options), so a caller rendering several formats lays it out once. */
  map?: ProcessMapSvg;
  /** Rows on the recommendations slide. Default 8 (highest priority first). */
  maxRecommendations?: number;
}

// PowerPoint cannot embed fonts through pptxgenjs, so text names a Japanese-capable face that
// Office ships (Yu Gothic on Windows and Mac Office); viewers without it substitute a CJK font,
// helped by the ja-JP language tag on runs that contain Japanese.
const FONT = 'Yu Gothic';

// pptxgenjs's typings read as CommonJS under NodeNext (class under .default) while its ESM build
// exports the class itself; accept both, which also covers bundlers' interop.
const PptxGenJS = ('default' in pptxgenModule ? pptxgenModule.default : pptxgenModule) as typeof pptxgenModule.default;
type Slide = ReturnType<InstanceType<typeof PptxGenJS>['addSlide']>;
const ACCENT = '08519C';
const SLIDE_W = 13.333;
const SLIDE_H = 7.5;

/**
 * Executive summary as PowerPoint (16:9): title, key figures, process map (the SVG embedded as
 * a vector picture) and recommendations.
 */
export async function renderPptxReport(input: ReportInput, options: PptxReportOptions = {}): Promise<Buffer> {
  const map = options.map ?? (await renderProcessMapSvg(input.processMap, options.processMap));
  const pptx = new PptxGenJS();
  pptx.layout = 'LAYOUT_WIDE';
  pptx.title = input.title;
  pptx.subject = 'Process mining report';
  pptx.company = 'process-mining-jobs';
  pptx.theme = { headFontFace: FONT, bodyFontFace: FONT };
  const text = (value: string) => ({ fontFace: FONT, ...(hasWideChars(value) ? { lang: 'ja-JP' } : {}) });

  const title = pptx.addSlide();
  title.background = { color: ACCENT };
  title.addText(input.title, { x: 0.7, y: 2.3, w: SLIDE_W - 1.4, h: 1.4, fontSize: 40, bold: true, color: 'FFFFFF', ...text(input.title) });
  title.addText(`Process mining report · ${input.generatedAt}`, { x: 0.7, y: 3.8, w: SLIDE_W - 1.4, h: 0.6, fontSize: 18, color: 'DEEBF7', fontFace: FONT });

  const figuresSlide = pptx.addSlide();
  slideTitle(figuresSlide, 'Key figures');
  const { summary, caseDurations } = input;
  const figures: Array<[string, string]> = [
    ['Cases', formatCount(summary.cases)],
    ['Events', formatCount(summary.events)],
    ['Activities', formatCount(summary.activities)],
    ['Variants', formatCount(summary.variants)],
    ['Median case duration', caseDurations ? formatDurationSeconds(caseDurations.median) : NOT_AVAILABLE],
    ['90th percentile duration', caseDurations ? formatDurationSeconds(caseDurations.p90) : NOT_AVAILABLE],
  ];
  if (input.anomalies) figures.push(['Anomalous cases', formatCount(new Set(input.anomalies.map((a) => a.caseId)).size)]);
  if (summary.dataQualityScore != null) figures.push(['Data quality score', `${summary.dataQualityScore.toFixed(1)} / 100`]);
  const columns = 4;
  const tileW = 2.8;
  const tileH = 1.6;
  figures.slice(0, 8).forEach(([label, value], i) => {
    const x = 0.7 + (i % columns) * (tileW + 0.3);
    const y = 1.6 + Math.floor(i / columns) * (tileH + 0.4);
    figuresSlide.addShape(pptx.ShapeType.roundRect, { x, y, w: tileW, h: tileH, fill: { color: 'EFF3FF' }, line: { color: '9ECAE1' }, rectRadius: 0.1 });
    figuresSlide.addText(
      [
        { text: label, options: { fontSize: 14, color: '404040', breakLine: true } },
        { text: value, options: { fontSize: 30, bold: true, color: ACCENT } },
      ],
      { x, y, w: tileW, h: tileH, align: 'center', valign: 'middle', fontFace: FONT },
    );
  });

  const mapSlide = pptx.addSlide();
  slideTitle(mapSlide, 'Process map');
  const box = { x: 0.4, y: 1.2, w: SLIDE_W - 0.8, h: SLIDE_H - 1.9 };
  const aspect = map.heightPt > 0 ? map.widthPt / map.heightPt : box.w / box.h;
  const w = Math.min(box.w, box.h * aspect);
  const h = w / aspect;
  mapSlide.addImage({
    data: `data:image/svg+xml;base64,${Buffer.from(map.svg, 'utf8').toString('base64')}`,
    x: box.x + (box.w - w) / 2,
    y: box.y,
    w,
    h,
    altText: map.title,
  });
  mapSlide.addText(map.title, { x: 0.4, y: SLIDE_H - 0.6, w: SLIDE_W - 0.8, h: 0.4, fontSize: 10, color: '606060', fontFace: FONT });

  const recSlide = pptx.addSlide();
  slideTitle(recSlide, 'Recommendations');
  const recommendations = [...(input.recommendations ?? [])]
    .sort((a, b) => priorityOrder(a.priority) - priorityOrder(b.priority))
    .slice(0, options.maxRecommendations ?? 8);
  if (recommendations.length === 0) {
    recSlide.addText('No recommendations were provided for this analysis.', { x: 0.7, y: 1.6, w: SLIDE_W - 1.4, h: 0.6, fontSize: 18, fontFace: FONT });
  } else {
    const header = ['Priority', 'Category', 'Recommendation', 'Expected improvement'].map((t) => ({
      text: t,
      options: { bold: true, color: 'FFFFFF', fill: { color: ACCENT }, fontFace: FONT },
    }));
    const rows = recommendations.map((r) =>
      [r.priority, r.category, r.recommendation, r.expectedImprovement].map((t) => ({ text: t, options: text(t) })),
    );
    recSlide.addTable([header, ...rows], {
      x: 0.5,
      y: 1.3,
      w: SLIDE_W - 1,
      colW: [1.2, 2.0, 5.6, 3.53],
      fontSize: 12,
      border: { type: 'solid', pt: 0.5, color: 'BDBDBD' },
      autoPage: true,
      autoPageRepeatHeader: true,
    });
  }

  const output = await pptx.write({ outputType: 'nodebuffer' });
  return Buffer.isBuffer(output) ? output : Buffer.from(output as ArrayBuffer);
}

function slideTitle(slide: Slide, title: string): void {
  slide.addText(title, { x: 0.5, y: 0.35, w: SLIDE_W - 1, h: 0.7, fontSize: 28, bold: true, color: ACCENT, fontFace: FONT });
}
