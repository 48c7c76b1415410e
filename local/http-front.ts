import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { contractCheckFromEnv } from './contract-check.ts';
import { FunctionTimeoutError, LOCAL_ACCOUNT, LOCAL_REGION, type FunctionRuntime } from './function-runtime.ts';
import { methodNotAllowedFunction, routes, type FunctionId, type RouteDefinition } from '../lib/topology.ts';

/** API Gateway's own limits, which apply before any function runs. */
const gatewayMaxBodyBytes = 10 * 1024 * 1024;
const gatewayIntegrationTimeoutMs = 29_000;
const apiId = 'local';
const stage = 'local';

interface CompiledPath {
  template: string;
  pattern: RegExp;
  names: string[];
}

function compile(template: string): CompiledPath {
  const names: string[] = [];
  const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { template, pattern: new RegExp(`^${source}/?$`), names };
}

const paths = [...new Set(routes.map((r) => r.path))].map(compile);

function gatewayProblem(status: number, title: string, detail: string, invalidParams?: Array<{ name: string; reason: string }>): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title, status, detail, ...(invalidParams ? { invalidParams } : {}) }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= gatewayMaxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > gatewayMaxBodyBytes ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Maps keyed by what a client sends: no prototype, so keys like `__proto__` or `constructor` are plain keys. */
function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function headerMaps(request: IncomingMessage) {
  const headers = dictionary<string>();
  const multiValueHeaders = dictionary<string[]>();
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!;
    const value = request.rawHeaders[i + 1]!;
    headers[name] = value;
    (multiValueHeaders[name] ??= []).push(value);
  }
  return { headers, multiValueHeaders };
}

/** `%` not followed by two hexadecimal digits. */
const strayPercent = /%(?![0-9A-Fa-f]{2})/;

/** Decodes one percent-encoded component; undefined when the escapes are malformed or not UTF-8. */
function decodeComponent(raw: string): string | undefined {
  if (strayPercent.test(raw)) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * The request target split as API Gateway sees it: the path exactly as sent (matched and handed on still encoded),
 * and the query decoded with `+` as a space. As in API Gateway's REST proxy events, a repeated key gives its last
 * value in `queryStringParameters` and all of them, in order, in `multiValueQueryStringParameters`.
 */
export function parseTarget(target: string):
  | { path: string; queryStringParameters: Record<string, string> | null; multiValueQueryStringParameters: Record<string, string[]> | null }
  | { malformed: string; part: 'path' | 'query' } {
  if (!target.startsWith('/')) return { malformed: 'The request target must be a path', part: 'path' };
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const rawQuery = mark < 0 ? '' : target.slice(mark + 1);
  if (path.split('/').some((segment) => decodeComponent(segment) === undefined)) return { malformed: 'The request path has a malformed percent-encoding', part: 'path' };
  const single = dictionary<string>();
  const multi = dictionary<string[]>();
  let any = false;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeComponent((equals < 0 ? pair : pair.slice(0, equals)).replaceAll('+', ' '));
    const value = decodeComponent(equals < 0 ? '' : pair.slice(equals + 1).replaceAll('+', ' '));
    if (name === undefined || value === undefined) return { malformed: 'The query string has a malformed percent-encoding', part: 'query' };
    single[name] = value;
    (multi[name] ??= []).push(value);
    any = true;
  }
  return { path, queryStringParameters: any ? single : null, multiValueQueryStringParameters: any ? multi : null };
}

export interface HttpFrontOptions {
  runtime: FunctionRuntime;
  port: number;
  host?: string;
  /** Extra local-only endpoints (e.g. the issuer's JWKS), answered before routing. */
  extraRoutes?: Record<string, () => Promise<unknown>>;
  /** Local-only control endpoints (e.g. fault injection) that take any method and a body; no token, no API Gateway route. */
  localControls?: Record<string, (method: string, body: Buffer) => Promise<APIGatewayProxyResult>>;
}

/**
 * A local API Gateway (REST API, Lambda proxy integration): matches the topology's routes,
 * runs the token authorizer, builds the same proxy event API Gateway sends and invokes the
 * same handler module, with API Gateway's body limit, integration timeout and error shapes.
 */
export async function startHttpFront(options: HttpFrontOptions): Promise<{ url: string; port: number; stop(): Promise<void> }> {
  const { runtime } = options;
  // Only when the integration suite asks (LOCAL_CONTRACT_VIOLATIONS_FILE): every answer checked against the OpenAPI document.
  const contract = await contractCheckFromEnv();

  async function invokeWithTimeout<T>(id: FunctionId, event: unknown): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(id, gatewayIntegrationTimeoutMs / 1000)), gatewayIntegrationTimeoutMs);
    });
    try {
      return await Promise.race([runtime.invoke<T>(id, event), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function authorize(route: RouteDefinition, headers: Record<string, string>, methodArn: string) {
    const token = Object.entries(headers).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
    // API Gateway answers 401 itself when the identity source is missing.
    if (!token) return { denied: gatewayProblem(401, 'Unauthorized', 'A bearer token is required') };
    try {
      const result = await invokeWithTimeout<APIGatewayAuthorizerResult>('Authorizer', { type: 'TOKEN', authorizationToken: token, methodArn });
      const allowed = result.policyDocument.Statement.some((s) => s.Effect === 'Allow');
      if (!allowed) return { denied: gatewayProblem(403, 'Forbidden', 'User is not authorized to access this resource') };
      return { context: { ...(result.context ?? {}), principalId: result.principalId } };
    } catch (error) {
      if (error instanceof Error && error.message === 'Unauthorized') return { denied: gatewayProblem(401, 'Unauthorized', 'The bearer token is missing, invalid or expired') };
      console.error('authorizer failed', error);
      return { denied: gatewayProblem(500, 'Internal Server Error', 'The authorizer failed') };
    }
  }

  async function handle(request: IncomingMessage): Promise<APIGatewayProxyResult> {
    const target = parseTarget(request.url ?? '/');
    if ('malformed' in target) return gatewayProblem(400, 'Bad Request', target.malformed, [{ name: target.part, reason: target.malformed }]);
    const url = { pathname: target.path };
    const method = (request.method ?? 'GET').toUpperCase();
    const extra = Object.hasOwn(options.extraRoutes ?? {}, url.pathname) ? options.extraRoutes![url.pathname] : undefined;
    if (extra && method === 'GET') return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(await extra()) };

    const body = await readBody(request);
    if (body === 'too-large') return gatewayProblem(413, 'Payload Too Large', `API Gateway accepts at most ${gatewayMaxBodyBytes} bytes`);
    const control = Object.hasOwn(options.localControls ?? {}, url.pathname) ? options.localControls![url.pathname] : undefined;
    if (control) return control(method, body);

    let match: { path: CompiledPath; values: string[] } | undefined;
    for (const path of paths) {
      const found = path.pattern.exec(url.pathname);
      if (found) {
        match = { path, values: found.slice(1) };
        break;
      }
    }
    if (!match) return gatewayProblem(404, 'Not Found', `No resource at ${url.pathname}`);
    const route = routes.find((r) => r.path === match.path.template && r.method === method);
    const functionId = route?.function ?? methodNotAllowedFunction;

    const { headers, multiValueHeaders } = headerMaps(request);
    const requestId = randomUUID();
    const methodArn = `arn:aws:execute-api:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${apiId}/${stage}/${method}${url.pathname}`;
    let authorizer: Record<string, unknown> | null = null;
    if (route?.authorized) {
      const outcome = await authorize(route, headers, methodArn);
      if ('denied' in outcome) return outcome.denied!;
      authorizer = outcome.context;
    }

    // Every segment was checked to decode when the target was parsed.
    const pathParameters = Object.fromEntries(match.path.names.map((name, i) => [name, decodeComponent(match.values[i]!)!]));
    const event: APIGatewayProxyEvent = {
      resource: match.path.template,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders,
      queryStringParameters: target.queryStringParameters,
      multiValueQueryStringParameters: target.multiValueQueryStringParameters,
      pathParameters: match.path.names.length ? pathParameters : null,
      stageVariables: null,
      body: body.length ? body.toString('utf8') : null,
      isBase64Encoded: false,
      requestContext: {
        accountId: LOCAL_ACCOUNT,
        apiId,
        authorizer,
        httpMethod: method,
        identity: {
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: request.headers['user-agent'] ?? null,
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          user: null,
          userArn: null,
        },
        path: `/${stage}${url.pathname}`,
        protocol: `HTTP/${request.httpVersion}`,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: match.path.template,
        resourcePath: match.path.template,
        stage,
      },
    };
    try {
      return await invokeWithTimeout<APIGatewayProxyResult>(functionId, event);
    } catch (error) {
      if (error instanceof FunctionTimeoutError) return gatewayProblem(504, 'Gateway Timeout', 'The function did not answer in time');
      console.error(`${functionId} failed`, error);
      return gatewayProblem(502, 'Bad Gateway', 'Internal server error');
    }
  }

  async function respond(request: IncomingMessage, response: ServerResponse) {
    let result: APIGatewayProxyResult;
    try {
      result = await handle(request);
    } catch (error) {
      console.error('local gateway failed', error);
      result = gatewayProblem(500, 'Internal Server Error', 'The local gateway failed');
    }
    if (contract) {
      const target = parseTarget(request.url ?? '/');
      if (!('malformed' in target)) await contract.check((request.method ?? 'GET').toUpperCase(), target.path, result);
    }
    const headers: Record<string, string | string[]> = { ...(result.headers as Record<string, string>), 'x-amzn-RequestId': randomUUID() };
    for (const [name, values] of Object.entries(result.multiValueHeaders ?? {})) headers[name] = values.map(String);
    const body = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : Buffer.from(result.body ?? '', 'utf8');
    response.writeHead(result.statusCode, { ...headers, 'Content-Length': body.length });
    response.end(body);
  }

  const server: Server = createServer((request, response) => void respond(request, response));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
