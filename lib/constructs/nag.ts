import { Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * Runs cdk-nag's AwsSolutions checks on every synth as a policy-validation plugin: an unacknowledged error fails the
 * synth. Acknowledgements stay in the construct tree and the validation report; they are not written into the
 * template (`writeSuppressionsToCloudFormation: false`), where they were most of its size and deploy nothing.
 */
export function checkWithCdkNag(app: IConstruct): void {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: false }));
}

/**
 * cdk-nag v3 acknowledgements go through CDK's native `Validations.of(scope).acknowledge()`;
 * an acknowledgement applies to the scope and everything below it. Rules that report several
 * findings (IAM4, IAM5) are acknowledged one finding at a time: `AwsSolutions-IAM5[Resource::...]`.
 */
export function acknowledge(scope: IConstruct, rule: string, reason: string, findings?: readonly string[]): void {
  const ids = findings === undefined ? [rule] : [...new Set(findings)].map((finding) => `${rule}[${finding}]`);
  for (const id of ids) Validations.of(scope).acknowledge({ id: `AwsSolutions-${id}`, reason });
}

/** The IAM5 finding cdk-nag reports for a wildcard resource, e.g. `Resource::<DataBucket1234.Arn>/*`. */
export function wildcardResource(scope: IConstruct, arn: string): string {
  return `Resource::${flatten(Stack.of(scope).resolve(arn))}`;
}

/** The IAM4 finding for an AWS managed policy. */
export function managedPolicy(name: string): string {
  return `Policy::arn:<AWS::Partition>:iam::aws:policy/${name}`;
}

/** Same flattening cdk-nag applies to CloudFormation intrinsics before it names a finding. */
function flatten(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (typeof node === 'object' && node !== null) {
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [delimiter, items] = o['Fn::Join'] as [string, unknown[]];
      return items.map(flatten).join(delimiter);
    }
    if (o['Fn::Sub'] !== undefined) return flatten(o['Fn::Sub']);
    if (Array.isArray(o['Fn::GetAtt'])) {
      const [resource, attribute] = o['Fn::GetAtt'] as [unknown, unknown];
      return `<${flatten(resource)}.${flatten(attribute)}>`;
    }
    if (o['Fn::ImportValue'] !== undefined) return flatten(o['Fn::ImportValue']);
    if (o.Ref !== undefined) return `<${flatten(o.Ref)}>`;
  }
  return JSON.stringify(node);
}
