import { parseArgs } from 'node:util';
import { dataDir } from './data-dir.ts';
import { mintToken } from './local-issuer.ts';
import { guid } from '../functions/schemas/common.ts';

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
    if (!guid.safeParse(value).success) throw new Error(value === undefined ? `${flag} is required` : `${flag} must be a GUID, not "${value}"`);
    return value!;
  };
  const tenantId = asGuid('--tenant', values.tenant);
  if (!values.project?.length) throw new Error('at least one --project is required');
  const projectIds = values.project.map((p) => asGuid('--project', p));
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  process.stdout.write(`${await mintToken(dataDir(), { tenantId, projectIds, userId: values.user, expiresInSeconds: ttl })}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${usage}\n`);
  process.exit(2);
}
