import type { BpmnFlow, BpmnModel, BpmnNode, BpmnNodeKind, Bounds } from '../../models/bpmn.ts';
import type { ProcessTree } from './process-tree.ts';

/*
 * A process tree as a BPMN process, built as PM4Py's `convert_to_bpmn`
 * (conversion/process_tree/variants/to_bpmn.py) builds it, so that it has PM4Py's nodes and
 * flows: a task per activity, a pair of exclusive gateways per `X` and per loop, of parallel
 * gateways per `+`, silent steps as plain flows. The layout follows the tree: sequences run
 * left to right, branches stack downwards between their gateways, loop redo parts sit below
 * their body with the flows going back underneath.
 */

const TASK = { width: 100, height: 80 };
const GATEWAY = 50;
const EVENT = 36;
const GAP = 40;
const ROW_GAP = 30;
/** A silent branch is a bare flow; it still takes a row. */
const SILENT_ROW = 40;

interface Size {
  width: number;
  height: number;
  /** Height of the subtree's main line (where it is entered and left) below its top. */
  axis: number;
}

/**
 * How a flow is drawn: along the rows, into a loop's redo part (down the channel above it),
 * back out of it (underneath it) or straight back from a loop's split to its join.
 */
type FlowKind = 'forward' | 'toRedo' | 'fromRedo' | 'loopBack';

interface WorkingNode extends BpmnNode {
  silent: boolean;
}

interface WorkingFlow {
  source: WorkingNode;
  target: WorkingNode;
  kind: FlowKind;
  /** y of the horizontal run of a flow into, out of or around a redo part. */
  lane: number;
}

/** Where a subtree's first and last flows go, and how they are drawn. */
interface Ends {
  from: WorkingNode;
  to: WorkingNode;
  fromKind: FlowKind;
  toKind: FlowKind;
  fromLane: number;
  toLane: number;
}

class Builder {
  readonly nodes: WorkingNode[] = [];
  readonly flows = new Set<WorkingFlow>();
  readonly #sizes = new Map<ProcessTree, Size>();
  #tasks = 0;
  #gateways = 0;
  #silent = 0;

  node(kind: BpmnNodeKind, name: string, bounds: Bounds, extra: Partial<WorkingNode> = {}): WorkingNode {
    const id = kind === 'task' ? `task_${++this.#tasks}` : kind.endsWith('Gateway') ? `gateway_${++this.#gateways}` : kind === 'startEvent' ? 'start' : 'end';
    const node: WorkingNode = { id, kind, name, bounds, silent: false, ...extra };
    this.nodes.push(node);
    return node;
  }

  silent(): WorkingNode {
    const node: WorkingNode = { id: `silent_${++this.#silent}`, kind: 'task', name: '', bounds: { x: 0, y: 0, width: 0, height: 0 }, silent: true };
    this.nodes.push(node);
    return node;
  }

  gateways(kind: 'exclusiveGateway' | 'parallelGateway', box: Bounds, centreY: number): [WorkingNode, WorkingNode] {
    const y = centreY - GATEWAY / 2;
    const split = this.node(kind, '', { x: box.x, y, width: GATEWAY, height: GATEWAY }, { direction: 'Diverging' });
    const join = this.node(kind, '', { x: box.x + box.width - GATEWAY, y, width: GATEWAY, height: GATEWAY }, { direction: 'Converging' });
    return [split, join];
  }

  flow(source: WorkingNode, target: WorkingNode, kind: FlowKind = 'forward', lane = 0): void {
    this.flows.add({ source, target, kind, lane });
  }

  size(tree: ProcessTree): Size {
    let size = this.#sizes.get(tree);
    if (size !== undefined) return size;
    const children = tree.children.map((c) => this.size(c));
    const stacked = () => children.reduce((h, c) => h + c.height, 0) + ROW_GAP * (children.length - 1);
    switch (tree.operator) {
      case null:
        size = tree.label === null ? { width: 0, height: SILENT_ROW, axis: SILENT_ROW / 2 } : { ...TASK, axis: TASK.height / 2 };
        break;
      case '->': {
        // Children share one main line.
        const axis = Math.max(...children.map((c) => c.axis));
        const below = Math.max(...children.map((c) => c.height - c.axis));
        size = { width: children.reduce((w, c) => w + c.width, 0) + GAP * (children.length - 1), height: axis + below, axis };
        break;
      }
      case 'X':
      case '+': {
        const height = stacked();
        size = { width: 2 * GATEWAY + 2 * GAP + Math.max(...children.map((c) => c.width)), height, axis: height / 2 };
        break;
      }
      case '*':
        size = { width: 2 * GATEWAY + 2 * GAP + Math.max(...children.map((c) => c.width)), height: stacked(), axis: children[0]!.axis };
        break;
    }
    this.#sizes.set(tree, size);
    return size;
  }

  /** PM4Py `recursively_add_tree` over the box at (x, y); returns the entry and exit nodes. */
  add(tree: ProcessTree, x: number, y: number, ends: Ends): [WorkingNode, WorkingNode] {
    const size = this.size(tree);
    const box = { x, y, width: size.width, height: size.height };
    const enter = (node: WorkingNode) => this.flow(ends.from, node, ends.fromKind, ends.fromLane);
    const leave = (node: WorkingNode) => this.flow(node, ends.to, ends.toKind, ends.toLane);
    switch (tree.operator) {
      case null: {
        const task = tree.label === null ? this.silent() : this.node('task', tree.label, { x, y, ...TASK });
        enter(task);
        leave(task);
        return [task, task];
      }
      case 'X':
      case '+': {
        const [split, join] = this.gateways(tree.operator === 'X' ? 'exclusiveGateway' : 'parallelGateway', box, y + size.axis);
        let rowY = y;
        for (const child of tree.children) {
          this.add(child, x + GATEWAY + GAP, rowY, { from: split, to: join, fromKind: 'forward', toKind: 'forward', fromLane: 0, toLane: 0 });
          rowY += this.size(child).height + ROW_GAP;
        }
        enter(split);
        leave(join);
        return [split, join];
      }
      case '->': {
        // Silent placeholders between children, removed afterwards, as PM4Py does.
        let entry: WorkingNode | undefined;
        let exit = ends.from;
        let next = this.silent();
        let childX = x;
        tree.children.forEach((child, i) => {
          const childSize = this.size(child);
          const first = i === 0;
          const last = i === tree.children.length - 1;
          const [head, tail] = this.add(child, childX, y + size.axis - childSize.axis, {
            from: exit,
            to: next,
            fromKind: first ? ends.fromKind : 'forward',
            fromLane: first ? ends.fromLane : 0,
            toKind: last ? ends.toKind : 'forward',
            toLane: last ? ends.toLane : 0,
          });
          childX += childSize.width + GAP;
          entry ??= head;
          exit = tail;
          next = i === tree.children.length - 2 ? ends.to : this.silent();
        });
        return [entry ?? ends.from, exit];
      }
      case '*': {
        const body = tree.children[0]!;
        const bodyHeight = this.size(body).height;
        // The loop enters at its join (left) and leaves at its split (right), level with the body.
        const [join, split] = this.gateways('exclusiveGateway', box, y + size.axis);
        join.direction = 'Converging';
        split.direction = 'Diverging';
        this.add(body, x + GATEWAY + GAP, y, { from: join, to: split, fromKind: 'forward', toKind: 'forward', fromLane: 0, toLane: 0 });
        let rowY = y + bodyHeight + ROW_GAP;
        for (const redo of tree.children.slice(1)) {
          const redoHeight = this.size(redo).height;
          this.add(redo, x + GATEWAY + GAP, rowY, { from: split, to: join, fromKind: 'toRedo', toKind: 'fromRedo', fromLane: rowY - ROW_GAP / 2, toLane: rowY + redoHeight + ROW_GAP / 3 });
          rowY += redoHeight + ROW_GAP;
        }
        enter(join);
        leave(split);
        return [join, split];
      }
    }
  }

  /** PM4Py `delete_tau_transitions`: each silent step becomes a direct flow (or goes, if dangling). */
  removeSilent(): void {
    for (const node of this.nodes.filter((n) => n.silent)) {
      const ins = [...this.flows].filter((f) => f.target === node);
      const outs = [...this.flows].filter((f) => f.source === node);
      for (const f of [...ins, ...outs]) this.flows.delete(f);
      if (ins.length === 1 && outs.length === 1) {
        const [into, out] = [ins[0]!, outs[0]!];
        // A silent redo part leaves a flow straight back from the loop's split to its join.
        if (into.kind === 'toRedo' && out.kind === 'fromRedo') this.flow(into.source, out.target, 'loopBack', (into.lane + out.lane) / 2);
        else if (into.kind === 'forward') this.flow(into.source, out.target, out.kind, out.lane);
        else this.flow(into.source, out.target, into.kind, into.lane);
      }
    }
    this.nodes.splice(0, this.nodes.length, ...this.nodes.filter((n) => !n.silent));
  }
}

const centre = (b: Bounds) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
const isGateway = (n: BpmnNode) => n.kind === 'exclusiveGateway' || n.kind === 'parallelGateway';

/**
 * Orthogonal routes: forwards along the rows, bending at gateways; into a redo part down the
 * channel above it and in from its left; out of it to the right, underneath and up into the
 * loop's join; other backward flows underneath both ends.
 */
function route(flow: WorkingFlow): { x: number; y: number }[] {
  const s = flow.source.bounds;
  const t = flow.target.bounds;
  const sc = centre(s);
  const tc = centre(t);
  switch (flow.kind) {
    case 'toRedo':
      return [
        { x: sc.x, y: s.y + s.height },
        { x: sc.x, y: flow.lane },
        { x: t.x - GAP / 2, y: flow.lane },
        { x: t.x - GAP / 2, y: tc.y },
        { x: t.x, y: tc.y },
      ];
    case 'fromRedo':
      return [
        { x: s.x + s.width, y: sc.y },
        { x: s.x + s.width + GAP / 2, y: sc.y },
        { x: s.x + s.width + GAP / 2, y: flow.lane },
        { x: tc.x, y: flow.lane },
        { x: tc.x, y: t.y + t.height },
      ];
    case 'loopBack':
      return [
        { x: sc.x, y: s.y + s.height },
        { x: sc.x, y: flow.lane },
        { x: tc.x, y: flow.lane },
        { x: tc.x, y: t.y + t.height },
      ];
    case 'forward':
      break;
  }
  if (tc.x > s.x + s.width) {
    const from = { x: s.x + s.width, y: sc.y };
    const to = { x: t.x, y: tc.y };
    if (Math.abs(sc.y - tc.y) < 0.5) return [from, to];
    if (isGateway(flow.source)) return [{ x: sc.x, y: tc.y > sc.y ? s.y + s.height : s.y }, { x: sc.x, y: tc.y }, to];
    if (isGateway(flow.target)) return [from, { x: tc.x, y: sc.y }, { x: tc.x, y: sc.y > tc.y ? t.y + t.height : t.y }];
    const midX = (from.x + to.x) / 2;
    return [from, { x: midX, y: sc.y }, { x: midX, y: tc.y }, to];
  }
  const below = Math.max(s.y + s.height, t.y + t.height) + ROW_GAP / 2;
  return [
    { x: sc.x, y: s.y + s.height },
    { x: sc.x, y: below },
    { x: tc.x, y: below },
    { x: tc.x, y: t.y + t.height },
  ];
}

/** The BPMN process of a process tree, laid out for drawing. */
export function processTreeToBpmn(tree: ProcessTree, name = 'Inductive Miner'): BpmnModel {
  const builder = new Builder();
  const size = builder.size(tree);
  const margin = 20;
  const midY = margin + size.axis;
  const start = builder.node('startEvent', 'start', { x: margin, y: midY - EVENT / 2, width: EVENT, height: EVENT });
  const end = builder.node('endEvent', 'end', { x: margin + EVENT + 2 * GAP + size.width, y: midY - EVENT / 2, width: EVENT, height: EVENT });
  builder.add(tree, margin + EVENT + GAP, margin, { from: start, to: end, fromKind: 'forward', toKind: 'forward', fromLane: 0, toLane: 0 });
  builder.removeSilent();
  const flows: BpmnFlow[] = [...builder.flows].map((f, i) => ({
    id: `flow_${i + 1}`,
    source: f.source.id,
    target: f.target.id,
    waypoints: route(f),
  }));
  const nodes: BpmnNode[] = builder.nodes.map(({ silent: _silent, ...node }) => node);
  return { name, nodes, flows };
}
