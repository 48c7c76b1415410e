// Report renderers: pure functions from plain analysis results to SVG, CSV, PDF and PPTX bytes.
export type * from './report-input.ts';
export { renderProcessMapSvg, loadGraphviz, processMapDot, wrapLabel, DEFAULT_MAP_FONT, type ProcessMapOptions, type ProcessMapSvg } from './process-map-svg.ts';
export { filterProcessMap, type FilteredProcessMap, type MapEdge, type MapNode, type ProcessMapFilterOptions } from './process-map-filter.ts';
export { renderAnomaliesCsv } from './anomalies-csv.ts';
export { renderBpmnSvg } from './bpmn-svg.ts';
export { renderPdfReport, type PdfReportOptions } from './pdf-report.ts';
export { renderPptxReport, type PptxReportOptions } from './pptx-report.ts';
export { reportFonts, REPORT_FONT_FAMILY, type ReportFontBytes } from './report-font.ts';
