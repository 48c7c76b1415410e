import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { generatedSchema, schemaFile } from './generate-schema.ts';

await writeFile(schemaFile, await generatedSchema());
console.log(`wrote ${fileURLToPath(schemaFile)}`);
