#!/usr/bin/env node
// The CLI is TypeScript run through tsx (already the runtime of `npm start`), so a checkout needs no build step.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
process.exitCode = await run(process.argv);
