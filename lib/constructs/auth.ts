import { Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { projectsAttribute, tenantAttribute } from '../../functions/domain/identity-claims.ts';
import { acknowledge } from './nag.ts';

/** `custom:tenantId` → `tenantId`: CDK names custom attributes without the prefix. */
const customName = (attribute: string): string => attribute.replace(/^custom:/, '');

export interface JwtSettings {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
}

/**
 * Where bearer tokens come from. With CDK context `jwtIssuer` (and `jwtAudience`, optionally `jwtJwksUrl`)
 * an external OIDC provider is used; without it the stack creates a Cognito user pool and app client.
 */
export class JwtIssuer extends Construct {
  readonly settings: JwtSettings;
  readonly userPool?: cognito.UserPool;
  readonly userPoolClient?: cognito.UserPoolClient;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const context = (key: string): string | undefined => {
      const value: unknown = this.node.tryGetContext(key);
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    const issuer = context('jwtIssuer');
    if (issuer !== undefined) {
      const audience = context('jwtAudience');
      if (audience === undefined) throw new Error('CDK context jwtIssuer is set but jwtAudience is missing');
      this.settings = {
        issuer,
        audience,
        jwksUrl: context('jwtJwksUrl') ?? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
      };
      return;
    }

    const userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Essentials (the default for new pools, stated here because the trigger needs it): event version 2 of the
      // pre-token-generation trigger, the one that may put a list (projectIds) into a token.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // Set by an administrator (npm run create-tenant-admin); the app client below may read but not write them.
      customAttributes: {
        [customName(tenantAttribute)]: new cognito.StringAttribute({ minLen: 36, maxLen: 36, mutable: true }),
        [customName(projectsAttribute)]: new cognito.StringAttribute({ minLen: 36, maxLen: 2048, mutable: true }),
      },
    });
    acknowledge(
      userPool,
      'COG8',
      'Fallback identity provider used only when no jwtIssuer context is given; the Plus feature plan is a per-user cost decision left to the deploying environment.',
    );
    const userPoolClient = userPool.addClient('ApiClient', {
      // userPassword: `npm run cognito-sign-in` gets a token from a terminal (over TLS, MFA still required).
      authFlows: { userSrp: true, userPassword: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
      // Only standard attributes: a user must not give themselves another tenant or project.
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true, givenName: true, familyName: true, locale: true, timezone: true }),
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
    });
    const stack = Stack.of(this);
    const poolIssuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${userPool.userPoolId}`;
    this.userPool = userPool;
    this.userPoolClient = userPoolClient;
    this.settings = {
      issuer: poolIssuer,
      jwksUrl: `${poolIssuer}/.well-known/jwks.json`,
      audience: userPoolClient.userPoolClientId,
    };
  }

  /** Makes the pool's ID tokens carry `tenantId` and `projectIds` through `fn`; nothing to do with an external issuer. */
  addTokenClaimsTrigger(fn: lambda.IFunction | undefined): void {
    if (!this.userPool) return;
    if (!fn) throw new Error('The Cognito user pool needs its pre-token-generation function');
    this.userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn, cognito.LambdaVersion.V2_0);
  }
}
