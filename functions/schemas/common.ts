import { z } from 'zod';
import { env } from '../../lib/topology.ts';

export const guid = z.guid({ error: 'must be a GUID (8-4-4-4-12 hexadecimal digits)' });

export const projectPath = z.object({ tenantId: guid, projectId: guid });
export type ProjectPath = z.infer<typeof projectPath>;

/** Query strings arrive as text: booleans are exactly "true" or "false". */
export const booleanQuery = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Accepts a full ISO 8601 timestamp or a calendar date (taken as midnight UTC). */
export const isoDateTime = z.union([z.iso.datetime({ offset: true }), z.iso.date()], {
  error: 'must be an ISO 8601 date or date-time, e.g. 2024-01-20 or 2024-01-20T11:15:00Z',
});

export const pageQuery = {
  page: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').default(1),
  pageSize: z.coerce
    .number({ error: 'must be an integer' })
    .int('must be an integer')
    .min(1, 'must be 1 or more')
    .max(100, 'must be 100 or less')
    .default(20),
};

/**
 * Callback and webhook receivers are reached over https. Hosts listed in CALLBACK_ALLOW_HTTP_HOSTS (comma-separated; the
 * local stack sets 127.0.0.1 and localhost) may use plain http, for local development only.
 */
export const receiverUrl = z
  .url({ protocol: /^https?$/, error: 'must be an https URL' })
  .max(2048)
  .refine(
    (value) => {
      const url = new URL(value);
      const allowed = (process.env[env.callbackAllowHttpHosts] ?? '').split(',').map((host) => host.trim()).filter(Boolean);
      return url.protocol === 'https:' || allowed.includes(url.hostname);
    },
    { error: 'must be an https URL' },
  );
