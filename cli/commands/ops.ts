import { Option, type Command } from 'commander';
import { jobIdOf, type Operation } from '../../client/index.ts';
import { contextOf } from '../context.ts';
import type { Output } from '../output.ts';

const statuses = ['Initiated', 'Queued', 'Running', 'Completed', 'Failed', 'Cancelled', 'Timeout'] as const;
const types = ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'] as const;
const priorities = ['Low', 'Normal', 'High', 'Critical'] as const;

function showOperation(output: Output, op: Operation): void {
  output.pairs([
    ['Operation', op.operationId],
    ['Name', op.operationName],
    ['Type', op.operationType],
    ['Status', op.status],
    ['Priority', op.priority],
    ['Job', jobIdOf(op)],
    ['Progress', `${op.progress.percentage}% (${op.progress.phasesCompleted}/${op.progress.totalPhases} phases)`],
    ['Created', op.dateCreated],
    ['Ended', op.endTime],
    ...(op.error ? ([['Error', `${op.error.error}: ${op.error.cause}`]] as [string, string][]) : []),
  ]);
  output.line();
  output.table(['Phase', 'Status', 'Duration', 'Records'], op.phases.map((p) => [p.phaseName, p.status, p.durationMs === undefined ? null : `${(p.durationMs / 1000).toFixed(1)} s`, p.recordsProcessed]));
}

export function registerOps(program: Command): void {
  const ops = program.command('ops').description('asynchronous operations of the project');
  ops
    .command('list')
    .description('list operations, newest first')
    .addOption(new Option('--status <status>').choices(statuses))
    .addOption(new Option('--type <type>').choices(types))
    .addOption(new Option('--priority <priority>').choices(priorities))
    .option('--page <n>', 'page number', (v) => Number.parseInt(v, 10))
    .option('--page-size <n>', 'operations per page', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: { status?: (typeof statuses)[number]; type?: (typeof types)[number]; priority?: (typeof priorities)[number]; page?: number; pageSize: number }, command: Command) => {
      const { client, output } = await contextOf(command);
      const list = await client.listOperations({
        pageSize: options.pageSize,
        ...(options.page ? { page: options.page } : {}),
        ...(options.status ? { status: options.status } : {}),
        ...(options.type ? { operationType: options.type } : {}),
        ...(options.priority ? { priority: options.priority } : {}),
      });
      output.table(['Operation', 'Type', 'Status', 'Priority', 'Progress', 'Created', 'Name'], list.operations.map((o) => [o.operationId, o.operationType, o.status, o.priority, `${o.progress}%`, o.dateCreated, o.operationName]));
      if (list.hasNextPage) output.line(`more: --page ${list.page + 1}`);
      output.document(list);
    });
  ops
    .command('get <operationId>')
    .description('status, progress and phases of an operation')
    .action(async (operationId: string, _options: unknown, command: Command) => {
      const { client, output } = await contextOf(command);
      const op = await client.getOperation(operationId.toLowerCase());
      showOperation(output, op);
      output.document(op);
    });
  ops
    .command('cancel <operationId>')
    .description('cancel an operation that has not ended')
    .option('--reason <text>', 'recorded as the cancellation reason')
    .action(async (operationId: string, options: { reason?: string }, command: Command) => {
      const { client, output } = await contextOf(command);
      const cancelled = await client.cancelOperation(operationId.toLowerCase(), options.reason);
      output.line(`operation ${cancelled.operationId} ${cancelled.status}`);
      output.document(cancelled);
    });
  ops
    .command('retry <operationId>')
    .description('retry an ended operation as a new one')
    .addOption(new Option('--mode <mode>', 'resume from the failed phase or restart').choices(['resume', 'restart'] as const).default('resume'))
    .action(async (operationId: string, options: { mode: 'resume' | 'restart' }, command: Command) => {
      const { client, output } = await contextOf(command);
      const retry = (await client.retryOperation(operationId.toLowerCase(), { retryMode: options.mode })) as { newOperationId?: string; status?: string };
      output.line(`retried as operation ${retry.newOperationId} ${retry.status}`);
      output.document(retry);
    });
}
