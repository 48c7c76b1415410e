import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { isTerminal, type Batch, type BatchBody, type PmjClient } from '../../client/index.ts';
import { contextOf, interruptible } from '../context.ts';
import { OperationFailedError, UsageError } from '../errors.ts';
import type { Output } from '../output.ts';

const table = (output: Output, batch: Batch) =>
  output.table(['Key', 'Operation', 'Status', 'Depends on'], batch.operations.map((o) => [o.operationKey, o.operationId, o.status, o.dependencies.join(', ') || null]));

/** Polls a batch until every operation has ended, printing each status change once. */
async function watchBatch(client: PmjClient, output: Output, batchId: string): Promise<Batch> {
  const printed = new Map<string, string>();
  const { signal, dispose } = interruptible();
  let interval = 500;
  try {
    for (;;) {
      signal.throwIfAborted();
      const batch = await client.getBatch(batchId);
      let changed = false;
      for (const op of batch.operations) {
        if (printed.get(op.operationKey) === op.status) continue;
        printed.set(op.operationKey, op.status);
        changed = true;
        output.line(`${op.operationKey}: ${op.status}`);
      }
      if (batch.operations.every((o) => isTerminal(o.status))) return batch;
      interval = changed ? 500 : Math.min(5_000, Math.round(interval * 1.5));
      await new Promise((resolve) => setTimeout(resolve, interval));
    }
  } finally {
    dispose();
  }
}

export function registerBatch(program: Command): void {
  const batch = program.command('batch').description('batches of dependent operations');
  batch
    .command('submit <file>')
    .description('submit a batch described by a JSON file (the body of POST async/batch)')
    .option('-w, --watch', 'follow every operation to its end')
    .action(async (file: string, options: { watch?: boolean }, command: Command) => {
      const { client, output } = await contextOf(command);
      let body: BatchBody;
      try {
        body = JSON.parse(await readFile(file, 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read ${file} as JSON: ${(error as Error).message}`);
      }
      const submitted = await client.submitBatch(body);
      output.line(`batch ${submitted.batchId} ${submitted.status}, ${submitted.totalOperations} operations`);
      if (!options.watch) {
        table(output, submitted);
        output.document(submitted);
        return;
      }
      const ended = await watchBatch(client, output, submitted.batchId);
      output.line();
      table(output, ended);
      output.document(ended);
      const failed = ended.operations.filter((o) => o.status !== 'Completed');
      if (failed.length) throw new OperationFailedError(`${failed.length} of ${ended.totalOperations} operations did not complete: ${failed.map((o) => `${o.operationKey} ${o.status}`).join(', ')}`);
    });
}
