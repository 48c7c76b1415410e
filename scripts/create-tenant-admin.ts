import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AdminCreateUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { projectsAttribute, tenantAttribute } from '../functions/domain/identity-claims.ts';
import { guid } from '../functions/schemas/common.ts';

const usage =
  'usage: npm run create-tenant-admin -- --user-pool-id <pool id> --email <address> --tenant <GUID> --project <GUID> [--project <GUID> ...] [--region <region>]';

export interface TenantAdmin {
  userPoolId: string;
  region: string;
  email: string;
  tenantId: string;
  projectIds: string[];
}

/** The command line, checked: ids are GUIDs (kept in lower case, as the API uses them); the region defaults to the pool's. */
export function parseTenantAdminArgs(args: string[]): TenantAdmin {
  const { values } = parseArgs({
    args,
    options: {
      'user-pool-id': { type: 'string' },
      email: { type: 'string' },
      tenant: { type: 'string' },
      project: { type: 'string', multiple: true },
      region: { type: 'string' },
    },
  });
  const userPoolId = values['user-pool-id'];
  // Pool ids are `<region>_<id>`: the region they live in comes with them.
  const poolRegion = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/.exec(userPoolId ?? '')?.[1];
  if (!userPoolId || !poolRegion) throw new Error(`--user-pool-id must be a user pool id such as eu-west-1_AbC123 (the stack's UserPoolId output)`);
  const email = values.email?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error('--email must be an e-mail address: the temporary password is sent there');
  const asGuid = (flag: string, value: string | undefined) => {
    const parsed = guid.safeParse(value);
    if (!parsed.success) throw new Error(value === undefined ? `${flag} is required` : `${flag} must be a GUID, not "${value}"`);
    return parsed.data;
  };
  const tenantId = asGuid('--tenant', values.tenant);
  const projects = (values.project ?? []).flatMap((p) => p.split(',')).filter((p) => p.trim());
  if (projects.length === 0) throw new Error('at least one --project is required');
  const projectIds = [...new Set(projects.map((p) => asGuid('--project', p.trim())))];
  return { userPoolId, region: values.region ?? poolRegion, email, tenantId, projectIds };
}

type Sender = Pick<CognitoIdentityProviderClient, 'send'>;

/**
 * Creates the user (Cognito e-mails a temporary password; the first sign-in sets a password and TOTP MFA) with the
 * tenant and projects the pool's pre-token-generation trigger puts into its tokens. Run again for an existing user,
 * it replaces the user's projects with the ones given.
 */
export async function createTenantAdmin(client: Sender, admin: TenantAdmin): Promise<'created' | 'updated'> {
  const attributes = [
    { Name: tenantAttribute, Value: admin.tenantId },
    { Name: projectsAttribute, Value: admin.projectIds.join(',') },
  ];
  try {
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId: admin.userPoolId,
        Username: admin.email,
        DesiredDeliveryMediums: ['EMAIL'],
        UserAttributes: [{ Name: 'email', Value: admin.email }, { Name: 'email_verified', Value: 'true' }, ...attributes],
      }),
    );
  } catch (error) {
    if (!(error instanceof UsernameExistsException)) throw error;
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: admin.userPoolId, Username: admin.email, UserAttributes: attributes }));
    return 'updated';
  }
  return 'created';
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const admin = parseTenantAdminArgs(process.argv.slice(2));
    const outcome = await createTenantAdmin(new CognitoIdentityProviderClient({ region: admin.region }), admin);
    console.log(
      `${outcome === 'created' ? 'Created' : 'Updated'} ${admin.email} in ${admin.userPoolId}: tenant ${admin.tenantId}, projects ${admin.projectIds.join(', ')}.` +
        (outcome === 'created' ? ' Cognito has e-mailed a temporary password; the first sign-in sets a new password and TOTP MFA.' : ''),
    );
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exitCode = 1;
  }
}
