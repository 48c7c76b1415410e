import { createHash } from 'node:crypto';
import { Aws, Fn, Names, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { env } from '../topology.ts';
import type { JwtIssuer } from './auth.ts';

export interface DashboardHostingProps {
  readonly api: apigateway.RestApi;
  readonly jwt: JwtIssuer;
  /** The function serving the page (the `Dashboard` route at the API's root). */
  readonly dashboard: lambda.Function;
}

/**
 * The dashboard is a page of the API itself (`GET /`, the Dashboard function), so it calls the API on its own origin:
 * no CORS, no second origin to deploy. With the stack's own Cognito pool, this adds the hosted UI: a Cognito domain,
 * the app client's authorization-code flow back to the page, and the page's settings on the Dashboard function.
 * With an external issuer (`jwtIssuer` context) the page asks for a token instead.
 */
export class DashboardHosting extends Construct {
  /** The page's address: the API stage's root. */
  readonly url: string;
  /** The hosted UI's origin, when the stack has its own user pool. */
  readonly signInUrl?: string;

  constructor(scope: Construct, id: string, props: DashboardHostingProps) {
    super(scope, id);
    const { api, jwt } = props;
    // Built from the API id and the stage's name rather than `api.url`, whose stage reference would make the app client
    // depend on the deployment, which depends on this function, whose settings name the app client: a cycle.
    this.url = `https://${api.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${stageNameOf(api)}/`;
    if (!jwt.userPool || !jwt.userPoolClient) return;

    // Cognito prefixes are unique per region across all accounts: the account and a hash of this construct's path.
    const context: unknown = this.node.tryGetContext('dashboardDomainPrefix');
    const hash = createHash('sha256').update(Names.uniqueId(this)).digest('hex').slice(0, 8);
    const domainPrefix = typeof context === 'string' && context.trim() ? context.trim() : Fn.join('-', ['pmj', hash, Aws.ACCOUNT_ID]);
    const domain = jwt.userPool.addDomain('SignIn', { cognitoDomain: { domainPrefix } });
    this.signInUrl = domain.baseUrl();

    const client = jwt.userPoolClient.node.defaultChild as cognito.CfnUserPoolClient;
    client.allowedOAuthFlowsUserPoolClient = true;
    client.allowedOAuthFlows = ['code'];
    client.allowedOAuthScopes = ['openid', 'email', 'profile'];
    client.supportedIdentityProviders = ['COGNITO'];
    client.callbackUrLs = [this.url];
    client.logoutUrLs = [this.url];

    props.dashboard.addEnvironment(env.dashboardSignInDomain, this.signInUrl);
    props.dashboard.addEnvironment(env.dashboardClientId, jwt.userPoolClient.userPoolClientId);
  }
}

/** The stage's name as written in the stack (the API's deploy options), never a reference to the stage resource. */
function stageNameOf(api: apigateway.RestApi): string {
  const name = (api.deploymentStage.node.defaultChild as { stageName?: string } | undefined)?.stageName;
  if (!name || Stack.of(api).resolve(name) !== name) throw new Error('the dashboard needs the API stage name as a literal');
  return name;
}
