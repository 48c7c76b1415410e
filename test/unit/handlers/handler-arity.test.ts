import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { functions } from '../../../lib/topology.ts';
import { FunctionRuntime, isCallbackStyle } from '../../../local/function-runtime.ts';

describe('every function handler', () => {
  it('has the (event, context) shape the Node.js 24 runtime accepts', async () => {
    const callbackStyle: string[] = [];
    for (const [id, def] of Object.entries(functions)) {
      const { handler } = (await import(`../../../${def.entry}`)) as { handler: (...args: never[]) => unknown };
      expect(typeof handler, id).toBe('function');
      if (isCallbackStyle(handler)) callbackStyle.push(id);
    }
    expect(callbackStyle).toEqual([]);
  }, 60_000);

  it('the check would see one: the local runtime refuses a handler with a callback parameter, as Lambda does', async () => {
    const roots: string[] = [];
    // Each handler in a root of its own: the module cache keeps the first module loaded from a path.
    const runtimeWith = (source: string) => {
      const root = mkdtempSync(join(tmpdir(), 'handler-arity-'));
      roots.push(root);
      const entry = join(root, functions.Health.entry);
      mkdirSync(dirname(entry), { recursive: true });
      writeFileSync(entry, source);
      return new FunctionRuntime(root);
    };
    try {
      const callbackStyle = runtimeWith('export const handler = async (event, context, callback) => ({ statusCode: 200 });\n');
      await expect(callbackStyle.invoke('Health', {})).rejects.toMatchObject({ name: 'Runtime.CallbackHandlerDeprecated' });
      const promiseStyle = runtimeWith('export const handler = async (event, context) => ({ statusCode: 200 });\n');
      await expect(promiseStyle.invoke('Health', {})).resolves.toEqual({ statusCode: 200 });
    } finally {
      for (const root of roots) rmSync(root, { recursive: true, force: true });
    }
  });
});
