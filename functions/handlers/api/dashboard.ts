import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { dashboardPage, env } from '../../../lib/topology.ts';

interface Page {
  html: string;
  scriptHashes: string[];
}

let page: Page | undefined;

/** The built page, found up the directory tree: beside the bundle in AWS (a bundled file), in the project locally. */
function builtPage(): Page {
  if (page) return page;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, dashboardPage);
    if (existsSync(candidate)) {
      const html = readFileSync(candidate, 'utf8');
      // The page's only code is inline: the policy names it by hash rather than allowing inline scripts.
      const scriptHashes = [...html.matchAll(/<script type="module">([\s\S]*?)<\/script>/g)].map(
        ([, code]) => `'sha256-${createHash('sha256').update(code!).digest('base64')}'`,
      );
      return (page = { html, scriptHashes });
    }
    if (dirname(dir) === dir) throw new Error(`${dashboardPage} not found: npm run dashboard:build`);
  }
}

/** Cognito's hosted UI when the stack configured one; otherwise the page asks for a token. */
function config(): { cognito?: { domain: string; clientId: string } } {
  const domain = process.env[env.dashboardSignInDomain];
  const clientId = process.env[env.dashboardClientId];
  return domain && clientId ? { cognito: { domain, clientId } } : {};
}

/** Public: the web dashboard, one self-contained page that calls this API with the signed-in user's token. */
export const handler = async (): Promise<APIGatewayProxyResult> => {
  const { html, scriptHashes } = builtPage();
  const settings = config();
  // `<` escaped so no value can close the JSON script element.
  const body = html.replace(
    '<script id="pmj-config" type="application/json">{}</script>',
    `<script id="pmj-config" type="application/json">${JSON.stringify(settings).replace(/</g, '\\u003c')}</script>`,
  );
  const signIn = settings.cognito ? ` ${settings.cognito.domain}` : '';
  return {
    statusCode: 200,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      // connect-src: this API, the storage's presigned URLs (https in AWS, loopback locally), the hosted UI's token endpoint and
      // WebSocket subscriptions.
      'Content-Security-Policy': `default-src 'none'; script-src ${scriptHashes.join(' ')}; style-src 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' https: wss: http://127.0.0.1:* http://localhost:* ws://127.0.0.1:* ws://localhost:*${signIn}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    },
    body,
  };
};
