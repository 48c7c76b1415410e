import { Duration, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { acknowledge } from './nag.ts';

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
    });
    acknowledge(
      userPool,
      'COG8',
      'Fallback identity provider used only when no jwtIssuer context is given; the Plus feature plan is a per-user cost decision left to the deploying environment.',
    );
    const userPoolClient = userPool.addClient('ApiClient', {
      authFlows: { userSrp: true },
      generateSecret: false,
      preventUserExistenceErrors: true,
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
}
