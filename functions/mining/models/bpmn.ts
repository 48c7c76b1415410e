import { escapeXml } from './pnml.ts';

/** A BPMN 2.0 process with its diagram: the flow nodes and sequence flows tools draw. */
export type BpmnNodeKind = 'startEvent' | 'endEvent' | 'task' | 'exclusiveGateway' | 'parallelGateway';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface BpmnNode {
  id: string;
  kind: BpmnNodeKind;
  name: string;
  /** Gateways only. */
  direction?: 'Diverging' | 'Converging';
  bounds: Bounds;
}

export interface BpmnFlow {
  id: string;
  source: string;
  target: string;
  waypoints: { x: number; y: number }[];
}

export interface BpmnModel {
  name: string;
  nodes: BpmnNode[];
  flows: BpmnFlow[];
}

export const BPMN_MODEL_NAMESPACE = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * BPMN 2.0 XML with diagram interchange (BPMNDI): one process, each node with its incoming
 * and outgoing flows, and a shape per node and an edge per flow, so that modellers (bpmn.io,
 * Camunda, Signavio, ProM) open and draw it as laid out.
 */
export function toBpmnXml(model: BpmnModel): string {
  const incoming = new Map<string, string[]>();
  const outgoing = new Map<string, string[]>();
  for (const flow of model.flows) {
    (outgoing.get(flow.source) ?? outgoing.set(flow.source, []).get(flow.source)!).push(flow.id);
    (incoming.get(flow.target) ?? incoming.set(flow.target, []).get(flow.target)!).push(flow.id);
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<bpmn:definitions xmlns:bpmn="${BPMN_MODEL_NAMESPACE}" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" ` +
      'xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" ' +
      'id="definitions" targetNamespace="urn:process-mining-jobs:bpmn" exporter="process-mining-jobs" exporterVersion="1">',
    `  <bpmn:process id="process" name="${escapeXml(model.name)}" isExecutable="false">`,
  ];
  for (const node of model.nodes) {
    const direction = node.direction === undefined ? '' : ` gatewayDirection="${node.direction}"`;
    lines.push(`    <bpmn:${node.kind} id="${node.id}" name="${escapeXml(node.name)}"${direction}>`);
    for (const id of incoming.get(node.id) ?? []) lines.push(`      <bpmn:incoming>${id}</bpmn:incoming>`);
    for (const id of outgoing.get(node.id) ?? []) lines.push(`      <bpmn:outgoing>${id}</bpmn:outgoing>`);
    lines.push(`    </bpmn:${node.kind}>`);
  }
  for (const flow of model.flows) lines.push(`    <bpmn:sequenceFlow id="${flow.id}" sourceRef="${flow.source}" targetRef="${flow.target}"/>`);
  lines.push('  </bpmn:process>', '  <bpmndi:BPMNDiagram id="diagram">', '    <bpmndi:BPMNPlane id="plane" bpmnElement="process">');
  for (const node of model.nodes) {
    const marker = node.kind === 'exclusiveGateway' ? ' isMarkerVisible="true"' : '';
    const b = node.bounds;
    lines.push(
      `      <bpmndi:BPMNShape id="${node.id}_di" bpmnElement="${node.id}"${marker}>`,
      `        <dc:Bounds x="${round(b.x)}" y="${round(b.y)}" width="${round(b.width)}" height="${round(b.height)}"/>`,
      '      </bpmndi:BPMNShape>',
    );
  }
  for (const flow of model.flows) {
    lines.push(`      <bpmndi:BPMNEdge id="${flow.id}_di" bpmnElement="${flow.id}">`);
    for (const p of flow.waypoints) lines.push(`        <di:waypoint x="${round(p.x)}" y="${round(p.y)}"/>`);
    lines.push('      </bpmndi:BPMNEdge>');
  }
  lines.push('    </bpmndi:BPMNPlane>', '  </bpmndi:BPMNDiagram>', '</bpmn:definitions>', '');
  return lines.join('\n');
}
