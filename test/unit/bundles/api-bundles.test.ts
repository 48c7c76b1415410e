import { describe, expect, it } from 'vitest';
import { bundledInputs, reportRendering } from '../../../bench/function-bundle.ts';
import { functions, methodNotAllowedFunction, routes, type FunctionId } from '../../../lib/topology.ts';

/** Every function API Gateway invokes: the routes' handlers, the 405 handler and the authorizer. */
const apiFunctions = [...new Set<FunctionId>([...routes.map((route) => route.function), methodNotAllowedFunction, 'Authorizer'])];
const entries = [...new Set(apiFunctions.map((id) => functions[id].entry))];

describe('API function bundles', () => {
  it('carry no report rendering: pdfkit, fonts, Graphviz, pptxgenjs, or the report module', async () => {
    const inputs = await bundledInputs(entries);
    expect([...inputs.keys()].sort()).toEqual([...entries].sort());
    const offending = [...inputs].flatMap(([entry, files]) =>
      files.filter((file) => reportRendering.test(file) || /functions\/mining\/report\//.test(file) || /\.(ttf|otf|wasm)$/.test(file)).map((file) => `${entry}: ${file}`),
    );
    expect(offending).toEqual([]);
  });

  it('copy no font files into their packages', () => {
    for (const id of apiFunctions) expect(functions[id].bundledFiles?.filter((file) => /\.(ttf|otf)$/.test(file)) ?? [], id).toEqual([]);
  });

  it('the check would see them: the phase function bundles the renderers', async () => {
    const inputs = await bundledInputs([functions.RunPhase.entry]);
    expect(inputs.get(functions.RunPhase.entry)!.filter((file) => reportRendering.test(file)).length).toBeGreaterThan(0);
  });
});
