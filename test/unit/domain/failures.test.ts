import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { executionFailure, failureCodes, OperationFailure, phaseFailure } from '../../../functions/domain/failures.ts';
import { MissingColumnError } from '../../../functions/mining/ingest/column-mapping.ts';
import { XesSyntaxError } from '../../../functions/mining/ingest/xes-scanner.ts';

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: 400 } });
const internalNames = /NoSuchKey|ConditionalCheckFailed|ResourceNotFound|AccessDenied|specified key|conditional request|arn:aws/i;

describe('phaseFailure', () => {
  it('turns storage, database and SDK errors into InternalError with a generic message', () => {
    for (const raw of [
      sdkError('NoSuchKey', 'The specified key does not exist.'),
      sdkError('ConditionalCheckFailedException', 'The conditional request failed'),
      sdkError('AccessDenied', 'User: arn:aws:sts::123:assumed-role/x is not authorized'),
      new TypeError("Cannot read properties of undefined (reading 'phases')"),
      'a thrown string',
      undefined,
    ]) {
      const failure = phaseFailure(raw);
      expect(failure).toMatchObject({ name: 'InternalError', code: 'InternalError', message: failureCodes.InternalError });
      expect(`${failure.name} ${failure.message}`).not.toMatch(internalNames);
      expect(failure.cause).toBe(raw);
    }
  });

  it("keeps the engine's description of a file that is not a valid event log", () => {
    const missing = new MissingColumnError([{ field: 'activity', lookedFor: ['concept:name', 'activity'] }], ['case', 'when']);
    expect(phaseFailure(missing)).toMatchObject({ code: 'DatasetInvalid', message: missing.message });
    expect(phaseFailure(new XesSyntaxError('unclosed tag: trace'))).toMatchObject({ code: 'DatasetInvalid', message: 'The dataset is not valid XES: unclosed tag: trace' });
    let zlibError: unknown;
    try {
      gunzipSync(Buffer.from('not gzip'));
    } catch (error) {
      zlibError = error;
    }
    expect(phaseFailure(zlibError)).toMatchObject({ code: 'DatasetInvalid', message: 'The dataset is not valid gzip data' });
  });

  it('passes documented failures through and caps their message', () => {
    const failure = new OperationFailure('DatasetNotFound', 'Dataset d no longer exists');
    expect(phaseFailure(failure)).toBe(failure);
    expect(new OperationFailure('DatasetInvalid', 'x'.repeat(5000)).message.length).toBe(2000);
  });
});

describe('executionFailure', () => {
  it('keeps a documented code with the message the phase wrote', () => {
    const cause = JSON.stringify({ errorType: 'DatasetUnreadable', errorMessage: 'The file of dataset d could not be read from storage; upload it again', trace: [] });
    expect(executionFailure({ Error: 'DatasetUnreadable', Cause: cause })).toEqual({
      error: { error: 'DatasetUnreadable', cause: 'The file of dataset d could not be read from storage; upload it again' },
      internal: false,
    });
    expect(executionFailure({ Error: 'DatasetNotFound' }).error).toEqual({ error: 'DatasetNotFound', cause: failureCodes.DatasetNotFound });
  });

  it('records any other error name as InternalError, whatever its cause says', () => {
    for (const Error of ['NoSuchKey', 'ConditionalCheckFailedException', 'States.Runtime', 'Lambda.Unknown', 'Error', 'constructor', '__proto__', undefined]) {
      const cause = JSON.stringify({ errorType: Error, errorMessage: 'The specified key does not exist.' });
      expect(executionFailure({ ...(Error ? { Error } : {}), Cause: cause })).toEqual({ error: { error: 'InternalError', cause: failureCodes.InternalError }, internal: true });
    }
    expect(executionFailure(undefined).error.error).toBe('InternalError');
  });

  it("maps Step Functions' timeouts to PhaseTimedOut", () => {
    expect(executionFailure({ Error: 'States.Timeout', Cause: 'Task timed out after 900.00 seconds' }).error).toEqual({ error: 'PhaseTimedOut', cause: failureCodes.PhaseTimedOut });
    expect(executionFailure({ Error: 'Sandbox.Timedout' }).error.error).toBe('PhaseTimedOut');
  });
});
