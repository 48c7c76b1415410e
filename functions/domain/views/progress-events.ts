/** Progress events mark every 10 % reached. */
export const progressStepPercent = 10;

/**
 * The highest multiple of 10 % that `done` of `total` reaches beyond `reached`, or null when no new
 * step was reached (or the total is unknown). Steps skipped between two samples are not invented:
 * one event says where the job now is.
 */
export function progressStep(reached: number, done: number, total: number | undefined): number | null {
  if (!total || total <= 0) return null;
  const percent = Math.min(100, Math.floor((100 * done) / total));
  const step = Math.floor(percent / progressStepPercent) * progressStepPercent;
  return step > reached ? step : null;
}
