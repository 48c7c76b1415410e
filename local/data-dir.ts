import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Local state (DynamoDB files, S3 objects, the signing key) lives here; git ignores it. */
export const dataDir = (): string => resolve(projectRoot, process.env.LOCAL_DATA_DIR ?? '.local-data');
