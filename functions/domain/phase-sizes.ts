import { defaultPhaseFunction, functions, phaseFunctionSizes } from '../../lib/topology.ts';

/** What an operation asks for in `parameters.resourceAllocation`; either figure may be left out. */
export interface ResourceRequest {
  cpuUnits?: number | undefined;
  memoryGB?: number | undefined;
}

/** What a phase runs with: the memory of its function and the vCPUs Lambda gives that memory. */
export interface ResourcesAllocated {
  /** Whole vCPUs: the CPU share rounded up, as AWS quotes them (6 vCPUs at 10,240 MB). */
  cpuUnits: number;
  memoryGB: number;
  /** The CPU time Lambda gives that memory, in vCPUs (MB / 1,769). */
  vcpuShare: number;
}

/** Lambda's CPU share grows with memory: one vCPU's worth per 1,769 MB, up to 6 vCPUs at 10,240 MB. */
export const mbPerVcpu = 1769;
const maxVcpus = 6;

/** The vCPUs a function of this memory runs on (Lambda's documented steps: 1,769 MB → 1, ..., 10,240 MB → 6). */
export const vcpusOf = (memoryMb: number): number => Math.min(maxVcpus, Math.ceil(memoryMb / mbPerVcpu));

export const allocationOf = (memoryMb: number): ResourcesAllocated => ({
  cpuUnits: vcpusOf(memoryMb),
  memoryGB: Math.round((memoryMb / 1024) * 100) / 100,
  vcpuShare: Math.round((memoryMb / mbPerVcpu) * 100) / 100,
});

/** The phase function's sizes, smallest first, in MB. */
export const phaseSizesMb: readonly number[] = phaseFunctionSizes.map((size) => functions[size.functionId].memoryMb).sort((a, b) => a - b);
export const defaultPhaseMemoryMb = functions[defaultPhaseFunction].memoryMb;

export interface PhaseSizeChoice {
  memoryMb: number;
  /** Set when the request asked for more than the largest size: it runs on the largest, and says so. */
  warnings: string[];
}

/**
 * The smallest size that gives at least the requested memory and vCPUs; the default size when
 * nothing is asked. A request beyond the largest size runs on the largest, with a warning naming
 * the field (under `field`) and the maximum, so the answer never promises more than is given.
 */
export function choosePhaseSize(request: ResourceRequest | undefined, field: string): PhaseSizeChoice {
  if (request?.cpuUnits === undefined && request?.memoryGB === undefined) return { memoryMb: defaultPhaseMemoryMb, warnings: [] };
  const largest = phaseSizesMb.at(-1)!;
  const fits = (mb: number) => (request.memoryGB === undefined || mb >= request.memoryGB * 1024) && (request.cpuUnits === undefined || vcpusOf(mb) >= request.cpuUnits);
  const memoryMb = phaseSizesMb.find(fits) ?? largest;
  const most = allocationOf(largest);
  const warnings: string[] = [];
  if (request.memoryGB !== undefined && request.memoryGB * 1024 > largest) {
    warnings.push(`${field}.memoryGB: ${request.memoryGB} is above the largest size, ${most.memoryGB} GB; the phases run with ${most.memoryGB} GB`);
  }
  if (request.cpuUnits !== undefined && request.cpuUnits > most.cpuUnits) {
    warnings.push(`${field}.cpuUnits: ${request.cpuUnits} is above the largest size's ${most.cpuUnits} vCPUs; the phases run with ${most.cpuUnits}`);
  }
  return { memoryMb, warnings };
}

/** The phase function of a size (its name and memory); undefined for a size the deployment does not have. */
export function phaseFunctionOf(memoryMb: number | undefined): { name: string; memoryMb: number } | undefined {
  const size = phaseFunctionSizes.find((s) => functions[s.functionId].memoryMb === memoryMb);
  return size ? { name: size.functionId, memoryMb: functions[size.functionId].memoryMb } : undefined;
}
