import { describe, expect, it } from 'vitest';
import { formatBytes, humanDuration } from '../../../functions/domain/durations.ts';
import { progressOf } from '../../../functions/domain/progress.ts';
import type { OperationRecord, PhaseRecord } from '../../../functions/domain/records.ts';

const phase = (status: PhaseRecord['status'], recordsProcessed?: number): PhaseRecord => ({ id: 'ProcessDiscovery', name: `phase ${status}`, status, ...(recordsProcessed !== undefined ? { recordsProcessed } : {}) });
const operation = (status: OperationRecord['status'], phases: PhaseRecord[], totalRecords?: number) =>
  ({ status, phases, ...(totalRecords ? { totalRecords } : {}) }) as OperationRecord;

describe('progressOf', () => {
  it('counts finished phases', () => {
    expect(progressOf(operation('Running', [phase('Completed'), phase('Completed'), phase('Pending'), phase('Pending')]))).toEqual({
      percentage: 50,
      currentPhase: null,
      phasesCompleted: 2,
      totalPhases: 4,
    });
  });

  it('credits a running phase only by the records it has measurably processed', () => {
    expect(progressOf(operation('Running', [phase('Completed'), phase('Running', 50), phase('Pending'), phase('Pending')], 100)).percentage).toBe(37);
    expect(progressOf(operation('Running', [phase('Completed'), phase('Running'), phase('Pending'), phase('Pending')])).percentage).toBe(25);
  });

  it('is 100 only when the operation completed', () => {
    expect(progressOf(operation('Completed', [phase('Completed')])).percentage).toBe(100);
    expect(progressOf(operation('Failed', [phase('Failed')])).percentage).toBe(0);
  });
});

describe('humanDuration', () => {
  it.each([
    [450, '450 milliseconds'],
    [1000, '1 second'],
    [23 * 60_000 + 15_000, '23 minutes 15 seconds'],
    [3_600_000 + 5_000, '1 hour'],
    [2 * 86_400_000 + 3 * 3_600_000 + 7000, '2 days 3 hours'],
  ])('%i ms reads %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('formatBytes', () => {
  it.each([
    [512, '512 B'],
    [2048, '2.0 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [3 * 1024 ** 3, '3.00 GB'],
  ])('%i bytes read %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
