import { z } from 'zod';
import { env } from '../../lib/topology.ts';
import { receiverPolicy, receiverUrlProblem, type ReceiverPolicy } from '../domain/receiver-guard.ts';

/**
 * Identifiers are canonical in lower case from the edge on: scope checks, storage keys, counters and responses all see
 * one spelling, so `ABC…` and `abc…` are one tenant, one project, one namespace.
 */
export const guid = z.guid({ error: 'must be a GUID (8-4-4-4-12 hexadecimal digits)' }).transform((value) => value.toLowerCase());

const guidSource = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** An id written `<prefix>-<GUID>` (`op-`, `batch-`, `wh-`, `sub-`), accepted in any letter case and kept in lower case. */
export function prefixedGuid(prefix: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}-${guidSource}$`, 'i'), `must look like ${prefix}-<GUID>`)
    .transform((value) => value.toLowerCase());
}

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

/** The operator's receiver allow-list from the environment, read again only when the environment changes. */
export function receiverPolicyFromEnv(): ReceiverPolicy {
  const key = `${process.env[env.receiverAllowList] ?? ''}|${process.env[env.receiverAllowHttp] ?? ''}`;
  if (cachedPolicy?.key !== key) cachedPolicy = { key, policy: receiverPolicy(process.env[env.receiverAllowList], process.env[env.receiverAllowHttp]) };
  return cachedPolicy.policy;
}
let cachedPolicy: { key: string; policy: ReceiverPolicy } | undefined;

/**
 * Where webhooks, subscriptions and callbacks are delivered: an https URL without credentials. Only the syntax is
 * checked here (never throwing, whatever the text); the receiver guard resolves the host at registration and again
 * at every delivery. Plain http is admitted only to allow-listed loopback, which the local stack sets up.
 */
export const receiverUrl = z.string({ error: 'must be an https URL' }).superRefine((value, ctx) => {
  const problem = receiverUrlProblem(value, receiverPolicyFromEnv());
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
