import type { z } from 'zod';
import { ValidationError, type InvalidField } from '../domain/errors.ts';

export type InputSource = 'path' | 'query' | 'body';

/** Parses a request part against its schema; every issue becomes a named field in the 400. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, source: InputSource): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const fields: InvalidField[] = result.error.issues.map((issue) => {
    const path = [source, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return { name: `${path}.${issue.keys.join(',')}`, reason: `unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.join(', ')}` };
    }
    return { name: path, reason: issue.message };
  });
  // One field can fail two checks with the same reason (e.g. a URL's scheme and its refinement).
  const unique = fields.filter((field, i) => fields.findIndex((f) => f.name === field.name && f.reason === field.reason) === i);
  throw new ValidationError(`The request ${source} is not valid`, unique);
}
