import { Tracer } from '@aws-lambda-powertools/tracer';
import { serviceName } from '../domain/telemetry.ts';

/**
 * X-Ray through Powertools. Only inside Lambda (the stack turns active tracing on); elsewhere, the local stack and
 * tests, every call is a no-op and SDK clients are returned unwrapped.
 */
export const tracer = new Tracer({ serviceName, enabled: Boolean(process.env.AWS_LAMBDA_FUNCTION_NAME) && process.env.POWERTOOLS_TRACE_ENABLED !== 'false' });

/** An SDK v3 client whose calls appear as subsegments of the invocation's trace. */
export function traced<T>(client: T): T {
  return tracer.captureAWSv3Client(client as never) as T;
}

/** Annotations are indexed: X-Ray's console finds every trace of an operation or job by them. */
export function annotate(keys: Record<string, string | undefined>): void {
  if (!tracer.isTracingEnabled()) return;
  for (const [key, value] of Object.entries(keys)) if (value) tracer.putAnnotation(key, value);
}
