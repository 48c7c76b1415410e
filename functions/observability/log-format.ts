import { LogFormatter, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';
import { currentLogKeys } from './log-keys.ts';

/**
 * Powertools' JSON record plus the invocation's correlation keys (log-keys.ts) as top-level keys, so CloudWatch Logs
 * Insights filters on `operationId` or `jobId` without parsing messages.
 */
export class CorrelatedLogFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    return new LogItem({
      attributes: {
        level: attributes.logLevel,
        message: attributes.message,
        timestamp: this.formatTimestamp(attributes.timestamp),
        service: attributes.serviceName,
        xray_trace_id: attributes.xRayTraceId,
        ...currentLogKeys(),
      },
    }).addAttributes(additional);
  }
}

/** Keys the readable line shows by a short name, in this order; everything else follows as key=value. */
const shortNames: [string, string][] = [
  ['operationId', 'op'],
  ['jobId', 'job'],
];
/** Left out of the readable line: shown otherwise (time, level, function), already in a request's message, or long. */
const omitted = new Set(['level', 'message', 'timestamp', 'service', 'xray_trace_id', 'requestId', 'functionName', 'stack', 'tenantId', 'projectId', 'method', 'path', 'status']);

/** One line a person reads in a terminal: time, level, function, message, ids, then the other fields. */
export function readableLine(attributes: LogAttributes): string {
  const time = typeof attributes.timestamp === 'string' ? attributes.timestamp.slice(11, 23) : '';
  const level = String(attributes.level ?? '').padEnd(5);
  const fn = attributes.functionName ? `[${String(attributes.functionName)}] ` : '';
  const ids = shortNames.filter(([key]) => attributes[key] !== undefined).map(([key, short]) => `${short}=${String(attributes[key])}`);
  const rest = Object.entries(attributes)
    .filter(([key, value]) => !omitted.has(key) && !shortNames.some(([k]) => k === key) && value !== undefined)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const stack = typeof attributes.stack === 'string' ? `\n${attributes.stack}` : '';
  return `${time} ${level} ${fn}${String(attributes.message ?? '')}${[...ids, ...rest].map((part) => `  ${part}`).join('')}${stack}`;
}
