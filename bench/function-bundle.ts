/**
 * Builds one function's entry as CDK's NodejsFunction does (lib/constructs/functions.ts: ESM, node target, minified,
 * the SDK bundled, the createRequire banner), in memory, with esbuild's metafile: what each function ships.
 */
import * as path from 'node:path';
import { build, type Metafile } from 'esbuild';
import { LAMBDA_NODE_MAJOR } from '../lib/topology.ts';

export const projectRoot = path.resolve(import.meta.dirname, '..');

export interface FunctionBundle {
  /** The bundle's JavaScript, as deployed (no source map). */
  code: string;
  bytes: number;
  /** Input files (relative to the project root) that contributed bytes to the output. */
  inputs: string[];
  metafile: Metafile;
}

/** NodejsFunction's esbuild options (lib/constructs/functions.ts), bar where the output goes. */
const nodejsFunctionOptions = {
  absWorkingDir: projectRoot,
  bundle: true,
  write: false as const,
  platform: 'node' as const,
  format: 'esm' as const,
  target: `node${LAMBDA_NODE_MAJOR}`,
  mainFields: ['module', 'main'],
  banner: { js: "import { createRequire as __cdkCreateRequire } from 'node:module'; const require = __cdkCreateRequire(import.meta.url);" },
  metafile: true as const,
  logLevel: 'silent' as const,
};

/** `root`: another checkout of the project (a baseline), whose own node_modules resolve its imports. */
export async function bundleFunction(entry: string, options: { minify?: boolean; root?: string } = {}): Promise<FunctionBundle> {
  const root = options.root ?? projectRoot;
  const result = await build({
    ...nodejsFunctionOptions,
    absWorkingDir: root,
    entryPoints: [path.join(root, entry)],
    minify: options.minify ?? true,
    outfile: path.join(root, 'cdk.out', 'bundle-measure', 'index.mjs'),
  });
  const output = result.outputFiles.find((file) => file.path.endsWith('.mjs'))!;
  const [meta] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(meta!.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([file]) => file);
  return { code: output.text, bytes: output.contents.byteLength, inputs, metafile: result.metafile };
}

/**
 * Writes one entry's bundle as CDK deploys it: NodejsFunction's options, minified, with the
 * external source map (`sourceMap: true`, `sourcesContent: false`) that the functions'
 * `--enable-source-maps` reads. Returns the bundle's path (`outfile`).
 */
export async function writeFunctionBundle(entry: string, outfile: string): Promise<string> {
  await build({
    ...nodejsFunctionOptions,
    entryPoints: [path.join(projectRoot, entry)],
    write: true,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    outfile,
  });
  return outfile;
}

/** Heavy report-rendering packages (and the fonts they embed) that only the report phase needs. */
export const reportRendering = /node_modules\/(pdfkit|svg-to-pdfkit|fontkit|@hpcc-js\/wasm-graphviz|pptxgenjs|jszip|@expo-google-fonts|linebreak|png-js|jpeg-exif)\//;

/** Bytes of the bundle contributed by input files matching a pattern. */
export function bytesFrom(bundle: FunctionBundle, pattern: RegExp): number {
  const [meta] = Object.values(bundle.metafile.outputs);
  return Object.entries(meta!.inputs)
    .filter(([file]) => pattern.test(file))
    .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
}

/**
 * The input files each entry's bundle takes code from, for many entries in one esbuild run (as fast as one entry
 * on two cores); not minified, which changes sizes but not what is included.
 */
export async function bundledInputs(entries: readonly string[]): Promise<Map<string, string[]>> {
  const result = await build({
    ...nodejsFunctionOptions,
    entryPoints: Object.fromEntries(entries.map((entry, i) => [`entry${i}`, path.join(projectRoot, entry)])),
    outdir: path.join(projectRoot, 'cdk.out', 'bundle-measure'),
    outExtension: { '.js': '.mjs' },
  });
  const byEntry = new Map<string, string[]>();
  for (const output of Object.values(result.metafile.outputs)) {
    if (!output.entryPoint) continue;
    const entry = path.relative(projectRoot, path.resolve(projectRoot, output.entryPoint));
    byEntry.set(entry, Object.entries(output.inputs).filter(([, input]) => input.bytesInOutput > 0).map(([file]) => file));
  }
  return byEntry;
}
