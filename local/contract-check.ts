import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { APIGatewayProxyResult } from 'aws-lambda';
import type { ValidateFunction } from 'ajv';
import { routes } from '../lib/topology.ts';
import type { OpenApiDocument } from '../functions/openapi/document.ts';

/**
 * Set to a file path, the local HTTP front checks every answer it sends against the OpenAPI document and appends a
 * line per violation to that file. The integration suite sets it; `npm start` does not, and then nothing here loads.
 */
export const contractCheckEnv = 'LOCAL_CONTRACT_VIOLATIONS_FILE';
/** Set to a folder as well, the first successful JSON answer of each route is saved there, named by its function: the source of the document's examples. */
export const contractSamplesEnv = 'LOCAL_CONTRACT_SAMPLES_DIR';

export interface ContractViolation {
  method: string;
  /** The route's path template, e.g. `/api/{tenantId}/{projectId}/async/operation/{operationId}`. */
  route: string;
  status: number;
  contentType: string | null;
  problem: string;
  errors?: unknown[];
  /** The first bytes of the body, to see what was answered. */
  body?: string;
}

export interface ContractCheck {
  /** Checks one answer; resolves once a violation is recorded (never throws). */
  check(method: string, path: string, result: APIGatewayProxyResult): Promise<void>;
}

type Json = Record<string, unknown>;
const componentsId = 'urn:openapi:components';

const templates = [...new Set(routes.map((route) => route.path))].map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\w+\}/g, '[^/]+')}/?$`),
}));

/** The checker when `LOCAL_CONTRACT_VIOLATIONS_FILE` is set, else undefined (and ajv is never imported). */
export async function contractCheckFromEnv(): Promise<ContractCheck | undefined> {
  const file = process.env[contractCheckEnv];
  if (!file) return undefined;
  const [{ loadRouteContracts }, { openApiDocument }] = await Promise.all([import('../functions/openapi/route-contracts.ts'), import('../functions/openapi/document.ts')]);
  const contracts = await loadRouteContracts(routes);
  const document = openApiDocument({ routes, contractOf: (id) => contracts.get(id) });
  const checker = await contractCheck(document, (violation) => appendFile(file, `${JSON.stringify(violation)}\n`));
  const samples = process.env[contractSamplesEnv];
  return samples ? withSamples(checker, samples) : checker;
}

function withSamples(checker: ContractCheck, dir: string): ContractCheck {
  const saved = new Set<string>();
  return {
    async check(method, path, result) {
      await checker.check(method, path, result);
      const template = templates.find(({ pattern }) => pattern.test(path))?.template;
      const route = routes.find((candidate) => candidate.path === template && candidate.method === method);
      if (!route || result.statusCode >= 300 || !result.body || saved.has(route.function) || !headerOf(result, 'content-type')?.startsWith('application/json')) return;
      saved.add(route.function);
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, `${route.function}.json`), result.body);
    },
  };
}

/**
 * Holds answers to the document: the route and method must be listed, the status declared for it (`default` only
 * covers 5xx), the content type one the status declares, and a JSON body must validate against its schema (ajv,
 * JSON Schema 2020-12, the dialect of OpenAPI 3.1). Paths outside the document (local controls, the JWKS, unknown
 * paths) are not part of the contract and are not checked.
 */
export async function contractCheck(document: OpenApiDocument, record: (violation: ContractViolation) => Promise<void>): Promise<ContractCheck> {
  const { Ajv2020 } = await import('ajv/dist/2020.js');
  const { default: addFormats } = await import('ajv-formats');
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  (addFormats as unknown as (ajv: unknown) => void)(ajv);
  // The shared schemas, as `$defs` of one schema; every `#/components/schemas/...` ref is pointed at it.
  ajv.addSchema(pointedAtComponents({ $id: componentsId, $defs: (document.components as Json).schemas }) as Json);
  const compiled = new Map<string, ValidateFunction>();

  const resolveResponse = (response: Json): Json => {
    if (typeof response.$ref !== 'string') return response;
    const name = response.$ref.replace('#/components/responses/', '');
    return ((document.components as Json).responses as Record<string, Json>)[name]!;
  };

  return {
    async check(method, path, result) {
      const match = templates.find(({ pattern }) => pattern.test(path));
      if (!match) return;
      const contentType = headerOf(result, 'content-type');
      const base = { method, route: match.template, status: result.statusCode, contentType };
      let problem: Pick<ContractViolation, 'problem' | 'errors'> | undefined;
      try {
        problem = problemOf(method, match.template, result, contentType);
      } catch (error) {
        problem = { problem: `the check itself failed: ${(error as Error).message}` };
      }
      // The answer is sent whatever happens here: a check that cannot record says so on stderr.
      if (problem) await record({ ...base, ...problem, body: excerpt(result) }).catch((error: unknown) => console.error('contract check: cannot record a violation', error, problem));
    },
  };

  function problemOf(method: string, template: string, result: APIGatewayProxyResult, contentType: string | null): Pick<ContractViolation, 'problem' | 'errors'> | undefined {
    const operations = document.paths[template] as Record<string, Json>;
    // A method the path lacks answers 405 from the gateway's catch-all: any operation of the path declares that answer.
    const operation = operations[method.toLowerCase()] ?? (result.statusCode === 405 ? Object.values(operations)[0] : undefined);
    if (!operation) return { problem: `${method} is not a documented method of this path` };
    const responses = operation.responses as Record<string, Json>;
    const declared = responses[String(result.statusCode)] ?? (result.statusCode >= 500 ? responses.default : undefined);
    if (!declared) return { problem: `status ${result.statusCode} is not declared (declared: ${Object.keys(responses).join(', ')})` };
    const response = resolveResponse(declared);
    const content = response.content as Record<string, Json> | undefined;
    const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64').toString('utf8') : (result.body ?? '');
    if (!content) return body.length ? { problem: 'a body was sent where the document declares none' } : undefined;
    const mediaType = contentType ? contentType.split(';')[0]!.trim().toLowerCase() : undefined;
    if (!mediaType || !content[mediaType]) return { problem: `content type ${contentType ?? '(none)'} is not declared (declared: ${Object.keys(content).join(', ')})` };
    if (!/^application\/(.+\+)?json$/.test(mediaType)) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return { problem: 'the body is not JSON' };
    }
    const key = `${method} ${template} ${result.statusCode} ${mediaType}`;
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(pointedAtComponents(content[mediaType]!.schema ?? {}) as Json);
      compiled.set(key, validate);
    }
    if (validate(parsed)) return undefined;
    return { problem: 'the body does not match its schema', errors: validate.errors ?? [] };
  }
}

function pointedAtComponents(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(pointedAtComponents);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' && inner.startsWith('#/components/schemas/')
        ? `${componentsId}#/$defs/${inner.slice('#/components/schemas/'.length)}`
        : pointedAtComponents(inner),
    ]),
  );
}

function headerOf(result: APIGatewayProxyResult, name: string): string | null {
  const entry = Object.entries(result.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return entry ? String(entry[1]) : null;
}

function excerpt(result: APIGatewayProxyResult): string | undefined {
  if (!result.body) return undefined;
  return result.isBase64Encoded ? '(base64)' : result.body.slice(0, 2000);
}
