import cliProgress from 'cli-progress';
import type { Operation } from '../client/index.ts';
import type { Output } from './output.ts';

type Phase = Operation['phases'][number];

/** A phase's share done: the same rule as the job-progress endpoint (records processed of the log's records). */
function phasePercent(phase: Phase, totalRecords: number | null): number {
  if (phase.status === 'Completed') return 100;
  if (phase.status === 'Running' && totalRecords && phase.recordsProcessed) return Math.min(100, Math.floor((100 * phase.recordsProcessed) / totalRecords));
  return 0;
}

const seconds = (ms: number | undefined) => (ms === undefined ? '' : ` in ${(ms / 1000).toFixed(1)} s`);
const eta = (operation: Operation) => (operation.progress.estimatedRemaining ? `ETA ${operation.progress.estimatedRemaining}` : '');

/**
 * Live progress of one operation: a bar per phase and one overall with the ETA on a terminal; elsewhere a line per
 * change (a phase starting or ending, the overall percentage moving), which reads well in a log file.
 */
export class OperationProgressView {
  private bars?: cliProgress.MultiBar;
  private readonly phaseBars = new Map<string, cliProgress.SingleBar>();
  private overall?: cliProgress.SingleBar;
  private readonly printed = new Map<string, string>();
  private lastPercent = -1;
  private lastStatus = '';

  constructor(private readonly output: Output) {}

  update(operation: Operation): void {
    if (this.output.json) return;
    if (this.output.interactive) this.draw(operation);
    else this.print(operation);
  }

  stop(): void {
    this.bars?.stop();
    this.bars = undefined;
  }

  private draw(operation: Operation): void {
    const total = operation.execution.totalRecords;
    if (!this.bars) {
      this.bars = new cliProgress.MultiBar(
        { format: ' {name} {bar} {percentage}% {state}', barsize: 24, barCompleteChar: '█', barIncompleteChar: '░', hideCursor: true, clearOnComplete: false, stream: process.stdout, autopadding: true },
        cliProgress.Presets.shades_classic,
      );
      const width = Math.max(7, ...operation.phases.map((p) => p.phaseName.length));
      for (const phase of operation.phases) this.phaseBars.set(phase.phaseName, this.bars.create(100, 0, { name: phase.phaseName.padEnd(width), state: phase.status }));
      this.overall = this.bars.create(100, 0, { name: 'Overall'.padEnd(width), state: operation.status });
    }
    for (const phase of operation.phases) {
      this.phaseBars.get(phase.phaseName)?.update(phasePercent(phase, total), { state: `${phase.status}${seconds(phase.durationMs)}` });
    }
    this.overall?.update(operation.progress.percentage, { state: `${operation.status} ${eta(operation)}`.trim() });
  }

  private print(operation: Operation): void {
    if (operation.status !== this.lastStatus) {
      this.output.line(`status ${operation.status}`);
      this.lastStatus = operation.status;
    }
    for (const phase of operation.phases) {
      if (this.printed.get(phase.phaseName) === phase.status || phase.status === 'Pending') continue;
      this.printed.set(phase.phaseName, phase.status);
      this.output.line(`phase ${phase.phaseName}: ${phase.status}${seconds(phase.durationMs)}`);
    }
    if (operation.progress.percentage !== this.lastPercent) {
      this.lastPercent = operation.progress.percentage;
      const { phasesCompleted, totalPhases } = operation.progress;
      this.output.line(`progress ${operation.progress.percentage}% (${phasesCompleted}/${totalPhases} phases)${eta(operation) ? ` ${eta(operation)}` : ''}`);
    }
  }
}

/** Bytes sent of a file: a bar on a terminal, one closing line elsewhere. */
export function uploadProgress(output: Output, label: string): { onProgress: (sent: number, total: number) => void; done: (succeeded: boolean) => void } {
  if (output.json) return { onProgress: () => {}, done: () => {} };
  if (!output.interactive) {
    let total = 0;
    return { onProgress: (_sent, all) => void (total = all), done: (succeeded) => succeeded && output.line(`uploaded ${label} (${total} bytes)`) };
  }
  const bar = new cliProgress.SingleBar({ format: ` upload ${label} {bar} {percentage}% {value}/{total} bytes`, hideCursor: true, stream: process.stdout }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    onProgress: (sent, total) => {
      if (!started) bar.start(total, 0), (started = true);
      bar.update(sent);
    },
    done: () => bar.stop(),
  };
}
