import { createInterface } from 'node:readline/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  AssociateSoftwareTokenCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  VerifySoftwareTokenCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';

const usage = 'usage: npm run --silent cognito-sign-in -- --client-id <JwtAudience output> --email <address> [--region <region>]';

/** What the sign-in asks the person at the terminal. */
export interface Prompter {
  ask(question: string, secret?: boolean): Promise<string>;
  tell(message: string): void;
}

type Sender = Pick<CognitoIdentityProviderClient, 'send'>;

/**
 * Signs a user of the stack's pool in and returns the tokens (the ID token is the API's bearer token). Walks the
 * challenges of a first sign-in: the new password replacing the e-mailed one, then TOTP MFA set-up with an
 * authenticator app; later sign-ins ask for the password and the current TOTP code only.
 */
export async function signIn(client: Sender, prompter: Prompter, clientId: string, email: string): Promise<AuthenticationResultType> {
  const password = await prompter.ask('Password: ', true);
  let step = await client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: email, PASSWORD: password } }));
  const respond = (challenge: string, responses: Record<string, string>, session = step.Session) =>
    client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: challenge as never, Session: session, ChallengeResponses: { USERNAME: email, ...responses } }));
  for (let round = 0; round < 5 && !step.AuthenticationResult; round++) {
    switch (step.ChallengeName) {
      case 'NEW_PASSWORD_REQUIRED':
        step = await respond('NEW_PASSWORD_REQUIRED', { NEW_PASSWORD: await prompter.ask('New password (12+ characters, upper, lower, digit, symbol): ', true) });
        break;
      case 'MFA_SETUP': {
        const associated = await client.send(new AssociateSoftwareTokenCommand({ Session: step.Session }));
        prompter.tell(`Add this key to an authenticator app: ${associated.SecretCode}`);
        prompter.tell(`(or the URI otpauth://totp/${encodeURIComponent(`process-mining:${email}`)}?secret=${associated.SecretCode}&issuer=process-mining)`);
        const verified = await client.send(
          new VerifySoftwareTokenCommand({ Session: associated.Session, UserCode: await prompter.ask('Code shown by the app: '), FriendlyDeviceName: 'cli' }),
        );
        if (verified.Status !== 'SUCCESS') throw new Error('The code was not accepted');
        step = await respond('MFA_SETUP', {}, verified.Session);
        break;
      }
      case 'SOFTWARE_TOKEN_MFA':
        step = await respond('SOFTWARE_TOKEN_MFA', { SOFTWARE_TOKEN_MFA_CODE: await prompter.ask('Authenticator code: ') });
        break;
      default:
        throw new Error(`Cognito asked for ${step.ChallengeName ?? 'nothing'}, which this script does not answer`);
    }
  }
  if (!step.AuthenticationResult?.IdToken) throw new Error('Cognito returned no tokens');
  return step.AuthenticationResult;
}

function terminalPrompter(): Prompter {
  return {
    async ask(question, secret = false) {
      const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
      // Typed secrets are not echoed: readline writes through _writeToOutput, which we silence after the question.
      if (secret) {
        const out = rl as unknown as { _writeToOutput: (text: string) => void };
        const original = out._writeToOutput.bind(rl);
        out._writeToOutput = (text) => original(text.startsWith(question) ? text : text.includes('\n') ? '\n' : '');
      }
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    },
    tell: (message) => console.error(message),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const { values } = parseArgs({ options: { 'client-id': { type: 'string' }, email: { type: 'string' }, region: { type: 'string' } } });
    if (!values['client-id'] || !values.email) throw new Error('--client-id and --email are required');
    const client = new CognitoIdentityProviderClient(values.region ? { region: values.region } : {});
    const tokens = await signIn(client, terminalPrompter(), values['client-id'], values.email);
    // stdout carries the token only, so `TOKEN=$(npm run --silent cognito-sign-in -- ...)` works.
    console.log(tokens.IdToken);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    process.exitCode = 1;
  }
}
