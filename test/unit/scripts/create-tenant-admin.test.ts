import { AdminCreateUserCommand, AdminUpdateUserAttributesCommand, UsernameExistsException } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { identityClaimsOf } from '../../../functions/domain/identity-claims.ts';
import { createTenantAdmin, parseTenantAdminArgs } from '../../../scripts/create-tenant-admin.ts';

const tenant = '11111111-1111-4111-8111-111111111111';
const projectA = '22222222-2222-4222-8222-222222222222';
const projectB = '33333333-3333-4333-8333-333333333333';
const args = ['--user-pool-id', 'eu-west-1_AbC123', '--email', 'admin@example.com', '--tenant', tenant.toUpperCase(), '--project', projectA, '--project', projectB];

/** Records what would be sent; the first AdminCreateUser fails when the user already exists. */
function fakeCognito(existing: boolean) {
  const sent: unknown[] = [];
  return {
    sent,
    send: async (command: unknown) => {
      sent.push(command);
      if (existing && command instanceof AdminCreateUserCommand) throw new UsernameExistsException({ message: 'User account already exists', $metadata: {} });
      return {};
    },
  };
}

describe('create-tenant-admin', () => {
  it('reads the command line: GUIDs in lower case, the region from the pool id', () => {
    expect(parseTenantAdminArgs(args)).toEqual({ userPoolId: 'eu-west-1_AbC123', region: 'eu-west-1', email: 'admin@example.com', tenantId: tenant, projectIds: [projectA, projectB] });
    expect(parseTenantAdminArgs([...args.slice(0, 6), '--project', `${projectA},${projectB}`]).projectIds).toEqual([projectA, projectB]);
  });

  it('refuses a missing or malformed argument with the flag it concerns', () => {
    expect(() => parseTenantAdminArgs(args.slice(2))).toThrow('--user-pool-id');
    expect(() => parseTenantAdminArgs([...args.slice(0, 4), '--tenant', 'acme', '--project', projectA])).toThrow('--tenant must be a GUID');
    expect(() => parseTenantAdminArgs(args.slice(0, 6))).toThrow('--project');
  });

  it('creates the user with the attributes the token trigger turns into admitted claims', async () => {
    const cognito = fakeCognito(false);
    expect(await createTenantAdmin(cognito, parseTenantAdminArgs(args))).toBe('created');
    const [create] = cognito.sent as AdminCreateUserCommand[];
    expect(create!.input).toMatchObject({ UserPoolId: 'eu-west-1_AbC123', Username: 'admin@example.com', DesiredDeliveryMediums: ['EMAIL'] });
    const attributes = Object.fromEntries(create!.input.UserAttributes!.map((a) => [a.Name!, a.Value!]));
    expect(identityClaimsOf(attributes, []).claims).toEqual({ tenantId: tenant, projectIds: [projectA, projectB] });
  });

  it('updates the tenant and projects of a user who exists already', async () => {
    const cognito = fakeCognito(true);
    expect(await createTenantAdmin(cognito, parseTenantAdminArgs(args))).toBe('updated');
    expect(cognito.sent[1]).toBeInstanceOf(AdminUpdateUserAttributesCommand);
    expect((cognito.sent[1] as AdminUpdateUserAttributesCommand).input.UserAttributes).toEqual([
      { Name: 'custom:tenantId', Value: tenant },
      { Name: 'custom:projectIds', Value: `${projectA},${projectB}` },
    ]);
  });
});
