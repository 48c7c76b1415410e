import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type ApiResponse, type Project } from './client.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';
import { bodyMethods, buildProjectFixture, fillPath, routeKey, strangerOf, type ProjectFixture } from './project-fixture.ts';
import { differences, snapshotProject, type ProjectState } from './project-snapshot.ts';
import { routes, type RouteDefinition } from '../../lib/topology.ts';

/**
 * Every authorized route in the topology (new routes are covered without new tests), on a project holding one
 * resource of every kind:
 * - another tenant's token, and a token for another project of the same tenant, get 404 and change nothing,
 *   whatever the letter case of the owner's ids in the path, and also with their own tenant and project in the
 *   path around the owner's resource ids;
 * - the owner's token reaches the same resources under any letter case: identifiers are canonical, so one
 *   project is one namespace.
 */
const spellings = {
  'lower-case': (id: string) => id,
  'upper-case': (id: string) => id.toUpperCase(),
  'mixed-case': (id: string) => [...id].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''),
} as const;
type Spelling = keyof typeof spellings;

const spell = (ids: Record<string, string>, spelling: Spelling) => Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, spellings[spelling](id)]));
const authorized = routes.filter((route) => route.authorized);
const strangers = ['another tenant', 'another project of the same tenant'] as const;

describe('tenant isolation on every route', () => {
  let receiver: LoopbackReceiver;
  let fixture: ProjectFixture;
  const others = new Map<string, Project>();
  let before: ProjectState;

  beforeAll(async () => {
    receiver = await startLoopbackReceiver();
    fixture = await buildProjectFixture(receiver);
    others.set(strangers[0], await strangerOf(fixture.owner, false));
    others.set(strangers[1], await strangerOf(fixture.owner, true));
    before = (await snapshotProject(fixture.owner, fixture.ids, knownOf(fixture))).state;
  }, 90_000);

  afterAll(async () => {
    await receiver?.close();
  });

  describe.each(strangers)('with a token for %s', (who) => {
    it.each(authorized.map((route) => [routeKey(route), route] as const))('%s answers 404 under every spelling', async (_, route) => {
      const stranger = others.get(who)!;
      const ids = fixture.idsFor(route);
      const wrong: string[] = [];
      const attempts: [string, Record<string, string>][] = [
        ...Object.keys(spellings).map((s) => [`the owner's ids, ${s}`, spell(ids, s as Spelling)] as [string, Record<string, string>]),
        // Its own tenant and project around the owner's resource ids: a lookup must be scoped by project, not by id alone.
        ...Object.keys(spellings).map(
          (s) => [`its own project around the owner's ids, ${s}`, spell({ ...ids, tenantId: stranger.tenantId, projectId: stranger.projectId }, s as Spelling)] as [string, Record<string, string>],
        ),
      ];
      for (const [label, values] of attempts) {
        if (label.startsWith('its own') && !/\{(?!tenantId|projectId)\w+\}/.test(route.path)) continue;
        const response = await send(route, values, stranger.token, fixture);
        if (response.status !== 404 || response.headers.get('content-type') !== 'application/problem+json') {
          wrong.push(`${label}: ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  });

  it("left the owner's project as it was", async () => {
    const after = (await snapshotProject(fixture.owner, fixture.ids, knownOf(fixture))).state;
    expect(differences(before, after)).toEqual([]);
  });

  describe('with the owner token', () => {
    it.each(authorized.filter((r) => r.method === 'GET').map((route) => [routeKey(route), route] as const))('%s reaches the same resource under every spelling', async (_, route) => {
      const ids = fixture.idsFor(route);
      const canonical = await send(route, ids, fixture.owner.token, fixture);
      expect(canonical.status, JSON.stringify(canonical.body).slice(0, 300)).toBe(200);
      for (const spelling of ['upper-case', 'mixed-case'] as const) {
        const response = await send(route, spell(ids, spelling), fixture.owner.token, fixture);
        expect(response.status, `${spelling}: ${JSON.stringify(response.body).slice(0, 300)}`).toBe(200);
        expect(identityOf(response.body), spelling).toEqual(identityOf(canonical.body));
      }
    });

    it.each(authorized.filter((r) => bodyMethods.has(r.method)).map((route) => [routeKey(route), route] as const))(
      '%s under an upper-case path writes into the same project',
      async (_, route) => {
        const response = await send(route, spell(fixture.idsFor(route), 'upper-case'), fixture.owner.token, fixture);
        expect(response.status, JSON.stringify(response.body).slice(0, 300)).toBeLessThan(300);
        // Whatever it created is found under the canonical (lower-case) path.
        for (const [field, id] of Object.entries(response.body ?? {})) {
          const reader = authorized.find((r) => r.method === 'GET' && r.path.endsWith(`{${field}}`));
          if (typeof id !== 'string' || !reader || field === 'jobId') continue;
          const found = await call('GET', fillPath(reader.path, { ...fixture.ids, [field]: id }), { token: fixture.owner.token });
          expect(found.status, `${field} ${id} under the canonical path: ${JSON.stringify(found.body).slice(0, 200)}`).toBe(200);
        }
        if (typeof response.body?.operationId === 'string') await cancel(fixture, response.body.operationId);
        for (const op of response.body?.operations ?? []) if (typeof op?.operationId === 'string') await cancel(fixture, op.operationId);
      },
    );

    it.each(authorized.filter((r) => r.method === 'DELETE').map((route) => [routeKey(route), route] as const))(
      '%s under an upper-case path acts on the same resource',
      async (_, route) => {
        const target = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).pop()!;
        const ids = { ...fixture.ids, [target]: await fixture.fresh(target) };
        const first = await send(route, spell(ids, 'upper-case'), fixture.owner.token, fixture);
        expect(first.status, String(JSON.stringify(first.body)).slice(0, 300)).toBeLessThan(300);
        // Done once, under the canonical path it cannot be done again: it was the same resource.
        const again = await send(route, ids, fixture.owner.token, fixture);
        expect([404, 409], String(JSON.stringify(again.body)).slice(0, 300)).toContain(again.status);
      },
    );

    it('counts one project once: summary and lists agree under every spelling', async () => {
      const lower = await call('GET', `${fixture.owner.base}/async/operations?pageSize=100`, { token: fixture.owner.token });
      const upper = await call('GET', `/api/${fixture.owner.tenantId.toUpperCase()}/${fixture.owner.projectId.toUpperCase()}/async/operations?pageSize=100`, { token: fixture.owner.token });
      expect(upper.status).toBe(200);
      expect(upper.body.summary.totalOperations).toBe(lower.body.summary.totalOperations);
      expect(identityOf(upper.body)).toEqual(identityOf(lower.body));
    });
  });
});

function knownOf(fixture: ProjectFixture) {
  return { batchIds: [fixture.ids.batchId!], webhookIds: [fixture.ids.webhookId!], subscriptionIds: [fixture.ids.subscriptionId!] };
}

/** Calls a route with the given ids and, where it takes one, its valid body: only the path can make it fail. */
function send(route: RouteDefinition, values: Record<string, string>, token: string, fixture: ProjectFixture): Promise<ApiResponse> {
  const body = bodyMethods.has(route.method) || route.method === 'DELETE' ? fixture.seedBody(route) : undefined;
  return call(route.method, fillPath(route.path, values), { token, ...(body !== undefined ? { body } : {}) });
}

async function cancel(fixture: ProjectFixture, operationId: string) {
  await call('DELETE', `${fixture.owner.base}/async/operation/${operationId}`, { token: fixture.owner.token, body: { notifyCallbacks: false } });
}

/**
 * What names a response's resource: its id fields, and the ids of the items it lists, in the canonical case.
 * Progress, statistics and timestamps move while the test runs; identity does not.
 */
function identityOf(body: any): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body ?? {})) {
    if (/Id$/.test(key) && typeof value === 'string') out[key] = value.toLowerCase();
    if (Array.isArray(value)) {
      out[key] = value
        .map((item) => Object.entries(item ?? {}).find(([k, v]) => /Id$/.test(k) && typeof v === 'string')?.[1])
        .filter((id): id is string => typeof id === 'string')
        .map((id) => id.toLowerCase())
        .sort();
    }
  }
  return out;
}
