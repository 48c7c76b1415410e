import type { APIGatewayProxyResult } from 'aws-lambda';
import { z } from 'zod';
import { phaseIds, type PhaseId } from '../functions/domain/operation-types.ts';
import { OperationFailure } from '../functions/domain/failures.ts';
import type { PhaseFaults } from '../functions/domain/phase-runner.ts';

/**
 * Fault injection for the local stack only (`/_local/faults`): the next `count` runs of a phase fail or run longer,
 * so failures, automatic retries, timeouts and cancellations can be exercised through HTTP. A deployed stack has no
 * such route and its phase function no fault port (functions/phase-composition.ts `injectPhaseFaults`).
 */
const lifecycleStep = 'lifecycle';
const lifecycleEvents = ['started', 'completed', 'failed'] as const;

export const faultRequest = z
  .strictObject({
    /** A phase id, or `lifecycle`: the state machine's Record Operation Started/Completed/Failed steps (RecordLifecycle). */
    phase: z.enum([...phaseIds, lifecycleStep]),
    /** With `lifecycle`: only that step (`started`, `completed` or `failed`); without it, any of them. */
    event: z.enum(lifecycleEvents).optional(),
    /** error: the phase throws a retryable error; crash: the invocation dies as a Lambda crash would; delay: the phase runs `seconds` longer. */
    mode: z.enum(['error', 'crash', 'delay']),
    count: z.number().int().min(1).max(1000).default(1),
    seconds: z.number().min(0).max(3600).optional(),
    /** Only runs of this project's operations; without it, any operation's run of the phase. */
    projectId: z.string().min(1).optional(),
  })
  .refine((f) => f.mode !== 'delay' || f.seconds !== undefined, { message: 'a delay needs seconds', path: ['seconds'] })
  .refine((f) => f.phase !== lifecycleStep || f.mode !== 'delay', { message: 'a lifecycle step can be made to fail (error, crash), not to run longer', path: ['mode'] })
  .refine((f) => f.event === undefined || f.phase === lifecycleStep, { message: 'event applies to the lifecycle step only', path: ['event'] });
export type FaultRequest = z.infer<typeof faultRequest>;

export interface Fault extends FaultRequest {
  faultId: number;
  /** Runs still to be affected. */
  remaining: number;
  createdAt: string;
}

/** The error an injected `error` fault throws: InternalError, which automatic retries retry. */
export const injectedErrorMessage = (phase: PhaseId) => `Fault injected by the local stack into ${phase}`;

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(request: FaultRequest): Fault {
    const fault: Fault = { ...request, faultId: this.nextId++, remaining: request.count, createdAt: new Date().toISOString() };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  clear(): number {
    const cleared = this.faults.length;
    this.faults = [];
    return cleared;
  }

  /** Takes one run from the oldest fault of the phase whose mode is one of `modes`; the fault is gone when used up. */
  take(phase: Fault['phase'], modes: readonly Fault['mode'][], projectId: string | undefined, event?: string): Fault | undefined {
    const fault = this.faults.find(
      (f) => f.phase === phase && modes.includes(f.mode) && f.remaining > 0 && (!f.projectId || f.projectId === projectId) && (!f.event || f.event === event),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  /** The phase runner's port: `error` and `delay` happen inside the phase (a delay races the operation's deadline). */
  phaseFaults(): PhaseFaults {
    return {
      beforeWork: async (phase, job) => {
        const fault = this.take(phase, ['error', 'delay'], job.projectId);
        if (!fault) return;
        if (fault.mode === 'error') throw new OperationFailure('InternalError', injectedErrorMessage(phase));
        await new Promise((resolve) => setTimeout(resolve, (fault.seconds ?? 0) * 1000));
      },
    };
  }

  /** The function runtime's check: a `crash` ends the invocation before the handler runs, as a killed sandbox would. */
  crashFor(event: unknown): Error | undefined {
    const { phase, job, event: step } = (event ?? {}) as { phase?: unknown; job?: { projectId?: unknown }; event?: unknown };
    if (phase === undefined && typeof step === 'string' && (lifecycleEvents as readonly string[]).includes(step)) return this.lifecycleFault(step, job?.projectId);
    if (typeof phase !== 'string' || !(phaseIds as readonly string[]).includes(phase)) return undefined;
    if (!this.take(phase as PhaseId, ['crash'], typeof job?.projectId === 'string' ? job.projectId : undefined)) return undefined;
    const crash = new Error(`RequestId: local Error: Runtime exited with error: signal: killed (fault injected by the local stack into ${phase})`);
    crash.name = 'Runtime.ExitError';
    return crash;
  }

  /** A RecordLifecycle invocation made to fail before its handler runs: `error` throws, `crash` dies as a killed runtime. */
  private lifecycleFault(step: string, projectId: unknown): Error | undefined {
    const fault = this.take(lifecycleStep, ['error', 'crash'], typeof projectId === 'string' ? projectId : undefined, step);
    if (!fault) return undefined;
    if (fault.mode === 'error') return new Error(`Fault injected by the local stack into the lifecycle step (${step})`);
    const crash = new Error(`RequestId: local Error: Runtime exited with error: signal: killed (fault injected by the local stack into the lifecycle step ${step})`);
    crash.name = 'Runtime.ExitError';
    return crash;
  }

  /** `/_local/faults`: POST adds, GET lists, DELETE clears. */
  async control(method: string, body: Buffer): Promise<APIGatewayProxyResult> {
    const json = (statusCode: number, value: unknown): APIGatewayProxyResult => ({ statusCode, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) });
    if (method === 'GET') return json(200, { faults: this.list() });
    if (method === 'DELETE') return json(200, { cleared: this.clear() });
    if (method !== 'POST') return { ...json(405, { title: 'Method Not Allowed', status: 405, detail: 'Use GET, POST or DELETE' }), headers: { 'Content-Type': 'application/problem+json', Allow: 'GET, POST, DELETE' } };
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return problem('The body is not valid JSON', [{ name: 'body', reason: 'not valid JSON' }]);
    }
    const result = faultRequest.safeParse(parsed);
    if (!result.success) {
      return problem(
        'The fault is not valid',
        result.error.issues.map((issue) => ({ name: ['body', ...issue.path.map(String)].join('.'), reason: issue.message })),
      );
    }
    return json(201, this.add(result.data));
  }
}

function problem(detail: string, invalidParams: Array<{ name: string; reason: string }>): APIGatewayProxyResult {
  return {
    statusCode: 400,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title: 'Bad Request', status: 400, detail, invalidParams }),
  };
}
