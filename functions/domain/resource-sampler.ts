import { cpus } from 'node:os';
import type { ResourceSample } from './records.ts';

/**
 * Measures the process a phase runs in: CPU share since the previous sample, resident
 * memory, file-system traffic and the bytes the phase has read from storage.
 * Network traffic other than what the phase reads is not observable here and not reported.
 */
export class ResourceSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();
  private readonly cores = Math.max(1, cpus().length);
  networkInBytes = 0;
  recordsProcessed = 0;

  constructor(
    private readonly stage: string,
    private readonly memoryLimitBytes: number | null,
  ) {}

  sample(now: Date): ResourceSample {
    const cpu = process.cpuUsage(this.lastCpu);
    const at = process.hrtime.bigint();
    const wallMicros = Number(at - this.lastAt) / 1000;
    this.lastCpu = process.cpuUsage();
    this.lastAt = at;
    const usage = process.resourceUsage();
    const memory = process.memoryUsage();
    return {
      timestamp: now.toISOString(),
      stage: this.stage,
      cpuPercent: wallMicros > 0 ? Math.min(100, (100 * (cpu.user + cpu.system)) / (wallMicros * this.cores)) : 0,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      memoryLimitBytes: this.memoryLimitBytes,
      // getrusage counts file-system blocks of 512 bytes.
      fsReadBytes: usage.fsRead * 512,
      fsWriteBytes: usage.fsWrite * 512,
      networkInBytes: this.networkInBytes,
      recordsProcessed: this.recordsProcessed,
    };
  }
}
