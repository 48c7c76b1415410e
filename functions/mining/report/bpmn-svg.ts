import type { BpmnModel, BpmnNode } from '../models/bpmn.ts';
import { escapeXml } from '../models/pnml.ts';
import { DEFAULT_MAP_FONT, wrapLabel } from './process-map-svg.ts';

const FONT_SIZE = 11;
const MARGIN = 10;

/**
 * A BPMN model drawn as SVG from its own diagram interchange (the layout the BPMN file
 * carries), in BPMN's usual notation: round events, rounded tasks, diamond gateways marked
 * X (exclusive) or + (parallel), sequence flows with arrowheads.
 */
export function renderBpmnSvg(model: BpmnModel, options: { fontFamily?: string } = {}): string {
  const font = escapeXml(options.fontFamily ?? DEFAULT_MAP_FONT);
  let width = 0;
  let height = 0;
  for (const n of model.nodes) {
    width = Math.max(width, n.bounds.x + n.bounds.width);
    height = Math.max(height, n.bounds.y + n.bounds.height);
  }
  for (const f of model.flows) {
    for (const p of f.waypoints) {
      width = Math.max(width, p.x);
      height = Math.max(height, p.y);
    }
  }
  width += MARGIN;
  height += MARGIN;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font}" font-size="${FONT_SIZE}">`,
    `<title>${escapeXml(model.name)}</title>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#333"/></marker></defs>',
    '<rect width="100%" height="100%" fill="#fff"/>',
  ];
  for (const f of model.flows) {
    const points = f.waypoints.map((p) => `${p.x},${p.y}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="#333" stroke-width="1.2" marker-end="url(#arrow)"/>`);
  }
  for (const n of model.nodes) parts.push(shape(n));
  parts.push('</svg>', '');
  return parts.join('\n');
}

function shape(node: BpmnNode): string {
  const { x, y, width, height } = node.bounds;
  const cx = x + width / 2;
  const cy = y + height / 2;
  switch (node.kind) {
    case 'startEvent':
      return `<circle cx="${cx}" cy="${cy}" r="${width / 2}" fill="#e8f5e9" stroke="#2e7d32" stroke-width="1.5"/>`;
    case 'endEvent':
      return `<circle cx="${cx}" cy="${cy}" r="${width / 2 - 1.5}" fill="#ffebee" stroke="#c62828" stroke-width="3"/>`;
    case 'exclusiveGateway':
    case 'parallelGateway': {
      const diamond = `<polygon points="${cx},${y} ${x + width},${cy} ${cx},${y + height} ${x},${cy}" fill="#fff8e1" stroke="#8d6e00" stroke-width="1.5"/>`;
      const d = width / 5;
      const marker =
        node.kind === 'exclusiveGateway'
          ? `<path d="M${cx - d},${cy - d} L${cx + d},${cy + d} M${cx + d},${cy - d} L${cx - d},${cy + d}" stroke="#333" stroke-width="3"/>`
          : `<path d="M${cx},${cy - 1.4 * d} L${cx},${cy + 1.4 * d} M${cx - 1.4 * d},${cy} L${cx + 1.4 * d},${cy}" stroke="#333" stroke-width="3"/>`;
      return diamond + marker;
    }
    case 'task': {
      const lines = wrapLabel(node.name, (width - 8) / FONT_SIZE).slice(0, 5);
      const top = cy - ((lines.length - 1) * FONT_SIZE * 1.15) / 2;
      const text = lines
        .map((line, i) => `<text x="${cx}" y="${top + i * FONT_SIZE * 1.15}" text-anchor="middle" dominant-baseline="central">${escapeXml(line)}</text>`)
        .join('');
      return `<g><title>${escapeXml(node.name)}</title><rect x="${x}" y="${y}" width="${width}" height="${height}" rx="10" fill="#e3f2fd" stroke="#1565c0" stroke-width="1.5"/>${text}</g>`;
    }
  }
}
