/** How Step Functions names things, dates them and limits them, as the local endpoint reproduces it. */
import { LOCAL_ACCOUNT, LOCAL_REGION } from '../function-runtime.ts';

export const localStateMachineArn = (id: string): string => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${id}`;
export const localExecutionArn = (stateMachineId: string, name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachineId}:${name}`;
export const LOCAL_ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-step-functions`;

/** Step Functions' JSON protocol carries dates as epoch seconds. */
export const nowSeconds = (): number => Date.now() / 1000;

/** Step Functions' own default for a Task without TimeoutSeconds is "no timeout" (99999999 s). */
export const TASK_TIMEOUT_SECONDS_CAP = Math.floor(0x7fffffff / 1000); // largest a Node timer can wait
/** Step Functions' payload quota, for execution input and each task result. */
export const MAX_PAYLOAD_BYTES = 256 * 1024;
