import fc from 'fast-check';
import { fillPath, type ProjectFixture } from './project-fixture.ts';
import { bodyFor } from './fuzz-bodies.ts';
import { foreignId, mixedCase, upperHex } from './id-variants.ts';
import { allQueryKeys, queryKeysOf } from './route-inputs.ts';
import type { RouteDefinition } from '../../lib/topology.ts';

/** One generated HTTP request, described well enough to be replayed from a failure report. */
export interface FuzzRequest {
  route: RouteDefinition;
  /** The part of the request that was varied. */
  focus: Focus;
  method: string;
  /** Path and query as sent (already URL-encoded where the generator meant it to be). */
  url: string;
  headers: Record<string, string>;
  body?: Uint8Array;
  /** How the body was made: none, seed, mutated, json, deep, huge, raw, bytes, duplicate-keys. */
  bodyKind: string;
  /** Which path parameters were not the owner's own, lower-case ids. */
  pathKind: string;
}

export interface FuzzContext {
  routes: readonly RouteDefinition[];
  fixture: ProjectFixture;
  /** Tokens the generator may send: the owner's, and one of another tenant. */
  ownerToken: string;
  strangerToken: string;
  /** Genuine paging cursors of the owner's (one per paged route), to be truncated, edited and pointed elsewhere. */
  genuineNextTokens: string[];
}

const encoder = new TextEncoder();

// ---------------------------------------------------------------- path parameters

const hostileSegments = [
  '%', '%Z', '%ZZ', '%E0%A4%A', '%C0%AF', '%FF', '%ED%A0%80', '%00', '%0A', '%2F', '%252F', '%5C', '..', '.', '%2e%2e',
  '__proto__', 'constructor', 'prototype', 'null', 'undefined', 'NaN', '0', '-1', '%20', '*', '$', "'", '%22', '%7B%7D',
] as const;

/** The owner's id in another spelling, another id of the same shape, or something that is not an id at all. */
function segmentVariant(own: string): fc.Arbitrary<{ value: string; kind: string }> {
  return fc.oneof(
    { arbitrary: fc.constant({ value: own.toUpperCase(), kind: 'upper' }), weight: 3 },
    { arbitrary: fc.constant({ value: mixedCase(own), kind: 'mixed-case' }), weight: 1 },
    { arbitrary: fc.constant({ value: upperHex(own), kind: 'percent-encoded' }), weight: 1 },
    { arbitrary: foreignId(own).map((value) => ({ value, kind: 'foreign' })), weight: 2 },
    { arbitrary: fc.constantFrom(...hostileSegments).map((value) => ({ value, kind: 'hostile' })), weight: 3 },
    { arbitrary: fc.constantFrom(`${own}x`, own.slice(0, -1), `${own}%00`, `${own}%2F..`, ` ${own}`).map((value) => ({ value: value.replace(/ /g, '%20'), kind: 'near-miss' })), weight: 1 },
    { arbitrary: fc.integer({ min: 200, max: 5000 }).map((n) => ({ value: 'a'.repeat(n), kind: 'long' })), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }).map((s) => ({ value: encodeURIComponent(s), kind: 'unicode' })), weight: 2 },
  );
}

/** The route's path with one parameter replaced by a variant, or with a trailing slash. */
function variedPath(route: RouteDefinition, context: FuzzContext): fc.Arbitrary<{ path: string; kind: string }> {
  const own = context.fixture.idsFor(route);
  const names = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const trailing = fc.constantFrom('/', '//').map((suffix) => ({ path: fillPath(route.path, own) + suffix, kind: `trailing${suffix}` }));
  if (!names.length) return trailing;
  const varied = fc.constantFrom(...names).chain((name) =>
    segmentVariant(own[name]!).map(({ value, kind }) => ({ path: fillPath(route.path, { ...own, [name]: value }), kind: `${name}:${kind}` })),
  );
  return fc.oneof({ arbitrary: varied, weight: 8 }, { arbitrary: trailing, weight: 1 });
}

// ---------------------------------------------------------------- query strings

const hostileQueryKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '__proto__[x]', 'constructor.prototype'] as const;
const queryValues = [
  '', '1', '0', '-1', '100', '101', '1e3', '1.5', 'NaN', 'Infinity', 'true', 'false', 'TRUE', 'yes', 'null', '[]', '{}', '[object Object]',
  'Completed', 'completed', 'High', 'ProcessMiningAnalysis', 'DEBUG', 'structured', 'detailed', 'download', 'seconds', '5m', 'cpu,memory', 'cpu,,',
  '2024-01-01', '2024-02-30', '2024-01-20T11:15:00Z', '9999-12-31T23:59:59Z', 'Process Discovery', 'a,b,c', '00000000-0000-0000-0000-000000000000',
] as const;
const base64url = (text: string) => Buffer.from(text).toString('base64url');

/**
 * Cursors a client could forge: garbage, truncations and edits of a genuine one, and, while a cursor is readable,
 * rewrites of what it says (another partition, other key attributes). None is a cursor the service issued.
 */
export function forgedCursors(genuine?: string): string[] {
  const forged = ['AAAA', '!!!', 'null', '{}', base64url('{}'), base64url('[]'), base64url('{"pk":"x"}'), base64url('{"pk":{"S":"TENANT#x"},"sk":{"S":"y"}}'), 'x'.repeat(2049)];
  if (!genuine) return forged;
  // Whole groups of four characters, so every edit changes the decoded bytes (a lone extra character may not).
  const edits = [genuine.slice(0, -4), genuine.slice(0, 8), `${genuine}AAAA`, genuine.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'))];
  // While a cursor is readable (e.g. base64 JSON of the last key), a client can also rewrite what it says.
  const decoded = Buffer.from(genuine.split('.')[0]!, 'base64url').toString('utf8');
  let key: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(decoded);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) key = parsed as Record<string, unknown>;
  } catch {
    // an opaque cursor: only byte edits apply
  }
  const rewritten = key
    ? Object.keys(key).flatMap((name) => [{ ...key, [name]: 1 }, { ...key, [name]: '' }, { ...key, [name]: { S: 'x' } }, Object.fromEntries(Object.entries(key).filter(([k]) => k !== name))])
    : [];
  const otherTenant = decoded.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/, '00000000-0000-4000-8000-000000000000');
  return [...forged, ...edits, base64url(otherTenant), base64url(decoded.toUpperCase()), ...rewritten.map((k) => base64url(JSON.stringify(k))), ...(key ? [base64url(JSON.stringify({ ...key, extra: 'x' }))] : [])];
}

function queryPair(route: RouteDefinition, context: FuzzContext, ids: Record<string, string>): fc.Arbitrary<string> {
  const own = queryKeysOf(route);
  const key = fc.oneof(
    { arbitrary: fc.constantFrom(...own), weight: 10 },
    { arbitrary: fc.constantFrom(...allQueryKeys), weight: 2 },
    { arbitrary: fc.constantFrom(...hostileQueryKeys), weight: 1 },
    { arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), weight: 1 },
  );
  const idValues = Object.values(ids);
  const anyValue = fc.oneof(
    { arbitrary: fc.constantFrom(...queryValues).map(encodeURIComponent), weight: 5 },
    { arbitrary: fc.constantFrom(...idValues, ...idValues.map((id) => id.toUpperCase()), idValues.join(','), `${idValues[0]},${'x'.repeat(40)}`).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%00', '%FF', '+', '%2B'), weight: 1 },
    { arbitrary: fc.integer({ min: 1000, max: 4000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
  const cursors = fc.constantFrom(...context.genuineNextTokens.flatMap(forgedCursors), ...forgedCursors()).map(encodeURIComponent);
  const pair = key.chain((k) => (k === 'nextToken' ? fc.oneof(cursors, anyValue) : anyValue).map((v) => `${encodeURIComponent(k)}=${v}`));
  return fc.oneof(
    { arbitrary: pair, weight: 10 },
    { arbitrary: key.map(encodeURIComponent), weight: 1 },
    { arbitrary: fc.constantFrom('=', '&', '=x', 'a==b', ';', '%=1', '%ZZ=1', '%5F%5Fproto%5F%5F=1'), weight: 1 },
  );
}

function queryFor(route: RouteDefinition, context: FuzzContext, ids: Record<string, string>): fc.Arbitrary<string> {
  const one = queryPair(route, context, ids);
  const pairs = fc.array(one, { minLength: 1, maxLength: 3 });
  // A duplicated key: the gateway passes both values on, the route must not trip over the second.
  const duplicated = fc.tuple(one, one).map(([a, b]) => [a, b, `${a.split('=')[0]}=${b.split('=')[1] ?? ''}`]);
  return fc.oneof({ arbitrary: pairs.map((p) => `?${p.join('&')}`), weight: 5 }, { arbitrary: duplicated.map((p) => `?${p.join('&')}`), weight: 1 });
}

// ---------------------------------------------------------------- headers

const contentTypes = [
  'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/problem+json', 'application/merge-patch+json', 'application/json; charset=latin1',
  'application/jsonp', 'text/plain', 'text/csv', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '', ';;;', '*/*',
] as const;

function headersFor(context: FuzzContext, hasBody: boolean): fc.Arbitrary<Record<string, string>> {
  const authorization = fc.oneof(
    { arbitrary: fc.constant(`Bearer ${context.ownerToken}`), weight: 14 },
    { arbitrary: fc.constant(`Bearer ${context.strangerToken}`), weight: 1 },
    { arbitrary: fc.constantFrom('', 'Bearer', 'Bearer ', 'Bearer x.y.z', `Basic ${context.ownerToken}`, `Bearer ${context.ownerToken}x`, `bearer ${context.ownerToken}`), weight: 1 },
  );
  const contentType = hasBody
    ? fc.oneof({ arbitrary: fc.constant('application/json'), weight: 8 }, { arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: fc.constantFrom(...contentTypes), weight: 3 })
    : fc.constant(undefined);
  const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 });
  const idempotencyKey = fc.oneof(
    { arbitrary: fc.constant(undefined), weight: 6 },
    { arbitrary: fc.uuid(), weight: 2 },
    { arbitrary: fc.constantFrom('', ' ', 'a', '__proto__', 'null'), weight: 1 },
    { arbitrary: printable, weight: 1 },
    { arbitrary: fc.integer({ min: 256, max: 4000 }).map((n) => 'k'.repeat(n)), weight: 1 },
  );
  return fc.record({ authorization, contentType, idempotencyKey }).map(({ authorization: a, contentType: c, idempotencyKey: k }) => ({
    ...(a ? { Authorization: a } : {}),
    ...(c !== undefined ? { 'Content-Type': c } : {}),
    ...(k !== undefined ? { 'Idempotency-Key': k } : {}),
  }));
}

// ---------------------------------------------------------------- requests

const otherMethods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/**
 * API Gateway refuses request lines over about 8 KiB itself (and Node's HTTP parser, under the local gateway, at
 * 16 KiB, without a body to check): longer URLs test neither the service nor its gateway.
 */
const maxUrlLength = 8192;

export function fuzzRequest(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fuzzRequestAnyLength(context).filter((request) => request.url.length <= maxUrlLength);
}

export type Focus = 'path' | 'query' | 'headers' | 'body' | 'method' | 'everything';

/**
 * What one request varies, weighted by what the route reads; the rest of the request is valid, so the variation
 * reaches the check it is aimed at.
 */
function focusFor(route: RouteDefinition): fc.Arbitrary<Focus> {
  const weights: [Focus, number][] = takesBody(route.method)
    ? [['body', 10], ['path', 2], ['query', 1], ['headers', 2], ['method', 1], ['everything', 1]]
    : [['query', 6], ['path', 3], ['headers', 1], ['method', 1], ['everything', 1]];
  return fc.oneof(...weights.map(([name, weight]) => ({ arbitrary: fc.constant(name), weight })));
}

const takesBody = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';

function fuzzRequestAnyLength(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...context.routes).chain((route) => focusFor(route).map((aimed) => [route, aimed] as const)).chain(([route, aimed]) => {
    const ids = context.fixture.idsFor(route);
    const varies = (part: Focus) => aimed === part || aimed === 'everything';
    const exactPath = { path: fillPath(route.path, ids), kind: 'own' };
    const seed = context.fixture.seedBody(route);
    const method = varies('method') ? fc.constantFrom(...otherMethods) : fc.constant(route.method);
    return method.chain((m) => {
      const validBody = takesBody(m) && seed !== undefined ? { body: encoder.encode(JSON.stringify(seed)), kind: 'seed' } : { kind: 'none' };
      return fc
        .record({
          path: varies('path') ? (aimed === 'everything' ? fc.oneof(fc.constant(exactPath), variedPath(route, context)) : variedPath(route, context)) : fc.constant(exactPath),
          query: varies('query') ? (aimed === 'everything' ? fc.oneof(fc.constant(''), queryFor(route, context, ids)) : queryFor(route, context, ids)) : fc.constant(''),
          body: varies('body') && takesBody(m) ? bodyFor(route, m, context, ids) : fc.constant(validBody),
        })
        .chain(({ path, query, body }) => {
          const hasBody = body.body !== undefined;
          const headers = varies('headers') ? headersFor(context, hasBody) : fc.constant({ Authorization: `Bearer ${context.ownerToken}`, ...(hasBody ? { 'Content-Type': 'application/json' } : {}) });
          return headers.map(
            (h): FuzzRequest => ({ route, focus: aimed, method: m, url: path.path + query, headers: h, ...(body.body ? { body: body.body } : {}), bodyKind: body.kind, pathKind: path.kind }),
          );
        });
    });
  });
}
