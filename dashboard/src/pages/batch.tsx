import type { DashboardApi } from '../api.ts';
import { StatusBadge } from '../components/progress-bar.tsx';
import { layers } from '../graph-layout.ts';
import { usePollWhileRunning } from '../poll.ts';
import { hrefOf } from '../router.ts';

const W = 190;
const H = 46;
const GAP_X = 70;
const GAP_Y = 18;

export function BatchPage({ api, batchId }: { api: DashboardApi; batchId: string }) {
  const { value: batch, error } = usePollWhileRunning(() => api.getBatch(batchId), (next) => next.operations, [batchId, api]);

  if (!batch) return <p class="muted">{error ?? 'Loading…'}</p>;
  const depth = layers(batch.operations);
  const rows = new Map<number, number>();
  const position = new Map<string, { x: number; y: number }>();
  for (const op of batch.operations) {
    const column = depth.get(op.operationKey) ?? 0;
    const row = rows.get(column) ?? 0;
    rows.set(column, row + 1);
    position.set(op.operationKey, { x: 10 + column * (W + GAP_X), y: 10 + row * (H + GAP_Y) });
  }
  const width = 20 + (Math.max(0, ...depth.values()) + 1) * (W + GAP_X);
  const height = 20 + Math.max(1, ...rows.values()) * (H + GAP_Y);
  return (
    <div>
      <h2>
        {batch.batchName} <StatusBadge status={batch.status} />
      </h2>
      {error && <p class="error">{error}</p>}
      <svg class="graph" width={width} height={height} role="img" aria-label="Batch dependency graph" data-testid="batch-graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#64748b" />
          </marker>
        </defs>
        {batch.operations.flatMap((op) =>
          op.dependencies.map((dep) => {
            const from = position.get(dep);
            const to = position.get(op.operationKey);
            if (!from || !to) return null;
            return <line x1={from.x + W} y1={from.y + H / 2} x2={to.x} y2={to.y + H / 2} stroke="#64748b" marker-end="url(#arrow)" />;
          }),
        )}
        {batch.operations.map((op) => {
          const { x, y } = position.get(op.operationKey)!;
          return (
            <a href={hrefOf({ page: 'operation', operationId: op.operationId })}>
              <g class={`node status-${op.status.toLowerCase()}`} data-status={op.status}>
                <rect x={x} y={y} width={W} height={H} rx={6} />
                <text x={x + 8} y={y + 18}>
                  {op.operationKey}
                </text>
                <text x={x + 8} y={y + 36} class="muted">
                  {op.status}
                </text>
              </g>
            </a>
          );
        })}
      </svg>
    </div>
  );
}
