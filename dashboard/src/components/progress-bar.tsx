/** A labelled bar; the value is on `aria-valuenow` so assistive technology (and the browser test) read the same figure. */
export function ProgressBar({ label, value, status }: { label: string; value: number; status?: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div class="progress">
      <span class="progress-label">{label}</span>
      <div
        class={`bar ${status ? `status-${status.toLowerCase()}` : ''}`}
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
      >
        <div class="fill" style={{ width: `${pct}%` }} />
      </div>
      <span class="progress-value">{pct} %</span>
    </div>
  );
}

export const StatusBadge = ({ status }: { status: string }) => <span class={`badge status-${status.toLowerCase()}`}>{status}</span>;
