import { Logger } from '@aws-lambda-powertools/logger';
import type { LogItem } from '@aws-lambda-powertools/logger';
import { CorrelatedLogFormatter, readableLine } from './log-format.ts';
import { env } from '../../lib/topology.ts';
import { serviceName } from '../domain/telemetry.ts';


/**
 * `LOG_FORMAT=text` (set by the local stack) prints readable lines; anything else prints Powertools' JSON, which
 * Lambda's JSON log format keeps as is. Read at each line, not at construction: the local stack sets it after the
 * handler modules may have been imported.
 */
const readable = (): boolean => process.env[env.logFormat] === 'text';

class ServiceLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    if (!readable()) return super.printLog(logLevel, log);
    log.prepareForPrint();
    const line = readableLine(log.getAttributes());
    // Under the local stack, errors go to stderr like the stack's own failures.
    if (logLevel >= 20) process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }
}

/**
 * The one logger of every function. Level: POWERTOOLS_LOG_LEVEL (or Lambda's own log level) when set; otherwise INFO,
 * or ERROR under vitest, so test output is not a wall of request lines.
 */
export const logger = new ServiceLogger({
  serviceName,
  logFormatter: new CorrelatedLogFormatter(),
  ...(process.env.POWERTOOLS_LOG_LEVEL || process.env.AWS_LAMBDA_LOG_LEVEL ? {} : { logLevel: process.env.VITEST ? 'ERROR' : 'INFO' }),
});
