export { localExecutionArn, localStateMachineArn } from './conventions.ts';
export { startStepFunctions } from './endpoint.ts';
export type { FunctionInvoker, StepFunctionsEndpoint, StepFunctionsOptions } from './options.ts';
