import { describe, expect, it } from 'vitest';
import { filterProcessMap, END_ID, START_ID } from '../../../functions/mining/report/process-map-filter.ts';
import { processMapDot, renderProcessMapSvg, wrapLabel } from '../../../functions/mining/report/process-map-svg.ts';
import type { ProcessMapInput } from '../../../functions/mining/report/report-input.ts';
import { japaneseReportInput, reportInputFromDataset } from './report-fixtures.ts';

describe('renderProcessMapSvg', () => {
  it('draws Japanese activity names as SVG text', async () => {
    const { svg, title } = await renderProcessMapSvg(japaneseReportInput().processMap);
    expect(svg.startsWith('<?xml')).toBe(true);
    for (const name of ['受付', '審査', '承認', '差戻し', '完了']) expect(svg).toContain(`>${name}</text>`);
    expect(svg).toContain('>Start</text>');
    expect(svg).toContain('>End</text>');
    // Small graph: nothing filtered, and the title says so.
    expect(title).toContain('5 of 5 activities');
    expect(title).toContain('7 of 7 edges');
    expect(svg).toContain(`<title>${title}</title>`);
  });

  it('escapes quotes, backslashes, ampersands and angle brackets in names', async () => {
    const name = 'R&D "審査" <a\\b> &amp;';
    const input: ProcessMapInput = {
      activities: [
        { name, count: 3 },
        { name: 'B', count: 3 },
      ],
      edges: [{ from: name, to: 'B', frequency: 3, meanTransitionMs: 1000 }],
      startActivities: [{ name, count: 3 }],
      endActivities: [{ name: 'B', count: 3 }],
    };
    const { svg } = await renderProcessMapSvg(input);
    expect(svg).toContain('>R&amp;D &quot;審査&quot; &lt;a\\b&gt; &amp;amp;</text>');
  });

  it('colours edges by mean transition time and labels them with it on request', () => {
    const { dot } = processMapDot(japaneseReportInput().processMap, { colourBy: 'duration' });
    // 差戻し -> 審査 (48 h) is the slowest edge: the red end of the scale.
    expect(dot).toMatch(/-> a1 \[[^\]]*color="#d73027"[^\]]*label="2\\n2 d"/);
    // 承認 -> 完了 (1 h) is the fastest: green.
    expect(dot).toMatch(/a2 -> a4 \[[^\]]*color="#1a9850"/);
  });

  it('draws a log without timestamps (no transition times) with dashed edges and no duration labels', async () => {
    const map = japaneseReportInput().processMap;
    const untimed = { ...map, edges: map.edges.map((e) => ({ ...e, meanTransitionMs: null })) };
    const { dot } = processMapDot(untimed, { colourBy: 'duration' });
    expect(dot).toMatch(/style=dashed/);
    expect(dot).not.toMatch(/label="\d+\\n/);
    expect((await renderProcessMapSvg(untimed)).svg).toContain('>差戻し</text>');
  });

  it('wraps long names, CJK text between characters', () => {
    expect(wrapLabel('T04 Determine confirmation of receipt', 14)).toEqual(['T04 Determine', 'confirmation of receipt']);
    expect(wrapLabel('あいうえおかきくけこさしすせそた', 14)).toEqual(['あいうえおかきくけこさしすせ', 'そた']);
  });
});

describe('filterProcessMap', () => {
  // A chain A1..A20 plus many rare shortcuts: coverage alone would drop the chain's rare tail.
  const chain: ProcessMapInput = (() => {
    const names = Array.from({ length: 20 }, (_, i) => `A${i + 1}`);
    const edges = names.slice(1).map((to, i) => ({ from: names[i]!, to, frequency: i < 10 ? 100 : 1, meanTransitionMs: 1 }));
    for (let i = 0; i < 10; i++) edges.push({ from: names[i]!, to: names[i + 5]!, frequency: 50, meanTransitionMs: 1 });
    return {
      activities: names.map((name, i) => ({ name, count: i < 10 ? 100 : 1 })),
      edges,
      startActivities: [{ name: 'A1', count: 100 }],
      endActivities: [{ name: 'A20', count: 1 }, { name: 'A11', count: 99 }],
    };
  })();

  it('keeps edges up to the coverage, then what every activity needs to be on a Start-End path', () => {
    const map = filterProcessMap(chain, { edgeCoverage: 0.5 });
    expect(map.stats.edgesKept).toBeLessThan(map.stats.edgesTotal);
    expect(map.stats.edgesAddedForConnectivity).toBeGreaterThan(0);
    const forward = new Map<string, string[]>();
    const backward = new Map<string, string[]>();
    for (const e of map.edges) {
      forward.set(e.from, [...(forward.get(e.from) ?? []), e.to]);
      backward.set(e.to, [...(backward.get(e.to) ?? []), e.from]);
    }
    const reach = (adjacency: Map<string, string[]>, root: string) => {
      const seen = new Set([root]);
      const stack = [root];
      while (stack.length) for (const n of adjacency.get(stack.pop()!) ?? []) if (!seen.has(n)) (seen.add(n), stack.push(n));
      return seen;
    };
    const fromStart = reach(forward, START_ID);
    const toEnd = reach(backward, END_ID);
    for (const node of map.nodes) {
      expect(fromStart.has(node.id), node.label).toBe(true);
      expect(toEnd.has(node.id), node.label).toBe(true);
    }
  });

  it('keeps the most frequent activities covering the activity share', () => {
    const map = filterProcessMap(chain, { activityCoverage: 0.9 });
    expect(map.stats.activitiesKept).toBe(10);
    expect(map.nodes.filter((n) => n.kind === 'activity').map((n) => n.label)).toEqual(chain.activities.slice(0, 10).map((a) => a.name));
  });

  it('draws small graphs whole and filters big ones by default', () => {
    expect(filterProcessMap(japaneseReportInput().processMap).stats.edgeCoverage).toBe(1);
    expect(filterProcessMap(chain).stats.edgeCoverage).toBe(1);
    expect(filterProcessMap(chain, { maxEdgesUnfiltered: 10 }).stats.edgeCoverage).toBe(0.9);
  });
});

describe('process map of receipt.csv', async () => {
  const input = await reportInputFromDataset('receipt.csv', 'csv');

  it('filters the 99-edge graph and keeps every activity', async () => {
    const started = performance.now();
    const map = await renderProcessMapSvg(input.processMap);
    const elapsed = performance.now() - started;
    expect(map.filter.activitiesKept).toBe(27);
    // 99 DFG edges plus start and end edges.
    expect(map.filter.edgesTotal).toBe(99 + input.processMap.startActivities.length + input.processMap.endActivities.length);
    expect(map.filter.edgesKept).toBeLessThan(map.filter.edgesTotal);
    expect((map.svg.match(/class="node"/g) ?? []).length).toBe(27 + 2);
    expect((map.svg.match(/class="edge"/g) ?? []).length).toBe(map.filter.edgesKept);
    expect(map.svg).toContain('>Confirmation of receipt</text>');
    expect(elapsed).toBeLessThan(5_000);
  });
});
