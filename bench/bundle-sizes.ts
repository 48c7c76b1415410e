/**
 * Bundle size and cold import time of every function: each entry is bundled as NodejsFunction bundles it, written to
 * a temporary directory and imported by a fresh Node.js process, which is the module-loading part of a cold start.
 * With `--baseline DIR` (another checkout, e.g. `git archive HEAD | tar -x -C DIR` plus a node_modules link), the
 * same entry of both is measured, imports alternating, so a busy machine slows both alike. Prints a Markdown table.
 *
 *   npx tsx bench/bundle-sizes.ts [--runs 7] [--only Health,GetOperation] [--baseline /tmp/before]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { functions, type FunctionId } from '../lib/topology.ts';
import { bundleFunction, bytesFrom, reportRendering, type FunctionBundle } from './function-bundle.ts';
import { describeMachine, machine } from './machine.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' }, only: { type: 'string' }, baseline: { type: 'string' } } });
const runs = Number(values.runs);
const only = values.only?.split(',');
const baseline = values.baseline ? path.resolve(values.baseline) : undefined;

/** The SDK clients a bundle may carry, by the package that holds each. */
const awsClients: Record<string, RegExp> = {
  DynamoDB: /node_modules\/@aws-sdk\/client-dynamodb\//,
  S3: /node_modules\/@aws-sdk\/client-s3\//,
  SFN: /node_modules\/@aws-sdk\/client-sfn\//,
  SQS: /node_modules\/@aws-sdk\/client-sqs\//,
};

/** Milliseconds from before `import()` to after it resolves, in a new process. */
function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH, AWS_REGION: 'us-east-1' } }));
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const kib = (bytes: number) => (bytes / 1024).toFixed(0);
const describe = (bundle: FunctionBundle) =>
  Object.entries(awsClients)
    .filter(([, pattern]) => bytesFrom(bundle, pattern) > 0)
    .map(([name]) => name)
    .join(' ') || '-';

const dir = mkdtempSync(path.join(tmpdir(), 'bundle-sizes-'));
const byEntry = new Map<string, FunctionId[]>();
for (const [id, def] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
  if (only && !only.includes(id)) continue;
  byEntry.set(def.entry, [...(byEntry.get(def.entry) ?? []), id]);
}
console.log(`${describeMachine(machine())}; median of ${runs} imports, each in a new process`);
if (baseline) {
  console.log('| function | bundle KiB before → after | report rendering KiB before → after | AWS clients before → after | cold import ms before → after |');
  console.log('|---|---:|---:|---|---:|');
} else {
  console.log('| function | bundle KiB | report rendering KiB | AWS clients | cold import ms |');
  console.log('|---|---:|---:|---|---:|');
}
try {
  for (const [entry, ids] of byEntry) {
    const after = await bundleFunction(entry);
    const afterFile = path.join(dir, `${ids[0]}.mjs`);
    writeFileSync(afterFile, after.code);
    if (!baseline) {
      const times = Array.from({ length: runs }, () => importMs(afterFile));
      console.log(`| ${ids.join(', ')} | ${kib(after.bytes)} | ${kib(bytesFrom(after, reportRendering))} | ${describe(after)} | ${median(times).toFixed(0)} |`);
      continue;
    }
    if (!existsSync(path.join(baseline, entry))) {
      console.log(`| ${ids.join(', ')} | new: ${kib(after.bytes)} | ${kib(bytesFrom(after, reportRendering))} | ${describe(after)} | |`);
      continue;
    }
    const before = await bundleFunction(entry, { root: baseline });
    const beforeFile = path.join(dir, `${ids[0]}.before.mjs`);
    writeFileSync(beforeFile, before.code);
    const beforeTimes: number[] = [];
    const afterTimes: number[] = [];
    for (let run = 0; run < runs; run += 1) {
      beforeTimes.push(importMs(beforeFile));
      afterTimes.push(importMs(afterFile));
    }
    console.log(
      `| ${ids.join(', ')} | ${kib(before.bytes)} → ${kib(after.bytes)} | ${kib(bytesFrom(before, reportRendering))} → ${kib(bytesFrom(after, reportRendering))} | ${describe(before)} → ${describe(after)} | ${median(beforeTimes).toFixed(0)} → ${median(afterTimes).toFixed(0)} |`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
