import type { APIGatewayProxyEvent } from 'aws-lambda';

/** A host name or IP literal with an optional port: anything else in Host is not echoed into a URL. */
const plainHost = /^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * Where the caller reached the API, from the request API Gateway built: `https://<api>.execute-api.<region>.amazonaws.com/<stage>`
 * on the default endpoint (whose paths start with the stage), `https://<custom domain>` behind a custom domain, and
 * the Host header's origin under `npm start` (no stage prefix). Undefined when the request names no usable host.
 */
export function apiBaseUrl(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>): string | undefined {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
  const domainName = event.requestContext?.domainName;
  const host = [headers.host, domainName].find((candidate): candidate is string => typeof candidate === 'string' && plainHost.test(candidate));
  if (!host) return undefined;
  // API Gateway terminates TLS and says so in X-Forwarded-Proto; the local front is plain http and sets none.
  const protocol = (headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim().toLowerCase() === 'https' ? 'https' : 'http';
  const stage = event.requestContext?.stage;
  const onDefaultEndpoint = (domainName ?? host).toLowerCase().includes('.execute-api.');
  return `${protocol}://${host}${onDefaultEndpoint && stage ? `/${encodeURIComponent(stage)}` : ''}`;
}

/** `path` (an API path such as `/api/<tenant>/<project>/...`) as an absolute URL the caller can follow; as is without a host. */
export function absoluteUrl(event: Pick<APIGatewayProxyEvent, 'headers' | 'requestContext'>, path: string): string {
  const base = apiBaseUrl(event);
  return base === undefined ? path : `${base}${path}`;
}
