import { z } from 'zod';
import { booleanQuery, guid, isoDateTime, projectPath } from './common.ts';
import { operationStatuses } from './operation.ts';

export const jobPath = projectPath.extend({ jobId: guid });

export const logLevels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const jobLogsQuery = z
  .strictObject({
    /** The least severe level returned. */
    level: z.enum(logLevels).default('INFO'),
    fromTime: isoDateTime.optional(),
    toTime: isoDateTime.optional(),
    limit: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').max(10_000, 'must be 10000 or less').default(1000),
    format: z.enum(['structured', 'raw']).default('structured'),
  })
  .refine((q) => !q.fromTime || !q.toTime || new Date(q.fromTime) <= new Date(q.toTime), { message: 'fromTime must not be after toTime', path: ['toTime'] });
export type JobLogsQuery = z.infer<typeof jobLogsQuery>;

export const jobTimelineQuery = z.strictObject({
  includeSubEvents: booleanQuery.default(false),
  granularity: z.enum(['seconds', 'minutes', 'major_events']).default('minutes'),
});
export type JobTimelineQuery = z.infer<typeof jobTimelineQuery>;

export const metricNames = ['cpu', 'memory', 'disk', 'network', 'throughput'] as const;

export const jobMetricsQuery = z.strictObject({
  interval: z.enum(['1m', '5m', '15m']).default('5m'),
  metrics: z
    .string()
    .transform((value) => value.split(',').map((m) => m.trim()))
    .pipe(z.array(z.enum(metricNames)).min(1))
    .optional(),
  includeHistory: booleanQuery.default(false),
});
export type JobMetricsQuery = z.infer<typeof jobMetricsQuery>;

export const trackingQuery = z.strictObject({
  jobIds: z
    .string()
    .transform((value) => value.split(',').map((id) => id.trim()).filter(Boolean))
    .pipe(z.array(guid).min(1).max(100))
    .optional(),
  status: z.enum(operationStatuses).optional(),
  submittedBy: z.string().min(1).max(256).optional(),
  includeMetrics: booleanQuery.default(false),
  refreshInterval: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').max(3600, 'must be 3600 or less').optional(),
  /** Without `jobIds`, the project's jobs newest first, a page at a time. */
  pageSize: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').max(100, 'must be 100 or less').default(100),
  nextToken: z.string().max(2048).optional(),
});
export type TrackingQuery = z.infer<typeof trackingQuery>;
