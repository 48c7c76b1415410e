import { useEffect, useState } from 'preact/hooks';
import type { DashboardApi, JobMetrics, MetricsPoint } from '../api.ts';
import { message } from '../format.ts';
import { LineChart } from './chart.tsx';

type Point = { t: number; cpu: number | null; memoryMb: number | null; rate: number | null };

/**
 * CPU, memory and throughput: the route's history (one point per minute) followed by the current figures seen at each
 * refresh while the page is open, so a short job still draws a line.
 */
export function Metrics({ api, jobId, tick }: { api: DashboardApi; jobId: string; tick: number }) {
  const [points, setPoints] = useState<Point[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    let stopped = false;
    api
      .metrics(jobId)
      .then((metrics) => !stopped && setPoints((seen) => merge(seen, metrics)))
      .catch((e: unknown) => !stopped && setError(message(e)));
    return () => {
      stopped = true;
    };
  }, [jobId, tick]);

  const xs = points.map((p) => p.t);
  return (
    <div>
      {error && <p class="error">{error}</p>}
      <div class="charts">
        <LineChart title="CPU" unit="%" xs={xs} ys={points.map((p) => p.cpu)} />
        <LineChart title="Memory" unit="MB" xs={xs} ys={points.map((p) => p.memoryMb)} />
        <LineChart title="Throughput" unit="records/s" xs={xs} ys={points.map((p) => p.rate)} />
      </div>
    </div>
  );
}

const fromHistory = (h: MetricsPoint): Point => ({
  t: Date.parse(h.timestamp) / 1000,
  cpu: h.cpu ?? null,
  memoryMb: h.memoryBytes != null ? h.memoryBytes / 2 ** 20 : null,
  rate: h.recordsPerSecond ?? null,
});

function merge(seen: Point[], metrics: JobMetrics): Point[] {
  const history = (metrics.historicalMetrics ?? []).map(fromHistory);
  const live = [...seen.filter((p) => !history.some((h) => h.t === p.t))];
  if (metrics.metricsCollectionTime) {
    const { resourceUtilization: r, processing } = metrics.currentMetrics;
    const t = Date.parse(metrics.metricsCollectionTime) / 1000;
    if (!live.some((p) => p.t === t))
      live.push({ t, cpu: r.cpu.usage, memoryMb: r.memory.usedBytes != null ? r.memory.usedBytes / 2 ** 20 : null, rate: processing.recordsPerSecond });
  }
  return [...history, ...live].sort((a, b) => a.t - b.t).filter((p, i, all) => i === 0 || p.t > all[i - 1]!.t);
}
