/**
 * Wiring of the phase runner, kept apart from composition.ts so that API functions do not
 * bundle the mining engine.
 */
import { callbackNotifier, datasetStore, jobJournal, objectStore, operationStore } from './composition.ts';
import { PhaseRunner, type PhaseFaults } from './domain/phase-runner.ts';
import { phaseWork } from './domain/phases/registry.ts';
import { systemClock } from './domain/ports.ts';
import { defaultResourceSampleIntervalMs, env } from '../lib/topology.ts';

let runner: PhaseRunner | undefined;
let faults: PhaseFaults | undefined;

/** Only the local stack calls this (local/faults.ts): a deployed function never has faults injected. */
export function injectPhaseFaults(injected: PhaseFaults): void {
  faults = injected;
  runner = undefined;
}

export function phaseRunner(): PhaseRunner {
  return (runner ??= new PhaseRunner(
    operationStore(),
    datasetStore(),
    objectStore(),
    jobJournal(),
    systemClock,
    {
      sampleIntervalMs: Number(process.env[env.resourceSampleIntervalMs] ?? defaultResourceSampleIntervalMs),
      memoryLimitBytes: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ? Number(process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE) * 1024 * 1024 : null,
    },
    phaseWork,
    callbackNotifier(),
    faults,
  ));
}
