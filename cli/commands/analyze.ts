import { access } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Option, type Command } from 'commander';
import { jobIdOf, type Operation, type PmjClient } from '../../client/index.ts';
import { contextOf, interruptible } from '../context.ts';
import { OperationFailedError, UsageError } from '../errors.ts';
import type { Output } from '../output.ts';
import { OperationProgressView } from '../progress-view.ts';
import { summaryOf, summaryRows } from '../summary.ts';
import { uploadFile } from './datasets.ts';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const priorities = ['Low', 'Normal', 'High', 'Critical'] as const;

/** Follows an operation to its end with live progress; Ctrl-C stops watching, not the operation. */
export async function watch(client: PmjClient, output: Output, operationId: string): Promise<Operation> {
  const view = new OperationProgressView(output);
  const { signal, dispose } = interruptible();
  try {
    return await client.waitForOperation(operationId, { onProgress: (op) => view.update(op), signal });
  } finally {
    view.stop();
    dispose();
  }
}

/** The summary table and the downloaded artifacts of an ended analysis; throws if it did not complete. */
export async function report(client: PmjClient, output: Output, operation: Operation, downloadTo: string | undefined) {
  const results = await client.results(operation.operationId);
  const summary = summaryOf(results);
  const saved = downloadTo && operation.status === 'Completed' ? await client.downloadArtifacts(operation.operationId, downloadTo) : [];
  output.line();
  output.pairs(summaryRows(summary));
  if (saved.length) {
    output.line();
    output.table(['Artifact', 'Format', 'Bytes', 'Saved to'], saved.map(({ artifact, path, bytes }) => [artifact.name, artifact.format, bytes, path]));
  }
  output.document({ operationId: operation.operationId, jobId: jobIdOf(operation), status: operation.status, summary, artifacts: saved.map(({ artifact, path, bytes }) => ({ name: artifact.name, type: artifact.type, format: artifact.format, bytes, path })), ...(operation.error ? { error: operation.error } : {}) });
  if (operation.status !== 'Completed') {
    throw new OperationFailedError(`operation ${operation.operationId} ended ${operation.status}${operation.error ? `: ${operation.error.error}: ${operation.error.cause}` : ''}`);
  }
}

export function registerAnalyze(program: Command): void {
  program
    .command('analyze <source>')
    .description('run a process-mining analysis of a local file (uploaded first) or of a dataset id')
    .option('-w, --watch', 'follow it to the end with live progress, then print the summary and download the artifacts')
    .option('--name <name>', 'operation name (default: the file name or dataset id)')
    .addOption(new Option('--priority <priority>', 'operation priority').choices(priorities).default('Normal'))
    .option('--to <dir>', 'where --watch saves the artifacts (default: pmj-results/<operationId>)')
    .option('--no-download', 'with --watch, print the summary only')
    .action(async (source: string, options: { watch?: boolean; name?: string; priority: (typeof priorities)[number]; to?: string; download: boolean }, command: Command) => {
      const { client, output } = await contextOf(command);
      const isFile = await access(source).then(() => true, () => false);
      if (!isFile && !guid.test(source)) throw new UsageError(`${source} is neither a file nor a dataset id`);
      const datasetId = isFile ? (await uploadFile(client, output, source)).datasetId : source.toLowerCase();
      const started = await client.startOperation({
        operationType: 'ProcessMiningAnalysis',
        operationName: options.name ?? (isFile ? basename(source) : datasetId),
        priority: options.priority,
        parameters: { datasetId },
      });
      output.line(`operation ${started.operationId} ${started.status} (job ${jobIdOf(started)})`);
      if (!options.watch) {
        output.document({ ...started, jobId: jobIdOf(started) });
        return;
      }
      const ended = await watch(client, output, started.operationId);
      await report(client, output, ended, options.download ? (options.to ?? join('pmj-results', ended.operationId)) : undefined);
    });
}
