import { AssociateSoftwareTokenCommand, InitiateAuthCommand, RespondToAuthChallengeCommand, VerifySoftwareTokenCommand } from '@aws-sdk/client-cognito-identity-provider';
import { describe, expect, it } from 'vitest';
import { signIn, type Prompter } from '../../../scripts/cognito-sign-in.ts';

/** Answers each command with the next scripted response, recording the commands. */
function scriptedCognito(responses: Array<(command: any) => unknown>) {
  const sent: any[] = [];
  return {
    sent,
    send: async (command: unknown) => {
      sent.push(command);
      const next = responses.shift();
      if (!next) throw new Error('unexpected call');
      return next(command);
    },
  };
}

function answers(...replies: string[]): Prompter & { told: string[] } {
  const told: string[] = [];
  return { told, ask: async () => replies.shift() ?? '', tell: (message) => told.push(message) };
}

const tokens = { IdToken: 'id.token.sig', AccessToken: 'a', RefreshToken: 'r' };

describe('cognito-sign-in', () => {
  it('walks a first sign-in: new password, TOTP set-up, then the tokens', async () => {
    const cognito = scriptedCognito([
      () => ({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1' }),
      () => ({ ChallengeName: 'MFA_SETUP', Session: 's2' }),
      () => ({ SecretCode: 'JBSWY3DPEHPK3PXP', Session: 's3' }),
      () => ({ Status: 'SUCCESS', Session: 's4' }),
      () => ({ AuthenticationResult: tokens }),
    ]);
    const prompter = answers('Temp0rary!pass', 'N3w-password-long', '123456');
    expect(await signIn(cognito, prompter, 'client-1', 'admin@example.com')).toEqual(tokens);
    const [initiate, newPassword, associate, verify, setUp] = cognito.sent;
    expect(initiate).toBeInstanceOf(InitiateAuthCommand);
    expect(initiate.input).toMatchObject({ ClientId: 'client-1', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'admin@example.com', PASSWORD: 'Temp0rary!pass' } });
    expect(newPassword).toBeInstanceOf(RespondToAuthChallengeCommand);
    expect(newPassword.input).toMatchObject({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's1', ChallengeResponses: { NEW_PASSWORD: 'N3w-password-long' } });
    expect(associate).toBeInstanceOf(AssociateSoftwareTokenCommand);
    expect(verify).toBeInstanceOf(VerifySoftwareTokenCommand);
    expect(verify.input).toMatchObject({ Session: 's3', UserCode: '123456' });
    expect(setUp.input).toMatchObject({ ChallengeName: 'MFA_SETUP', Session: 's4' });
    expect(prompter.told.join('\n')).toContain('JBSWY3DPEHPK3PXP');
  });

  it('asks for the authenticator code on later sign-ins, and stops on a challenge it does not know', async () => {
    const later = scriptedCognito([() => ({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: 's1' }), () => ({ AuthenticationResult: tokens })]);
    expect(await signIn(later, answers('pw', '654321'), 'c', 'u@example.com')).toEqual(tokens);
    expect(later.sent[1].input.ChallengeResponses).toEqual({ USERNAME: 'u@example.com', SOFTWARE_TOKEN_MFA_CODE: '654321' });
    const odd = scriptedCognito([() => ({ ChallengeName: 'SMS_MFA', Session: 's1' })]);
    await expect(signIn(odd, answers('pw'), 'c', 'u@example.com')).rejects.toThrow('SMS_MFA');
  });
});
