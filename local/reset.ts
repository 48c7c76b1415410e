import { rm } from 'node:fs/promises';
import { dataDir } from './data-dir.ts';

/** Deletes all local data: tables, objects and the local signing key (tokens minted before stop working). */
await rm(dataDir(), { recursive: true, force: true });
console.log(`Removed ${dataDir()}`);
