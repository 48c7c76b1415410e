import { access } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { formatOfFile, type Dataset, type PmjClient } from '../../client/index.ts';
import { contextOf } from '../context.ts';
import { UsageError } from '../errors.ts';
import type { Output } from '../output.ts';
import { uploadProgress } from '../progress-view.ts';

/** Uploads a local event log, with a progress bar on a terminal. */
export async function uploadFile(client: PmjClient, output: Output, file: string, name?: string): Promise<Dataset> {
  if (!(await access(file).then(() => true, () => false))) throw new UsageError(`no such file: ${file}`);
  if (!formatOfFile(file)) throw new UsageError(`cannot tell the format of ${basename(file)}: name it .csv, .csv.gz, .xes or .xes.gz`);
  const progress = uploadProgress(output, basename(file));
  let succeeded = false;
  try {
    const dataset = await client.uploadDataset(file, { ...(name ? { name } : {}), onProgress: progress.onProgress });
    succeeded = true;
    return dataset;
  } finally {
    progress.done(succeeded);
  }
}

export function registerDatasets(program: Command): void {
  const datasets = program.command('datasets').description('event logs of the project');
  datasets
    .command('upload <file>')
    .description('create a dataset and upload a .csv, .csv.gz, .xes or .xes.gz file to it')
    .option('--name <name>', 'dataset name (default: the file name)')
    .action(async (file: string, options: { name?: string }, command: Command) => {
      const { client, output } = await contextOf(command);
      const dataset = await uploadFile(client, output, file, options.name);
      output.pairs([
        ['Dataset', dataset.datasetId],
        ['Status', dataset.status],
        ['Bytes', dataset.sizeBytes],
      ]);
      output.document(dataset);
    });
}
