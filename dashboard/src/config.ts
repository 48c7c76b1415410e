/**
 * What the page is told by the function that serves it: nothing locally (sign in by pasting a token), the Cognito
 * hosted UI's domain and app client in AWS when the stack made its own user pool.
 */
export interface DashboardConfig {
  cognito?: { domain: string; clientId: string };
}

export function readConfig(): DashboardConfig {
  try {
    return JSON.parse(document.getElementById('pmj-config')?.textContent || '{}') as DashboardConfig;
  } catch {
    return {};
  }
}

/** The page's own address with a trailing slash: the API stage's root (`/prod/` in AWS, `/` locally), reached with or without it. */
export const pageRoot = (): string => `${location.origin}${location.pathname.replace(/\/*$/, '/')}`;

/** The API's base: the page is served by the API itself (`GET /`), under its stage prefix in AWS. */
export const apiBaseUrl = (): string => pageRoot().replace(/\/+$/, '');
