import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, ProcessMiningStack } from '../../lib/process-mining-stack.ts';
import { env, functions, type FunctionId } from '../../lib/topology.ts';

type Resource = { Type: string; Properties: Record<string, any> };

const cdkContext = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdirs: string[] = [];
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** An external issuer keeps the Cognito pool (unrelated here) out of the stack. */
const externalIssuer = { jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'process-mining-api', jwtJwksUrl: 'https://issuer.example.com/keys' };

/** Synthesized without bundling: only the environment and the grants are looked at. */
function synth(extra: Record<string, unknown>) {
  const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-notifications-'));
  outdirs.push(outdir);
  const stack = new ProcessMiningStack(new App({ outdir, context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], ...externalIssuer, ...extra } }), `NotificationsTest${outdirs.length}`, {
    projectRoot: process.env.CDK_TEST_PROJECT_ROOT || undefined,
  });
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
  const logicalId = (id: FunctionId) => stack.getLogicalId(stack.functions.byId[id].node.defaultChild as CfnResource);
  /** Undefined for a function this stack does not build (the Cognito trigger, with an external issuer). */
  const variables = (id: FunctionId) => (stack.functions.byId[id] ? (resources[logicalId(id)]!.Properties.Environment.Variables as Record<string, unknown>) : undefined);
  /** Every statement granting ses:* to the function's role. */
  const sesStatements = (id: FunctionId) => {
    const role = (resources[logicalId(id)]!.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    return Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Array<{ Ref: string }>).some((ref) => ref.Ref === role))
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Resource: unknown }>)
      .filter((s) => [s.Action].flat().some((action) => action.startsWith('ses:')));
  };
  return { variables, sesStatements };
}

describe('notificationSender context', () => {
  it('gives the sender to the functions that accept or send e-mail, and ses:SendEmail on its identities to the sender only', () => {
    const { variables, sesStatements } = synth({ notificationSender: 'notifications@example.com' });
    for (const [id, { access }] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      if (!variables(id)) continue;
      expect(variables(id)![env.notificationSender], id).toBe(access.notifications ? 'notifications@example.com' : undefined);
      const statements = sesStatements(id);
      if (access.notifications !== 'send') {
        expect(statements, id).toEqual([]);
        continue;
      }
      expect(statements, id).toHaveLength(1);
      expect(statements[0]!.Action).toBe('ses:SendEmail');
      // The address and its domain, never a wildcard.
      const arns = JSON.stringify(statements[0]!.Resource);
      expect(arns).toContain(':identity/notifications@example.com');
      expect(arns).toContain(':identity/example.com');
      expect(arns).not.toContain('*');
    }
    expect(functions.DeliverCallback.access.notifications).toBe('send');
    expect(functions.StartOperation.access.notifications).toBe('accept');
  });

  it('without it, no function has a sender or an SES grant (the API refuses notifications.email)', () => {
    const { variables, sesStatements } = synth({});
    for (const id of Object.keys(functions) as FunctionId[]) {
      if (!variables(id)) continue;
      expect(variables(id)![env.notificationSender], id).toBeUndefined();
      expect(sesStatements(id), id).toEqual([]);
    }
  });

  it('fails the synth on a sender that is not an address', () => {
    expect(() => synth({ notificationSender: 'Process Mining <pm@example.com>' })).toThrow(/notificationSender/);
  });
});
