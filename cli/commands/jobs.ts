import { Option, type Command } from 'commander';
import { isTerminal, type LogEntry } from '../../client/index.ts';
import { contextOf, interruptible } from '../context.ts';

const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
const line = (e: LogEntry) => `${e.timestamp} ${e.level.padEnd(5)} ${e.stage}: ${e.message}`;
const keyOf = (e: LogEntry) => `${e.timestamp}\u0000${e.stage}\u0000${e.message}`;

export function registerJobs(program: Command): void {
  const jobs = program.command('jobs').description('job tracking: logs and timeline of a job (an operation attempt)');
  jobs
    .command('logs <jobId>')
    .description("a job's log entries")
    .addOption(new Option('--level <level>', 'least severe level shown').choices(levels).default('INFO'))
    .option('-f, --follow', 'keep printing new entries until the job ends')
    .option('--interval <ms>', 'poll interval with --follow', (v) => Number.parseInt(v, 10), 1000)
    .action(async (jobId: string, options: { level: (typeof levels)[number]; follow?: boolean; interval: number }, command: Command) => {
      const { client, output } = await contextOf(command);
      const seen = new Set<string>();
      const collected: LogEntry[] = [];
      const { signal, dispose } = interruptible();
      let ended = false;
      try {
        for (;;) {
          const last = collected.at(-1)?.timestamp;
          // fromTime is inclusive, so entries of the last instant come back: the seen set drops them.
          const page = await client.jobLogs(jobId.toLowerCase(), { level: options.level, ...(last ? { fromTime: last } : {}) });
          for (const entry of page.logs) {
            if (seen.has(keyOf(entry))) continue;
            seen.add(keyOf(entry));
            collected.push(entry);
            output.line(line(entry));
          }
          if (!options.follow || signal.aborted) break;
          // The job's last entries may land just after its status ends: read once more after the end is seen.
          if (isTerminal(page.jobStatus)) {
            if (ended) break;
            ended = true;
          }
          await new Promise((resolve) => setTimeout(resolve, options.interval));
        }
      } finally {
        dispose();
      }
      output.document({ jobId, logs: collected });
    });
  jobs
    .command('timeline <jobId>')
    .description("a job's events: stages starting and ending, milestones, warnings; then what is still to come")
    .addOption(new Option('--granularity <unit>').choices(['seconds', 'minutes', 'major_events'] as const).default('seconds'))
    .action(async (jobId: string, options: { granularity: 'seconds' | 'minutes' | 'major_events' }, command: Command) => {
      const { client, output } = await contextOf(command);
      const timeline = await client.jobTimeline(jobId.toLowerCase(), { granularity: options.granularity });
      output.table(['Time', 'Event', 'Description'], timeline.timeline.map((e) => [e.exactTimestamp ?? e.timestamp, e.eventType, e.description]));
      if (timeline.upcomingEvents.length) {
        output.line();
        output.table(['Expected', 'Event', 'Description'], timeline.upcomingEvents.map((e) => [e.estimatedTime, e.eventType, e.description]));
      }
      output.document(timeline);
    });
}
