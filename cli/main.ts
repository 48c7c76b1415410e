import { Command, CommanderError } from 'commander';
import { ApiError } from '../client/index.ts';
import { registerAnalyze } from './commands/analyze.ts';
import { registerBatch } from './commands/batch.ts';
import { registerDatasets } from './commands/datasets.ts';
import { registerJobs } from './commands/jobs.ts';
import { registerLogin } from './commands/login.ts';
import { registerOps } from './commands/ops.ts';
import { registerResults } from './commands/results.ts';
import { exitCodeOf, exitCodes } from './errors.ts';

export function program(): Command {
  const pmj = new Command('pmj')
    .description('Process-mining jobs from the command line. Configure with `pmj login`, or PMJ_BASE_URL and PMJ_TOKEN.')
    .option('--json', 'print one JSON document (for scripts) instead of text')
    .option('--project <id>', "project to use (default: the token's first project)")
    .addHelpText('after', '\nExit codes: 0 ok, 1 operation failed, 2 usage (or not logged in), 3 API or network error, 130 interrupted.')
    .showHelpAfterError()
    .exitOverride();
  registerLogin(pmj);
  registerDatasets(pmj);
  registerAnalyze(pmj);
  registerOps(pmj);
  registerJobs(pmj);
  registerResults(pmj);
  registerBatch(pmj);
  // Commands created with .command() copy the parent's settings, but nested ones are made by their group: set it on all.
  const all = (command: Command): Command[] => [command, ...command.commands.flatMap(all)];
  for (const command of all(pmj)) command.exitOverride();
  return pmj;
}

/** Runs the CLI and answers its exit code; errors are reported here, once, on stderr (and as JSON under --json). */
export async function run(argv: string[]): Promise<number> {
  const pmj = program();
  try {
    await pmj.parseAsync(argv);
    return exitCodes.ok;
  } catch (error) {
    // Commander has printed its own message (usage, unknown option); help and version are not failures.
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    const code = exitCodeOf(error);
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`pmj: ${message}\n`);
    if (pmj.opts().json) {
      process.stdout.write(`${JSON.stringify({ error: { message, exitCode: code, ...(error instanceof ApiError ? { status: error.status, problem: error.problem } : {}) } }, null, 2)}\n`);
    }
    return code;
  }
}
