import { functions, type FunctionId, type RouteDefinition } from '../../lib/topology.ts';
import type { RouteContract } from '../middleware/http-route.ts';

const apiHandlers = 'functions/handlers/api/';

/**
 * The request schemas of each route's handler, read from the handler module itself (`httpRoute` attaches them),
 * so the document cannot list a schema the handler does not validate with.
 */
export async function loadRouteContracts(routes: readonly RouteDefinition[]): Promise<Map<FunctionId, RouteContract | undefined>> {
  const contracts = new Map<FunctionId, RouteContract | undefined>();
  for (const functionId of new Set(routes.map((route) => route.function))) {
    const entry = functions[functionId].entry;
    if (!entry.startsWith(apiHandlers) || !entry.endsWith('.ts')) throw new Error(`${functionId}: routed handlers live in ${apiHandlers}, not ${entry}`);
    const name = entry.slice(apiHandlers.length, -'.ts'.length);
    // A template import: the bundler includes every module of the handlers folder, so the deployed function finds them too.
    const module = (await import(`../handlers/api/${name}.ts`)) as { handler?: { contract?: RouteContract } };
    contracts.set(functionId, module.handler?.contract);
  }
  return contracts;
}
