import { useEffect, useRef, useState } from 'preact/hooks';
import type { Artifact } from '../../../client/types.ts';
import { fetchArtifact } from '../api.ts';
import { message } from '../format.ts';

/** Parses an SVG artifact and drops what could run (scripts, event handlers, foreign objects, external links). */
export function sanitizedSvg(text: string): SVGSVGElement | undefined {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const svg = doc.documentElement;
  if (svg.nodeName !== 'svg' || doc.querySelector('parsererror')) return undefined;
  for (const element of Array.from(svg.querySelectorAll('script, foreignObject, iframe'))) element.remove();
  for (const element of [svg, ...Array.from(svg.querySelectorAll('*'))]) {
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on') || ((name === 'href' || name === 'xlink:href') && !attribute.value.startsWith('#'))) element.removeAttribute(attribute.name);
    }
  }
  return document.importNode(svg, true) as unknown as SVGSVGElement;
}

/** The map's colouring, from the description the report renderer writes (`colour: frequency` / `colour: mean transition time`). */
const colouring = (artifact: Artifact): 'frequency' | 'performance' => (/colour: frequency/.test(artifact.description ?? '') ? 'frequency' : 'performance');

/** The process map (SVG artifact) with wheel zoom, drag pan and, when both maps exist, a frequency/performance toggle. */
export function ProcessMap({ maps }: { maps: Artifact[] }) {
  const byKind = new Map(maps.map((m) => [colouring(m), m]));
  const [kind, setKind] = useState<'frequency' | 'performance'>(byKind.has('frequency') ? 'frequency' : 'performance');
  const [view, setView] = useState({ scale: 1, x: 0, y: 0 });
  const [error, setError] = useState<string>();
  const host = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number } | null>(null);
  const artifact = byKind.get(kind);

  useEffect(() => {
    if (!artifact || !host.current) return;
    let cancelled = false;
    setError(undefined);
    fetchArtifact(artifact.downloadUrl)
      .then((blob) => blob.text())
      .then((text) => {
        if (cancelled || !host.current) return;
        const svg = sanitizedSvg(text);
        if (!svg) throw new Error('the map is not an SVG document');
        // Fit the drawing to the viewport (graphviz gives a viewBox); zoom and pan start from there.
        svg.setAttribute('width', '100%');
        svg.setAttribute('height', '100%');
        host.current.replaceChildren(svg);
        setView({ scale: 1, x: 0, y: 0 });
      })
      .catch((e: unknown) => !cancelled && setError(message(e)));
    return () => {
      cancelled = true;
    };
  }, [artifact?.downloadUrl]);

  if (!artifact) return <p class="muted">No process map among the artifacts.</p>;
  const zoom = (factor: number) => setView((v) => ({ ...v, scale: Math.min(8, Math.max(0.2, v.scale * factor)) }));
  return (
    <div class="map">
      <div class="toolbar">
        {byKind.size > 1 &&
          (['frequency', 'performance'] as const).map((k) => (
            <button type="button" class={k === kind ? 'active' : ''} aria-pressed={k === kind} onClick={() => setKind(k)}>
              {k === 'frequency' ? 'Frequency' : 'Performance'}
            </button>
          ))}
        <button type="button" onClick={() => zoom(1.25)} aria-label="Zoom in">
          +
        </button>
        <button type="button" onClick={() => zoom(0.8)} aria-label="Zoom out">
          -
        </button>
        <button type="button" onClick={() => setView({ scale: 1, x: 0, y: 0 })}>
          Reset
        </button>
        <span class="muted">{artifact.description}</span>
      </div>
      {error && <p class="error">{error}</p>}
      <div
        class="map-viewport"
        onWheel={(e) => (e.preventDefault(), zoom(e.deltaY < 0 ? 1.1 : 0.9))}
        onPointerDown={(e) => (
          (drag.current = { x: e.clientX - view.x, y: e.clientY - view.y }), (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId)
        )}
        onPointerMove={(e) => drag.current && setView((v) => ({ ...v, x: e.clientX - drag.current!.x, y: e.clientY - drag.current!.y }))}
        onPointerUp={() => (drag.current = null)}
      >
        <div
          ref={host}
          data-testid="process-map"
          style={{ height: '100%', transform: `translate(${view.x}px, ${view.y}px) scale(${view.scale})`, transformOrigin: '0 0' }}
        />
      </div>
    </div>
  );
}
