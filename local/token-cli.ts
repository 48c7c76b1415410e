import { parseArgs } from 'node:util';
import { dataDir } from './data-dir.ts';
import { mintToken } from './local-issuer.ts';
import { defaultMaxTokenLifetimeSeconds, env } from '../lib/topology.ts';
import { guid } from '../functions/schemas/common.ts';
import { maxTokenLifetimeFrom, tokenPrincipal } from '../functions/schemas/token-claims.ts';

const usage = 'usage: npm run --silent token -- --tenant <uuid> --project <uuid> [--project <uuid> ...] [--user <id>] [--ttl <seconds>]';

try {
  const { values } = parseArgs({
    options: {
      tenant: { type: 'string' },
      project: { type: 'string', multiple: true },
      user: { type: 'string', default: 'local-user' },
      ttl: { type: 'string', default: '3600' },
    },
  });
  const asGuid = (flag: string, value: string | undefined) => {
    const parsed = guid.safeParse(value);
    if (!parsed.success) throw new Error(value === undefined ? `${flag} is required` : `${flag} must be a GUID, not "${value}"`);
    return parsed.data;
  };
  const tenantId = asGuid('--tenant', values.tenant);
  if (!values.project?.length) throw new Error('at least one --project is required');
  const projectIds = values.project.map((p) => asGuid('--project', p));
  const user = tokenPrincipal.safeParse(values.user);
  if (!user.success) throw new Error(`--user must be 1 to 256 characters without control characters`);
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  // The same maximum the local stack's authorizer applies: a longer token would only be refused with 401.
  const maxTtl = maxTokenLifetimeFrom(process.env[env.maxTokenLifetimeSeconds], defaultMaxTokenLifetimeSeconds);
  if (ttl > maxTtl) throw new Error(`--ttl ${ttl} is over the maximum token lifetime of ${maxTtl} s (set ${env.maxTokenLifetimeSeconds} for npm start and here to change it)`);
  process.stdout.write(`${await mintToken(dataDir(), { tenantId, projectIds, userId: user.data, expiresInSeconds: ttl })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(2);
}
