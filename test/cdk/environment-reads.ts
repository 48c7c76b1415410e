import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { PROJECT_ROOT } from '../../lib/process-mining-stack.ts';
import { env, functions, type FunctionId } from '../../lib/topology.ts';

/**
 * The environment variables each function's code can read: its entry bundled as Lambda gets it (tree-shaken, the
 * composition's lazy factories marked pure, so factories the handler never reaches drop out), then every
 * `process.env.NAME`, `process.env['NAME']` and `env.<name>` of lib/topology.ts in what is left. `env.queueUrl(x)`
 * and `env.stateMachineArn(x)` with a literal id read that variable; with a computed one, the family (`queueUrl(*)`).
 * It over-approximates within a module (a service built for one method brings its other ports' variables along).
 */
export function environmentReadsByFunction(): Record<FunctionId, Set<string>> {
  const ids = Object.keys(functions) as FunctionId[];
  const result = buildSync({
    entryPoints: Object.fromEntries(ids.map((id) => [id, path.join(PROJECT_ROOT, functions[id].entry)])),
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    outdir: path.join(PROJECT_ROOT, 'cdk.out', 'environment-reads'),
    format: 'esm',
    platform: 'node',
    packages: 'external',
    treeShaking: true,
    pure: ['lazy'],
    logLevel: 'silent',
  });
  const reads = {} as Record<FunctionId, Set<string>>;
  for (const output of result.outputFiles) {
    const id = path.basename(output.path, '.js') as FunctionId;
    reads[id] = namesReadIn(output.text);
  }
  return reads;
}

export function namesReadIn(code: string): Set<string> {
  const names = new Set<string>();
  for (const match of code.matchAll(/process\.env(?:\.([A-Za-z_][A-Za-z0-9_]*)|\[\s*["']([A-Za-z_][A-Za-z0-9_]*)["']\s*\])/g)) names.add((match[1] ?? match[2])!);
  // The bundler may rename the topology's `env` (env2, env3, …) when another module has an `env` too.
  for (const match of code.matchAll(/\benv\d*\.(\w+)(?:\(\s*(?:["'](\w+)["'])?)?/g)) {
    const key = match[1] as keyof typeof env;
    const value: unknown = env[key];
    if (typeof value === 'string') names.add(value);
    else if (typeof value === 'function') names.add(match[2] ? (value as (id: string) => string)(match[2]) : `${key}(*)`);
  }
  return names;
}
