import { type DashboardConfig, pageRoot } from './config.ts';

const storageKey = 'pmj.token';

export interface Claims {
  tenantId?: string;
  projectIds?: string[];
  sub?: string;
  exp?: number;
}

/** The token's claims, read without verifying them: the API verifies every call. */
export function claimsOf(token: string): Claims {
  try {
    const part = token.split('.')[1] ?? '';
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Claims;
  } catch {
    return {};
  }
}

/** Why a token cannot be used, or undefined when it names a tenant and a project and has not expired. */
export function tokenProblem(token: string): string | undefined {
  const claims = claimsOf(token.trim());
  if (!claims.tenantId || !claims.projectIds?.length) return 'The token names no tenant and project (claims tenantId, projectIds).';
  if (claims.exp !== undefined && claims.exp * 1000 < Date.now()) return 'The token has expired.';
  return undefined;
}

// Session storage: the token goes when the tab does, and is never shared with other tabs' sessions.
export const storedToken = (): string | undefined => sessionStorage.getItem(storageKey) ?? undefined;
export const storeToken = (token: string) => sessionStorage.setItem(storageKey, token.trim());
export const forgetToken = () => sessionStorage.removeItem(storageKey);

const base64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
// The app client's callback URL is the stage root with its slash; a visit without it still signs in.
const redirectUri = pageRoot;

/** Sends the browser to Cognito's hosted UI (authorization code with PKCE; no client secret in a page). */
export async function startHostedSignIn(cognito: NonNullable<DashboardConfig['cognito']>): Promise<void> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem('pmj.pkce', JSON.stringify({ verifier, state }));
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const url = new URL('/oauth2/authorize', cognito.domain);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: cognito.clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** On the way back from the hosted UI: trades the code for tokens and keeps the ID token (the one carrying tenantId). */
export async function finishHostedSignIn(cognito: NonNullable<DashboardConfig['cognito']>): Promise<string | undefined> {
  const params = new URLSearchParams(location.search);
  const code = params.get('code');
  if (!code) return undefined;
  const saved = JSON.parse(sessionStorage.getItem('pmj.pkce') ?? '{}') as { verifier?: string; state?: string };
  sessionStorage.removeItem('pmj.pkce');
  history.replaceState(null, '', `${location.pathname}${location.hash}`);
  if (!saved.verifier || saved.state !== params.get('state')) throw new Error('The sign-in answer does not match this tab’s request; sign in again.');
  const response = await fetch(new URL('/oauth2/token', cognito.domain), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cognito.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: saved.verifier,
    }),
  });
  if (!response.ok) throw new Error(`Cognito refused the sign-in code (${response.status}).`);
  const { id_token: idToken } = (await response.json()) as { id_token?: string };
  if (!idToken) throw new Error('Cognito sent no ID token.');
  storeToken(idToken);
  return idToken;
}

export function hostedSignOut(cognito: NonNullable<DashboardConfig['cognito']>): void {
  const url = new URL('/logout', cognito.domain);
  url.search = new URLSearchParams({ client_id: cognito.clientId, logout_uri: redirectUri() }).toString();
  location.assign(url.href);
}
