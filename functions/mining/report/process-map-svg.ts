import { Graphviz } from '@hpcc-js/wasm-graphviz';
import { filterProcessMap, type FilteredProcessMap, type MapEdge, type ProcessMapFilterOptions } from './process-map-filter.ts';
import { formatCount, formatDurationMs, formatPercent, isWideChar } from './report-format.ts';
import type { ProcessMapInput } from './report-input.ts';

export interface ProcessMapOptions extends ProcessMapFilterOptions {
  /** What edge colour encodes: frequency (default) or mean transition time (green fast .. red slow). */
  colourBy?: 'frequency' | 'duration';
  /** Font family written into the SVG; the PDF renderer maps every family onto its embedded font. */
  fontFamily?: string;
}

export interface ProcessMapSvg {
  svg: string;
  /** The Graphviz source the SVG was laid out from. */
  dot: string;
  /** One line saying what the map shows and how it was filtered (also the SVG's title). */
  title: string;
  /** Size of the drawing in points (1/72 inch), from the SVG's own width/height. */
  widthPt: number;
  heightPt: number;
  filter: FilteredProcessMap['stats'];
}

/** Default font list: the PDF's embedded font first, then common Japanese-capable system fonts. */
export const DEFAULT_MAP_FONT = 'BIZ UDPGothic, Meiryo, Hiragino Sans, Noto Sans CJK JP, sans-serif';
const FONT_SIZE = 12;

let graphvizLoad: Promise<Graphviz> | null = null;

/** The WASM Graphviz instance, loaded once per process (about 50 ms cold) on first use, or ahead of it. */
export function loadGraphviz(): Promise<Graphviz> {
  graphvizLoad ??= Graphviz.load().catch((error: unknown) => {
    graphvizLoad = null;
    throw error;
  });
  return graphvizLoad;
}

/**
 * Process map of the directly-follows graph as SVG, laid out left to right by Graphviz dot:
 * Start and End nodes, activity fill by event count, edge width by frequency, edge colour by
 * frequency or mean transition time, frequencies on the edges. Big graphs are filtered (see
 * filterProcessMap); the title states the filter.
 */
export async function renderProcessMapSvg(input: ProcessMapInput, options: ProcessMapOptions = {}): Promise<ProcessMapSvg> {
  const { dot, title, filter } = processMapDot(input, options);
  const svg = (await loadGraphviz()).dot(dot, 'svg');
  const size = /<svg\b[^>]*?\bwidth="([\d.]+)pt"[^>]*?\bheight="([\d.]+)pt"/.exec(svg);
  return {
    svg,
    dot,
    title,
    widthPt: size === null ? 0 : Number(size[1]),
    heightPt: size === null ? 0 : Number(size[2]),
    filter,
  };
}

/** The Graphviz source of the process map (no layout yet), with its title and filter figures. */
export function processMapDot(
  input: ProcessMapInput,
  options: ProcessMapOptions = {},
): { dot: string; title: string; filter: FilteredProcessMap['stats'] } {
  const map = filterProcessMap(input, options);
  const colourBy = options.colourBy ?? 'frequency';
  const font = options.fontFamily ?? DEFAULT_MAP_FONT;
  const { stats } = map;
  const titleParts = [
    `Process map: ${stats.activitiesKept} of ${stats.activitiesTotal} activities (${formatPercent(stats.eventShareKept)} of events)`,
    `${stats.edgesKept} of ${stats.edgesTotal} edges (${formatPercent(stats.transitionShareKept)} of transitions` +
      (stats.edgeCoverage < 1 ? `; most frequent edges up to ${formatPercent(stats.edgeCoverage)}` : '') +
      (stats.edgesAddedForConnectivity > 0 ? ` + ${stats.edgesAddedForConnectivity} kept for connectivity` : '') +
      ')',
    `colour: ${colourBy === 'duration' ? 'mean transition time' : 'frequency'}`,
  ];
  const title = titleParts.join(', ');

  const activityNodes = map.nodes.filter((n) => n.kind === 'activity');
  const maxCount = Math.max(1, ...activityNodes.map((n) => n.count));
  const maxFrequency = Math.max(1, ...map.edges.map((e) => e.frequency));
  const durationScale = logScale(map.edges.flatMap((e) => (e.meanTransitionMs === null ? [] : [e.meanTransitionMs])));

  const lines: string[] = [];
  lines.push(`digraph ${quote(title)} {`);
  lines.push(`  graph [rankdir=LR, bgcolor="white", fontname=${quote(font)}, fontsize=${FONT_SIZE + 2}, labelloc=t, labeljust=l, label=${leftJustified(titleParts)}, nodesep=0.3, ranksep=0.5, pad=0.2];`);
  lines.push(`  node [fontname=${quote(font)}, fontsize=${FONT_SIZE}, penwidth=1];`);
  lines.push(`  edge [fontname=${quote(font)}, fontsize=${FONT_SIZE - 2}, arrowsize=0.7];`);
  for (const node of map.nodes) {
    if (node.kind === 'start') {
      lines.push(`  ${node.id} [shape=circle, style=filled, fillcolor="#2ca25f", color="#1b7837", fontcolor="white", width=0.6, fixedsize=true, label="Start", tooltip=${quote(`Start: ${formatCount(node.count)} cases`)}];`);
    } else if (node.kind === 'end') {
      lines.push(`  ${node.id} [shape=doublecircle, style=filled, fillcolor="#de2d26", color="#a50f15", fontcolor="white", width=0.5, fixedsize=true, label="End", tooltip=${quote(`End: ${formatCount(node.count)} cases`)}];`);
    } else {
      const t = Math.log1p(node.count) / Math.log1p(maxCount);
      const label = `${wrapLabel(node.label, WRAP_EMS).join('\n')}\n${formatCount(node.count)}`;
      lines.push(
        `  ${node.id} [shape=box, style="rounded,filled", fillcolor="${ramp(BLUES, t)}", color="#08306b", fontcolor="${t > 0.62 ? 'white' : 'black'}", ` +
          `width=${nodeWidthInches(label).toFixed(2)}, label=${quote(label)}, tooltip=${quote(`${node.label}: ${formatCount(node.count)} events`)}];`,
      );
    }
  }
  for (const edge of map.edges) {
    const t = Math.log1p(edge.frequency) / Math.log1p(maxFrequency);
    const penwidth = (1 + 5 * t).toFixed(2);
    const colour = edgeColour(edge, colourBy, t, durationScale);
    const duration = edge.meanTransitionMs === null ? '' : formatDurationMs(edge.meanTransitionMs);
    const label = colourBy === 'duration' && duration !== '' ? `${formatCount(edge.frequency)}\n${duration}` : formatCount(edge.frequency);
    const tooltip = `${formatCount(edge.frequency)} times${duration === '' ? '' : `, mean ${duration}`}`;
    const dashed = colourBy === 'duration' && edge.meanTransitionMs === null ? ', style=dashed' : '';
    lines.push(`  ${edge.from} -> ${edge.to} [penwidth=${penwidth}, color="${colour}", fontcolor="#404040", label=${quote(label)}, tooltip=${quote(tooltip)}${dashed}];`);
  }
  lines.push('}');
  return { dot: lines.join('\n'), title, filter: stats };
}

/**
 * A quoted DOT string. Graphviz reads backslash sequences (\n, \N, ...) and HTML entities in
 * labels, so both '\' and '&' are escaped; newlines become centred line breaks.
 */
function quote(text: string): string {
  return `"${escapeDot(text).replace(/\r\n|\r|\n/g, '\\n')}"`;
}

/** Lines ending in \l: left-justified, so a caption wider than Graphviz estimates is not clipped on the left. */
function leftJustified(lines: string[]): string {
  return `"${lines.map((line) => `${escapeDot(line.replace(/\s+/g, ' '))}\\l`).join('')}"`;
}

function escapeDot(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/&/g, '&amp;');
}

/** Activity names wider than this (in ems) are wrapped, which keeps left-to-right maps from growing very wide. */
const WRAP_EMS = 14;

/**
 * Greedy line breaking at spaces; words wider than a line (and CJK text, which has no spaces)
 * are broken between characters.
 */
export function wrapLabel(text: string, maxEms: number): string[] {
  const width = (s: string) => {
    let ems = 0;
    for (const ch of s) ems += isWideChar(ch.codePointAt(0)!) ? 1 : 0.6;
    return ems;
  };
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (width(candidate) <= maxEms) {
      line = candidate;
      continue;
    }
    if (line !== '') lines.push(line);
    line = '';
    for (const ch of word) {
      if (line !== '' && width(line + ch) > maxEms) {
        lines.push(line);
        line = '';
      }
      line += ch;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Minimum node width. Graphviz's WASM build has no font metrics and under-estimates CJK text,
 * so the width is estimated here: wide characters one em, others 0.6 em, plus the margins.
 */
function nodeWidthInches(label: string): number {
  let widest = 0;
  for (const line of label.split('\n')) {
    let ems = 0;
    for (const ch of line) ems += isWideChar(ch.codePointAt(0)!) ? 1 : 0.6;
    widest = Math.max(widest, ems);
  }
  return Math.max(0.75, (widest * FONT_SIZE + 18) / 72);
}

const BLUES: Array<[number, number, number]> = [
  [0xef, 0xf3, 0xff],
  [0x9e, 0xca, 0xe1],
  [0x42, 0x92, 0xc6],
  [0x08, 0x45, 0x94],
];
const GREYS: Array<[number, number, number]> = [
  [0xbd, 0xbd, 0xbd],
  [0x25, 0x25, 0x25],
];
const GREEN_TO_RED: Array<[number, number, number]> = [
  [0x1a, 0x98, 0x50],
  [0xfe, 0xe0, 0x8b],
  [0xd7, 0x30, 0x27],
];

function edgeColour(edge: MapEdge, colourBy: 'frequency' | 'duration', frequencyT: number, durationT: (ms: number) => number): string {
  if (colourBy === 'duration') return edge.meanTransitionMs === null ? '#969696' : ramp(GREEN_TO_RED, durationT(edge.meanTransitionMs));
  return ramp(GREYS, frequencyT);
}

/** Maps durations onto 0..1 on a log scale between the smallest and largest given. */
function logScale(values: number[]): (ms: number) => number {
  if (values.length === 0) return () => 0;
  const logs = values.map((v) => Math.log1p(Math.max(0, v)));
  const min = Math.min(...logs);
  const max = Math.max(...logs);
  return (ms) => (max === min ? 0.5 : (Math.log1p(Math.max(0, ms)) - min) / (max - min));
}

function ramp(stops: Array<[number, number, number]>, t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  return `#${[0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * f).toString(16).padStart(2, '0')).join('')}`;
}
