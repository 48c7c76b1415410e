import type { PetriNet } from './petri-net.ts';

export const PNML_NAMESPACE = 'http://www.pnml.org/version-2009/grammar/pnml';
export const PTNET_TYPE = 'http://www.pnml.org/version-2009/grammar/ptnet';

/**
 * Serializes a Petri net as PNML (ISO/IEC 15909-2), laid out the way PM4Py's exporter writes
 * it so that ProM and PM4Py read it back with both markings:
 * - one `page` holding places, transitions and arcs;
 * - the initial marking as `<initialMarking><text>n</text></initialMarking>` inside the place;
 * - the final marking as PM4Py/ProM's `<finalmarkings><marking><place idref>` extension after
 *   the page (PNML itself has no final markings);
 * - silent transitions named by their id, flagged with ProM's
 *   `<toolspecific tool="ProM" version="6.4" activity="$invisible$">`;
 * - arc weights above 1 as `<inscription>`.
 * Unlike PM4Py, the root carries the PNML namespace and the net the standard P/T net type
 * (PM4Py writes `pnmlcoremodel` without a namespace); ids are the net's own ids, not names,
 * so they are always valid XML, and the `localNodeID`s are derived from the transition's
 * position, so the same net always gives the same document.
 */
export function toPnml(net: PetriNet): string {
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<pnml xmlns="${PNML_NAMESPACE}">`,
    `  <net id="net1" type="${PTNET_TYPE}">`,
    `    <name><text>${escapeXml(net.name)}</text></name>`,
    '    <page id="n0">',
  ];
  for (const place of net.places) {
    const tokens = net.initialMarking[place.id];
    lines.push(`      <place id="${escapeXml(place.id)}">`);
    lines.push(`        <name><text>${escapeXml(place.name)}</text></name>`);
    if (tokens !== undefined && tokens > 0) lines.push(`        <initialMarking><text>${tokens}</text></initialMarking>`);
    lines.push('      </place>');
  }
  net.transitions.forEach((transition, index) => {
    lines.push(`      <transition id="${escapeXml(transition.id)}">`);
    lines.push(`        <name><text>${escapeXml(transition.label ?? transition.id)}</text></name>`);
    if (transition.label === null) {
      lines.push(
        `        <toolspecific tool="ProM" version="6.4" activity="$invisible$" localNodeID="${localNodeId(index)}"/>`,
      );
    }
    lines.push('      </transition>');
  });
  net.arcs.forEach((arc, index) => {
    const open = `      <arc id="a${index + 1}" source="${escapeXml(arc.source)}" target="${escapeXml(arc.target)}"`;
    if (arc.weight > 1) {
      lines.push(`${open}>`, `        <inscription><text>${arc.weight}</text></inscription>`, '      </arc>');
    } else lines.push(`${open}/>`);
  });
  lines.push('    </page>');
  const finalPlaces = Object.entries(net.finalMarking).filter(([, tokens]) => tokens > 0);
  if (finalPlaces.length > 0) {
    lines.push('    <finalmarkings>', '      <marking>');
    for (const [placeId, tokens] of finalPlaces) {
      lines.push(`        <place idref="${escapeXml(placeId)}"><text>${tokens}</text></place>`);
    }
    lines.push('      </marking>', '    </finalmarkings>');
  }
  lines.push('  </net>', '</pnml>', '');
  return lines.join('\n');
}

/**
 * Escapes text for element content and double-quoted attributes. Characters XML 1.0 cannot
 * carry at all (C0 controls other than tab/LF/CR, lone surrogates, U+FFFE/U+FFFF) become
 * U+FFFD rather than making the document unreadable.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    // Keep line breaks and tabs in attribute values from being normalized to spaces on reading.
    .replace(/[\t\n\r]/g, (c) => `&#${c.charCodeAt(0)};`);
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** A well-formed version-4 UUID that only depends on the transition's position. */
function localNodeId(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}
