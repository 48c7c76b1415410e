import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedSchema, schemaFile } from '../../../client/generate-schema.ts';

describe('client/schema.d.ts', () => {
  it('is what `npm run client:generate` writes from the current routes and schemas', async () => {
    const committed = await readFile(schemaFile, 'utf8');
    // A failure here means a route or schema changed: run `npm run client:generate` and commit the result.
    expect(committed === (await generatedSchema()), 'client/schema.d.ts is stale: run `npm run client:generate`').toBe(true);
  });
});
