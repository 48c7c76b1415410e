import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transitionsBesidesPhases } from '../../../functions/domain/estimates.ts';
import { phasesByOperationType, type OperationType } from '../../../functions/domain/operation-types.ts';
import { defaultPhaseFunction, functions, phaseFunctionSizes, stateMachines } from '../../../lib/topology.ts';

interface State {
  Type: string;
  Default?: string;
  Choices?: Array<{ And: Array<{ Variable: string; StringEquals?: string; NumericEquals?: number }>; Next: string }>;
  Resource?: string;
  Result?: string;
  ResultPath?: string;
  Parameters?: { 'FunctionName.$'?: string; Payload?: { phase?: string }; event?: string };
  Next?: string;
  End?: boolean;
  Catch?: Array<{ Next: string }>;
}

const load = (file: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, '../../..', file), 'utf8')) as { StartAt: string; States: Record<string, State> };

describe.each(Object.entries(stateMachines))('the %s state machine', (type, definition) => {
  const asl = load(definition.definitionFile);

  it('runs one Task state per domain phase, named and ordered like the phases', () => {
    const path: State[] = [];
    const names: string[] = [];
    for (let name: string | undefined = asl.StartAt; name; name = asl.States[name]?.Next ?? asl.States[name]?.Default) {
      names.push(name);
      path.push(asl.States[name]!);
    }
    const phaseStates = path.filter((s) => s.Parameters?.Payload?.phase);
    const phases = phasesByOperationType[type as OperationType];
    expect(names.filter((_, i) => path[i]!.Parameters?.Payload?.phase)).toEqual(phases.map((p) => p.name));
    expect(phaseStates.map((s) => s.Parameters!.Payload!.phase)).toEqual(phases.map((p) => p.id));
    expect(path[0]!.Parameters?.event).toBe('started');
    // Cost estimates count these transitions besides the phases (estimates.ts).
    expect(path.length - phaseStates.length).toBe(transitionsBesidesPhases);
    expect(path.at(-1)).toMatchObject({ End: true, Parameters: { event: 'completed' } });
  });

  it('resumes at any phase after the first by its id', () => {
    const phases = phasesByOperationType[type as OperationType];
    const resume = asl.States['Resume Point']!;
    expect(resume.Default).toBe(phases[0]!.name);
    expect(resume.Choices!.map((c) => [c.And[1]!.StringEquals, c.Next])).toEqual(phases.slice(1).map((p) => [p.id, p.name]));
  });

  it('sends every failure to the failure recorder', () => {
    for (const state of Object.values(asl.States).filter((s) => s.Parameters?.Payload?.phase)) {
      expect(state.Catch?.[0]?.Next).toBe('Record Operation Failed');
    }
  });

  it('runs every phase on the function of the size the execution input names, the default size without one', () => {
    for (const state of Object.values(asl.States).filter((s) => s.Parameters?.Payload?.phase)) {
      expect(state).toMatchObject({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': '$.phaseFunction' } });
    }
    const choose = asl.States['Choose Phase Size']!;
    const passOf = (name: string) => asl.States[name]!;
    const chosen = Object.fromEntries(choose.Choices!.map((c) => [c.And[1]!.NumericEquals, passOf(c.Next).Result]));
    const bySize = phaseFunctionSizes.filter((size) => size.functionId !== defaultPhaseFunction);
    expect(chosen).toEqual(Object.fromEntries(bySize.map((size) => [functions[size.functionId].memoryMb, `\${${size.substitution}}`])));
    expect(passOf(choose.Default!).Result).toBe(`\${${phaseFunctionSizes.find((size) => size.functionId === defaultPhaseFunction)!.substitution}}`);
    for (const name of [choose.Default!, ...choose.Choices!.map((c) => c.Next)]) expect(passOf(name)).toMatchObject({ Type: 'Pass', ResultPath: '$.phaseFunction', Next: 'Resume Point' });
  });

  it('uses only placeholders the topology substitutes', () => {
    const placeholders = [...JSON.stringify(asl).matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]);
    expect(new Set(placeholders)).toEqual(new Set(Object.keys(definition.substitutions)));
  });
});
