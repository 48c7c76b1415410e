import { cpus } from 'node:os';
import type { PhaseResourceSummary, ResourceSample } from './records.ts';

/**
 * Measures the process a phase runs in: CPU share since the previous sample, resident
 * memory, file-system traffic and the bytes the phase has read from storage.
 * Network traffic other than what the phase reads is not observable here and not reported.
 */
export class ResourceSampler {
  private lastCpu = process.cpuUsage();
  private lastAt = process.hrtime.bigint();
  private readonly cores = Math.max(1, cpus().length);
  private readonly startCpu = process.cpuUsage();
  private samples = 0;
  private cpuPercentSum = 0;
  private peakRss = 0;
  networkInBytes = 0;
  networkOutBytes = 0;
  storageRequests = 0;
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
    const cpuPercent = wallMicros > 0 ? Math.min(100, (100 * (cpu.user + cpu.system)) / (wallMicros * this.cores)) : 0;
    this.samples += 1;
    this.cpuPercentSum += cpuPercent;
    this.peakRss = Math.max(this.peakRss, memory.rss);
    return {
      timestamp: now.toISOString(),
      stage: this.stage,
      cpuPercent,
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      memoryLimitBytes: this.memoryLimitBytes,
      // getrusage counts file-system blocks of 512 bytes.
      fsReadBytes: usage.fsRead * 512,
      fsWriteBytes: usage.fsWrite * 512,
      networkInBytes: this.networkInBytes,
      recordsProcessed: this.recordsProcessed,
      cores: this.cores,
      networkOutBytes: this.networkOutBytes,
      storageRequests: this.storageRequests,
    };
  }

  summary(): PhaseResourceSummary {
    const cpu = process.cpuUsage(this.startCpu);
    return {
      samples: this.samples,
      averageCpuPercent: this.samples ? Math.round((this.cpuPercentSum / this.samples) * 10) / 10 : 0,
      peakRssBytes: this.peakRss,
      cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
    };
  }
}
