import fc from 'fast-check';
import type { FuzzContext } from './fuzz-arbitraries.ts';
import { foreignId, guidTail, mixedCase } from './id-variants.ts';
import type { RouteDefinition } from '../../lib/topology.ts';

/**
 * Request bodies for the fuzz: mostly a route's valid seed with one or two mutations (a field removed, retyped,
 * replaced by a hostile or a near-valid value, an extra or prototype key added), and also arbitrary JSON, deep
 * nesting, bodies over the size limit, text that is not JSON, bytes that are not UTF-8 and duplicated keys.
 */

const encoder = new TextEncoder();

function nested(depth: number, asArray: boolean): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asArray ? [value] : { a: value };
  return value;
}

function hostileValues(context: FuzzContext, ids: Record<string, string>): fc.Arbitrary<unknown> {
  const url = context.fixture.receiverUrl;
  const idValues = Object.values(ids);
  return fc.oneof(
    {
      arbitrary: fc.constantFrom<unknown>(
        null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53 + 2, '', ' ', '\u0000', '\ud800', '\r\nX-Injected: 1', '日本語', '😀', '<script>alert(1)</script>',
        "' OR 1=1 --", '2024-13-45', 'NaN', [], {}, [null], [1, 'a'], { nested: { deep: true } }, '00000000-0000-0000-0000-000000000000',
        'op-00000000-0000-0000-0000-000000000000',
      ),
      weight: 6,
    },
    { arbitrary: fc.constantFrom(...idValues, ...idValues.map((id) => id.toUpperCase())), weight: 2 },
    { arbitrary: fc.constantFrom(...idValues).chain(foreignId), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        url('/fuzz'), url('/fuzz').replace('127.0.0.1', 'localhost'), 'http://[::1]:9/x', 'https://127.0.0.1:0/', 'https://user:pass@127.0.0.1/x',
        'not a url', 'https://exa mple.com/', 'https://example.com:65536/', 'http://', 'https://[::1', 'javascript:alert(1)', 'file:///etc/passwd',
      ),
      weight: 2,
    },
    { arbitrary: fc.jsonValue({ maxDepth: 2 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }), weight: 2 },
    { arbitrary: fc.oneof(fc.integer(), fc.double()), weight: 1 },
    { arbitrary: fc.tuple(fc.constantFrom(33, 200, 3000), fc.boolean()).map(([d, a]) => nested(d, a)), weight: 1 },
    { arbitrary: fc.integer({ min: 1000, max: 120_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
  );
}

type Json = unknown;
type Step = string | number;

/** Every place in a value, down to a depth where no schema reaches (an earlier mutation may have nested thousands deep). */
function pathsOf(value: Json): Step[][] {
  const out: Step[][] = [];
  const stack: [Json, Step[]][] = [[value, []]];
  while (stack.length) {
    const [node, prefix] = stack.pop()!;
    out.push(prefix);
    if (prefix.length >= 12 || out.length > 2000) continue;
    if (Array.isArray(node)) node.slice(0, 50).forEach((child, i) => stack.push([child, [...prefix, i]]));
    else if (node && typeof node === 'object') for (const [key, child] of Object.entries(node)) stack.push([child, [...prefix, key]]);
  }
  return out;
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  kind: 'delete' | 'replace' | 'add' | 'retype' | 'similar';
  pick: number;
  key: string;
  value: unknown;
  variant: number;
  related: readonly string[];
}

/**
 * Values close to a valid one, where validation has edges: for a URL, other URLs (loopback ones, malformed ones,
 * ones with credentials); for an id, its other spellings and other ids of the project; for a number, its limits.
 */
function similarValues(old: unknown, related: readonly string[]): unknown[] {
  if (typeof old === 'string') {
    const url = URL.parse(old);
    if (url && /^https?:$/.test(url.protocol) && url.hostname) {
      return [
        `${old}/${'x'.repeat(2100)}`, old.replace('http:', 'https:'), old.replace('http:', 'ftp:'), old.replace('127.0.0.1', 'localhost'), old.replace('127.0.0.1', '[::1]'),
        old.replace('127.0.0.1', '127.1'), old.replace('127.0.0.1', '0x7f.0.0.1'), old.replace('127.0.0.1', '2130706433'), old.replace('//', '//user:pass@'),
        `${url.protocol}//${url.hostname}:65536/`, `${url.protocol}//${url.hostname}:0/`, old.replace(url.host, `${url.hostname}:-1`), `${old}#fragment`, `${old}?q=%ZZ`,
        old.replace('127.0.0.1', 'exa mple.com'), 'not a url', '', ' ', 'http://', 'https://', '//127.0.0.1/x', '127.0.0.1:80', old.toUpperCase(), ` ${old} `, `${old}\r\nX: 1`,
      ];
    }
    if (guidTail.test(old)) {
      const guid = guidTail.exec(old)![0];
      return [
        old.toUpperCase(), mixedCase(old), old.replace(guid, guid.replace(/-/g, '')), `{${old}}`, old.slice(0, -1), `${old}0`, ` ${old}`, old.replace(guid, '00000000-0000-0000-0000-000000000000'),
        ...related, ...related.map((id) => id.toUpperCase()),
      ];
    }
    return ['', ' ', '\t', 'x'.repeat(201), 'x'.repeat(2001), 'x'.repeat(70_000), `${old}\u0000`, `${old}\r\n`, old.toUpperCase(), old.toLowerCase(), `${old} `, '日本語', '😀'.repeat(100), '\ud800', '0', 'true'];
  }
  if (typeof old === 'number') return [0, -1, -0.5, old + 0.5, old * 1000, old - 1, old + 1, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308, String(old), null];
  if (typeof old === 'boolean') return [!old, String(old), old ? 1 : 0, null];
  if (Array.isArray(old)) return [[], [null], [...old, ...old], Array.from({ length: 101 }, () => old[0] ?? 'x'), old.map((v) => (typeof v === 'string' ? v.toUpperCase() : v)), old[0] ?? null, {}];
  if (old && typeof old === 'object') return [{}, [], null, 'object', { ...old, ...old }];
  return ['', 0, {}, []];
}

function valueAt(root: Json, path: Step[]): Json {
  return path.reduce<Json>((node, step) => (node as Record<string | number, Json>)?.[step], root);
}

/**
 * Where a mutation lands: any place (the root, objects, arrays, leaves) for structural ones; for `similar`, a leaf,
 * every other time one holding a URL or an id, where the checks that matter most live.
 */
function placeFor(root: Json, m: Mutation): Step[] {
  const places = pathsOf(root);
  if (m.kind !== 'similar') return places[m.pick % places.length]!;
  const leaves = places.filter((p) => {
    const value = valueAt(root, p);
    return value === null || typeof value !== 'object';
  });
  const pointed = leaves.filter((p) => {
    const value = valueAt(root, p);
    return typeof value === 'string' && (/^https?:/.test(value) || guidTail.test(value));
  });
  const pool = m.variant % 2 && pointed.length ? pointed : leaves.length ? leaves : places;
  return pool[m.pick % pool.length]!;
}

/** Applies one mutation at a place of the value chosen by {@link placeFor}. */
function applyMutation(root: Json, m: Mutation): Json {
  const path = placeFor(root, m);
  const replaceAt = (node: Json, steps: Step[], make: (old: Json) => Json | typeof REMOVE): Json => {
    if (!steps.length) {
      const made = make(node);
      return made === REMOVE ? undefined : made;
    }
    const [head, ...rest] = steps;
    if (Array.isArray(node)) {
      const copy = [...node];
      const made = replaceAt(copy[head as number], rest, make);
      if (made === undefined && rest.length === 0) copy.splice(head as number, 1);
      else copy[head as number] = made;
      return copy;
    }
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node as Record<string, unknown>)) setOwn(copy, k, v);
    const made = replaceAt(copy[head as string], rest, make);
    if (made === undefined && rest.length === 0) delete copy[head as string];
    else setOwn(copy, head as string, made);
    return copy;
  };
  switch (m.kind) {
    case 'delete':
      return path.length ? replaceAt(root, path, () => REMOVE) : root;
    case 'replace':
      return replaceAt(root, path, () => m.value);
    case 'add':
      return replaceAt(root, path, (old) => {
        if (Array.isArray(old)) return [...old, m.value];
        if (old && typeof old === 'object') {
          const copy: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(old)) setOwn(copy, k, v);
          setOwn(copy, m.key, m.value);
          return copy;
        }
        return m.value;
      });
    case 'similar':
      return replaceAt(root, path, (old) => {
        const pool = similarValues(old, m.related);
        return pool[Math.floor(m.variant / 2) % pool.length];
      });
    case 'retype':
      return replaceAt(root, path, (old) => {
        if (typeof old === 'string') return old.length ? (Number.isNaN(Number(old)) ? [old] : Number(old)) : 0;
        if (typeof old === 'number') return String(old);
        if (typeof old === 'boolean') return old ? 'true' : 1;
        if (Array.isArray(old)) return { ...old };
        if (old && typeof old === 'object') return Object.values(old);
        return 'null';
      });
  }
}
const REMOVE = Symbol('remove');

function mutated(seed: Json, context: FuzzContext, ids: Record<string, string>): fc.Arbitrary<Json> {
  const key = fc.oneof(
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'Name', 'operationtype', 'tenantId', 'projectId', 'status', 'webhookId'),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }),
  );
  const related = [...Object.values(ids), ...Object.values(context.fixture.related)];
  const mutation: fc.Arbitrary<Mutation> = fc.record({
    kind: fc.constantFrom('delete', 'replace', 'replace', 'add', 'retype', 'similar', 'similar', 'similar'),
    pick: fc.nat(),
    key,
    value: hostileValues(context, ids),
    variant: fc.nat(),
    related: fc.constant(related),
  });
  return fc.array(mutation, { minLength: 1, maxLength: 2 }).map((mutations) => mutations.reduce(applyMutation, seed));
}

const rawBodies = [
  '{', '}', '[', 'nul', 'undefined', 'NaN', '<?xml version="1.0"?><a/>', 'a=1&b=2', '"unterminated', '{"a":1}garbage', '\u0000', '[1,2,', '{"a":01}', "{'a':1}",
  '{"a":1,}', '\ufeff{}', '  ', '0', '"a string"', 'true', 'null', '[]', '{"a":"\\ud800"}', '{"a":"\\u0000"}',
] as const;

export function bodyFor(route: RouteDefinition, method: string, context: FuzzContext, ids: Record<string, string>): fc.Arbitrary<{ body?: Uint8Array; kind: string }> {
  const seed = context.fixture.seedBody(route) ?? {};
  const json = (kind: string) => (value: unknown) => ({ body: encoder.encode(JSON.stringify(value) ?? ''), kind });
  const seedText = JSON.stringify(seed);
  const options: fc.WeightedArbitrary<{ body?: Uint8Array; kind: string }>[] = [
    { arbitrary: mutated(seed, context, ids).map(json('mutated')), weight: 8 },
    { arbitrary: fc.constant({ kind: 'none' }), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json('json')), weight: 1 },
    {
      // Written as text: JSON.stringify itself would overflow the stack at this depth (JSON.parse does not).
      arbitrary: fc.tuple(fc.constantFrom(1000, 100_000), fc.boolean()).map(([depth, asArray]) => ({
        body: encoder.encode(asArray ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
        kind: 'deep',
      })),
      weight: 1,
    },
    { arbitrary: fc.integer({ min: 100_000, max: 400_000 }).map((n) => json('huge')({ ...(seed as object), huge: 'x'.repeat(n) })), weight: 1 },
    { arbitrary: fc.constantFrom(...rawBodies).map((text) => ({ body: encoder.encode(text), kind: 'raw' })), weight: 1 },
    {
      // Bytes that are not UTF-8 inside an otherwise valid body: a lone continuation byte, an overlong form, a truncated sequence.
      arbitrary: fc.constantFrom([0xff], [0xc0, 0xaf], [0xe0, 0xa4], [0xed, 0xa0, 0x80], [0x80]).map((bad) => {
        const text = seedText.replace(/"([^"\\]{1,200})"(?=\s*[,}\]])/, '"$1\u0001"');
        const [before, after] = text.split('\u0001') as [string, string?];
        const bytes = after === undefined ? [...encoder.encode(text), ...bad] : [...encoder.encode(before), ...bad, ...encoder.encode(after)];
        return { body: Uint8Array.from(bytes), kind: 'bytes' };
      }),
      weight: 1,
    },
    {
      // The same key twice, and prototype keys: JSON.parse keeps the last value and makes "__proto__" an own key.
      arbitrary: fc.constantFrom('__proto__', 'constructor', ...Object.keys(seed as object)).chain((key) =>
        hostileValues(context, ids).map((value) => ({
          body: encoder.encode(`{${JSON.stringify(key)}:${JSON.stringify(value) ?? 'null'}${seedText === '{}' ? '}' : `,${seedText.slice(1)}`}`),
          kind: 'duplicate-keys',
        })),
      ),
      weight: 1,
    },
  ];
  return fc.oneof(...options);
}
