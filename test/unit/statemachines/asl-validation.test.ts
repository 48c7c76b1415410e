import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functions, stateMachines } from '../../../lib/topology.ts';

interface AslValidation {
  isValid: boolean;
  errors: unknown[];
  errorsText: (separator?: string) => string;
}
// asl-validator ships no type declarations; this is its documented call.
const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown, options?: { checkArn?: boolean; checkPaths?: boolean }) => AslValidation;

interface Retrier {
  ErrorEquals: string[];
  MaxAttempts?: number;
  JitterStrategy?: string;
}
interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Retry?: Retrier[];
  Catch?: Array<{ ErrorEquals: string[]; Next: string; ResultPath?: string | null }>;
}
interface Asl {
  TimeoutSeconds?: number;
  States: Record<string, State>;
}

/** The longest `timeout` an operation may ask for (functions/schemas/operation.ts). */
const maxOperationTimeoutSeconds = 86_400;

/** The ASL file as AWS receives it: every `${Key}` replaced by the ARN of the function the topology names. */
function substituted(file: string, substitutions: Record<string, string>): unknown {
  const raw = readFileSync(resolve(import.meta.dirname, '../../..', file), 'utf8');
  return JSON.parse(
    raw.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => `arn:aws:lambda:us-east-1:123456789012:function:${substitutions[key] ?? `missing-${key}`}`),
  );
}

describe.each(Object.entries(stateMachines))('the %s ASL file', (_id, definition) => {
  const asl = substituted(definition.definitionFile, definition.substitutions) as Asl;

  it('is a valid Amazon States Language definition (asl-validator, ARNs and paths checked)', () => {
    const result = validateAsl(asl, { checkArn: true, checkPaths: true });
    expect(result.errorsText('\n')).toBe('');
    expect(result.isValid).toBe(true);
    for (const fnId of Object.values(definition.substitutions)) expect(functions[fnId]).toBeDefined();
  });

  it('times out after the longest operation timeout, with margin, so no execution runs for ever', () => {
    expect(asl.TimeoutSeconds).toBeGreaterThan(maxOperationTimeoutSeconds);
    expect(asl.TimeoutSeconds).toBeLessThanOrEqual(maxOperationTimeoutSeconds * 2);
  });

  it('retries the end-of-operation lifecycle states on any error, then catches so the execution ends failed', () => {
    const completed = asl.States['Record Operation Completed']!;
    const failed = asl.States['Record Operation Failed']!;
    for (const state of [completed, failed]) {
      const last = state.Retry?.at(-1);
      expect(last).toMatchObject({ ErrorEquals: ['States.ALL'], JitterStrategy: 'FULL' });
      expect(last!.MaxAttempts).toBeGreaterThanOrEqual(2);
      expect(state.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'] })]);
    }
    // A completion that cannot be recorded is recorded as a failure; a failure that cannot be recorded fails the execution.
    expect(completed.Catch![0]!.Next).toBe('Record Operation Failed');
    expect(completed.Catch![0]!.ResultPath).toBe('$.error');
    expect(asl.States[failed.Catch![0]!.Next]).toMatchObject({ Type: 'Fail' });
  });
});
