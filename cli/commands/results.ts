import type { Command } from 'commander';
import { contextOf } from '../context.ts';

export function registerResults(program: Command): void {
  const results = program.command('results').description('results of ended operations');
  results
    .command('download <operationId>')
    .description('save every artifact of an ended operation (maps, anomalies, report, models) into a folder')
    .requiredOption('--to <dir>', 'folder to save into (created if missing)')
    .action(async (operationId: string, options: { to: string }, command: Command) => {
      const { client, output } = await contextOf(command);
      const saved = await client.downloadArtifacts(operationId.toLowerCase(), options.to);
      output.table(['Artifact', 'Format', 'Bytes', 'Saved to'], saved.map(({ artifact, path, bytes }) => [artifact.name, artifact.format, bytes, path]));
      output.document(saved.map(({ artifact, path, bytes }) => ({ name: artifact.name, type: artifact.type, format: artifact.format, bytes, path })));
    });
}
