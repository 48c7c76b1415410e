import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

/** One uPlot line chart of a time series (x in Unix seconds); redrawn in place when the data change. */
export function LineChart({ title, unit, xs, ys }: { title: string; unit: string; xs: number[]; ys: (number | null)[] }) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    if (!host.current) return;
    plot.current = new uPlot(
      {
        title,
        width: Math.max(280, host.current.clientWidth || 320),
        height: 180,
        series: [{}, { label: unit, stroke: '#2563eb', width: 2, points: { show: true, size: 5 } }],
        axes: [{}, { label: unit, size: 60 }],
      },
      [xs, ys],
      host.current,
    );
    return () => plot.current?.destroy();
  }, []);
  useEffect(() => plot.current?.setData([xs, ys]), [xs, ys]);
  return <div class="chart" ref={host} data-points={xs.length} />;
}
