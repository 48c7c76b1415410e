/** Types and error shapes of the aws-local-stepfunctions interpreter the endpoint runs. */
import type { RunOptions, StateMachine } from 'aws-local-stepfunctions';

export type RetryIntervalOverrides = NonNullable<NonNullable<RunOptions['overrides']>['retryIntervalOverrides']>;
export type JsonValue = Parameters<StateMachine['run']>[0];

export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** An error aws-local-stepfunctions will neither retry nor catch (it reads these two flags). */
export function terminalError(name: string, message: string): Error {
  return Object.assign(namedError(name, message), { isRetryable: false, isCatchable: false });
}
