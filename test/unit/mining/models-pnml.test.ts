import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { alphaMiner } from '../../../functions/mining/discovery/alpha-miner.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { PetriNetBuilder, petriNetSize, type PetriNet } from '../../../functions/mining/models/petri-net.ts';
import { PNML_NAMESPACE, PTNET_TYPE, escapeXml, toPnml } from '../../../functions/mining/models/pnml.ts';
import { DATASETS_DIR } from './helpers.ts';

interface ParsedPnml {
  rootNamespace: string | undefined;
  netType: string | undefined;
  places: Array<{ id: string; name: string; initialMarking: number | null }>;
  transitions: Array<{ id: string; name: string; invisible: boolean }>;
  arcs: Array<{ source: string; target: string; weight: number }>;
  finalMarking: Record<string, number>;
}

/** A small reader, enough to check what toPnml writes; saxes throws on malformed XML. */
function parsePnml(xml: string): ParsedPnml {
  const parser = new SaxesParser({ xmlns: true });
  const result: ParsedPnml = { rootNamespace: undefined, netType: undefined, places: [], transitions: [], arcs: [], finalMarking: {} };
  const stack: string[] = [];
  let text = '';
  let node: { kind: 'place' | 'transition' | 'arc' | 'final'; id: string } | null = null;
  parser.on('opentag', (tag) => {
    stack.push(tag.local);
    text = '';
    const attr = (name: string) => tag.attributes[name]?.value;
    if (tag.local === 'pnml') result.rootNamespace = tag.uri;
    else if (tag.local === 'net') result.netType = attr('type');
    else if (tag.local === 'place' && stack.includes('finalmarkings')) node = { kind: 'final', id: attr('idref')! };
    else if (tag.local === 'place') {
      node = { kind: 'place', id: attr('id')! };
      result.places.push({ id: node.id, name: '', initialMarking: null });
    } else if (tag.local === 'transition') {
      node = { kind: 'transition', id: attr('id')! };
      result.transitions.push({ id: node.id, name: '', invisible: false });
    } else if (tag.local === 'arc') {
      node = { kind: 'arc', id: attr('id')! };
      result.arcs.push({ source: attr('source')!, target: attr('target')!, weight: 1 });
    } else if (tag.local === 'toolspecific' && attr('activity') === '$invisible$') result.transitions.at(-1)!.invisible = true;
  });
  parser.on('text', (chunk) => {
    text += chunk;
  });
  parser.on('closetag', (tag) => {
    const parent = stack.at(-2);
    stack.pop();
    if (tag.local !== 'text' || node === null) return;
    if (parent === 'name' && node.kind === 'place') result.places.at(-1)!.name = text;
    else if (parent === 'name' && node.kind === 'transition') result.transitions.at(-1)!.name = text;
    else if (parent === 'initialMarking') result.places.at(-1)!.initialMarking = Number(text);
    else if (parent === 'inscription') result.arcs.at(-1)!.weight = Number(text);
    else if (node.kind === 'final') result.finalMarking[node.id] = Number(text);
  });
  parser.write(xml).close();
  return result;
}

describe('toPnml', () => {
  it('round-trips the Alpha net of the running example', async () => {
    const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, 'running-example.xes')), { format: 'xes' });
    const { net } = alphaMiner(log);
    const xml = toPnml(net);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const parsed = parsePnml(xml);
    expect(parsed.rootNamespace).toBe(PNML_NAMESPACE);
    expect(parsed.rootNamespace).toBe('http://www.pnml.org/version-2009/grammar/pnml');
    expect(parsed.netType).toBe(PTNET_TYPE);
    expect({ places: parsed.places.length, transitions: parsed.transitions.length, arcs: parsed.arcs.length }).toEqual(petriNetSize(net));
    expect(petriNetSize(net)).toEqual({ places: 7, transitions: 8, arcs: 19 });
    expect(parsed.places.map((p) => p.name)).toEqual(net.places.map((p) => p.name));
    expect(parsed.transitions.map((t) => t.name)).toEqual(net.transitions.map((t) => t.label));
    expect(parsed.arcs).toEqual(net.arcs);
    // Initial marking on the source place only, final marking on the sink.
    expect(parsed.places.filter((p) => p.initialMarking !== null)).toEqual([{ id: net.places[0]!.id, name: 'start', initialMarking: 1 }]);
    expect(parsed.finalMarking).toEqual({ [net.places.at(-1)!.id]: 1 });
    // Deterministic output.
    expect(toPnml(net)).toBe(xml);
  });

  it('escapes names, keeps Japanese text, and writes silent transitions and weights', () => {
    const builder = new PetriNetBuilder('審査 <net> & "co"');
    const source = builder.addPlace('開始');
    const sink = builder.addPlace("終了 'done'");
    const approve = builder.addTransition('承認 <A&B> "x" \'y\'');
    const tau = builder.addTransition(null);
    builder.addArc(source, approve);
    builder.addArc(approve, sink, 2);
    builder.addArc(source, tau);
    builder.addArc(source, tau); // same arc again: weight 2
    builder.addArc(tau, sink);
    builder.mark('initial', source, 3);
    builder.mark('final', sink);
    const net: PetriNet = builder.build();
    const xml = toPnml(net);
    expect(xml).toContain('承認 &lt;A&amp;B&gt; &quot;x&quot; &apos;y&apos;');
    const parsed = parsePnml(xml);
    expect(parsed.places).toEqual([
      { id: source.id, name: '開始', initialMarking: 3 },
      { id: sink.id, name: "終了 'done'", initialMarking: null },
    ]);
    expect(parsed.transitions).toEqual([
      { id: approve.id, name: '承認 <A&B> "x" \'y\'', invisible: false },
      { id: tau.id, name: tau.id, invisible: true },
    ]);
    expect(parsed.arcs).toEqual([
      { source: source.id, target: approve.id, weight: 1 },
      { source: approve.id, target: sink.id, weight: 2 },
      { source: source.id, target: tau.id, weight: 2 },
      { source: tau.id, target: sink.id, weight: 1 },
    ]);
    expect(parsed.finalMarking).toEqual({ [sink.id]: 1 });
  });

  it('replaces characters XML cannot carry instead of writing a broken document', () => {
    expect(escapeXml('a\u0001b\ud800c')).toBe('a\ufffdb\ufffdc');
    expect(escapeXml('😀 line\nbreak')).toBe('😀 line&#10;break');
    const builder = new PetriNetBuilder('n');
    builder.addPlace('bad\u0000name\ud800');
    const parsed = parsePnml(toPnml(builder.build()));
    expect(parsed.places[0]!.name).toBe('bad\ufffdname\ufffd');
  });

  it('rejects arcs between nodes of the same kind', () => {
    const builder = new PetriNetBuilder('n');
    const p1 = builder.addPlace('p1');
    const p2 = builder.addPlace('p2');
    expect(() => builder.addArc(p1, p2)).toThrow(/two places/);
    expect(() => builder.addPlace('again', p1.id)).toThrow(/Duplicate/);
  });
});
