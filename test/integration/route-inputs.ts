import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { functions, type RouteDefinition } from '../../lib/topology.ts';

const root = resolve(import.meta.dirname, '../..');
const schemasDir = resolve(root, 'functions/schemas');

/** Every exported zod object schema of functions/schemas, by export name. */
const schemas = new Map<string, unknown>();
for (const file of readdirSync(schemasDir).filter((name) => name.endsWith('.ts'))) {
  const module = (await import(pathToFileURL(resolve(schemasDir, file)).href)) as Record<string, unknown>;
  for (const [name, value] of Object.entries(module)) schemas.set(name, value);
}

function keysOf(schema: unknown): string[] {
  const shape = (schema as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape && typeof shape === 'object' ? Object.keys(shape) : [];
}

/** Query parameters any route reads: the keys of every exported `…Query` schema. */
export const allQueryKeys: readonly string[] = [...new Set([...schemas].filter(([name]) => /Query$/.test(name)).flatMap(([, schema]) => keysOf(schema)))];

/**
 * The query parameters one route reads, found from the schema its handler passes as `query:` (so a new route is
 * covered without a list to keep up to date); none when the handler names no query schema.
 */
export function declaredQueryKeysOf(route: RouteDefinition): readonly string[] {
  const source = readFileSync(resolve(root, functions[route.function].entry), 'utf8');
  const name = /\bquery:\s*([A-Za-z_$][\w$]*)/.exec(source)?.[1];
  return name ? keysOf(schemas.get(name)) : [];
}

/** The keys worth sending a route: its own, or every known one (all unknown to it) when it reads none. */
export function queryKeysOf(route: RouteDefinition): readonly string[] {
  const keys = declaredQueryKeysOf(route);
  return keys.length ? keys : allQueryKeys;
}
