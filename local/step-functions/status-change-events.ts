import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../function-runtime.ts';
import type { ExecutionRecord } from './executions.ts';

/**
 * EventBridge's "Step Functions Execution Status Change" event for an execution that ended, in the shape AWS sends
 * (dates in epoch milliseconds, input and output as JSON strings), so the same handler receives it locally.
 */
export function statusChangeEvent(record: ExecutionRecord) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Step Functions Execution Status Change',
    source: 'aws.states',
    account: LOCAL_ACCOUNT,
    time: new Date((record.stopDate ?? Date.now() / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [record.executionArn],
    detail: {
      executionArn: record.executionArn,
      stateMachineArn: record.stateMachineArn,
      name: record.name,
      status: record.status,
      startDate: Math.round(record.startDate * 1000),
      stopDate: record.stopDate === undefined ? null : Math.round(record.stopDate * 1000),
      input: record.input,
      output: record.output ?? null,
      inputDetails: { included: true },
      outputDetails: record.output === undefined ? null : { included: true },
      error: record.error ?? null,
      cause: record.cause ?? null,
    },
  };
}
export type StatusChangeEvent = ReturnType<typeof statusChangeEvent>;
