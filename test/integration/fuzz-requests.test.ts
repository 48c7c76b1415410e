import { writeFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from './client.ts';
import { forgedCursors, fuzzRequest, type FuzzContext } from './fuzz-arbitraries.ts';
import { runFuzz, summarise } from './fuzz-runner.ts';
import { hasOffMachineUrl, isOffMachineUrl, keepReceiversOnLoopback, startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';
import { bodyMethods, buildProjectFixture, fillPath, routeKey, strangerOf, type ProjectFixture } from './project-fixture.ts';
import { declaredQueryKeysOf } from './route-inputs.ts';
import { routes } from '../../lib/topology.ts';

/**
 * Property-based fuzzing of every route in the topology (new routes are picked up from `routes`): hostile paths,
 * query strings, headers and bodies, mostly mutations of a valid request so they get past the first check.
 * The stack is stateful and slow to reset, so instead of shrinking one counterexample the suite records every
 * violation with its request and fails once with all of them; the seed replays the same requests.
 *
 * Properties: never a 5xx; every 4xx is problem+json with status and title (and invalidParams for a 400); no
 * answer names an internal error or shows a stack; a run of refused requests leaves the project as it was.
 * Nothing leaves the machine: receiver URLs in generated bodies are loopback ones or malformed (see `send`).
 *
 * FUZZ_SEED and FUZZ_RUNS change the plan; FUZZ_REPORT=<file> writes every finding, FUZZ_LOG=<file> every request.
 */
const seed = Number(process.env.FUZZ_SEED ?? 20_261_125);
/** Runs of 1–8 requests each: about 1,300 requests, 15–40 s on a 2-core machine depending on its load. */
const runs = Number(process.env.FUZZ_RUNS ?? 300);

describe('fuzzed requests on every route', () => {
  let receiver: LoopbackReceiver;
  let fixture: ProjectFixture;
  let context: FuzzContext;
  /** Routes that page with a cursor, and a genuine cursor of each (the fixture holds two of everything listed). */
  const pagedRoutes = routes.filter((route) => route.method === 'GET' && declaredQueryKeysOf(route).includes('nextToken'));
  const cursors = new Map<string, string>();

  beforeAll(async () => {
    receiver = await startLoopbackReceiver();
    fixture = await buildProjectFixture(receiver, 'fuzz');
    const stranger = await strangerOf(fixture.owner, false);
    for (const route of pagedRoutes) {
      const page = await call('GET', `${fillPath(route.path, fixture.idsFor(route))}?pageSize=1`, { token: fixture.owner.token });
      if (typeof page.body?.nextToken === 'string') cursors.set(routeKey(route), page.body.nextToken);
    }
    context = { routes, fixture, ownerToken: fixture.owner.token, strangerToken: stranger.token, genuineNextTokens: [...cursors.values()] };
  }, 90_000);

  afterAll(async () => {
    await receiver?.close();
  });

  it('can send no receiver URL off this machine', () => {
    for (const url of ['https://169.254.169.254/latest/meta-data/', 'https://10.0.0.1/', 'http://example.com/', ' https://example.com ', 'https:\\\\example.com', 'ftp://x.example/', 'https://127.0.0.1.nip.io/', 'https://[::ffff:10.0.0.1]/']) {
      expect(isOffMachineUrl(url), url).toBe(true);
    }
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost/', 'http://[::1]:1/', 'http://2130706433/', 'not a url', 'https://exa mple.com/', 'https://example.com:65536/']) {
      expect(isOffMachineUrl(url), url).toBe(false);
    }
    const body = { webhookUrl: 'https://10.0.0.1/', nested: [{ onError: 'http://example.com/x' }], keep: fixture.receiverUrl('/x') };
    const { value } = keepReceiversOnLoopback(body, fixture.receiverUrl('/sanitised'));
    expect(hasOffMachineUrl(value)).toBe(false);
    expect(value).toMatchObject({ keep: fixture.receiverUrl('/x') });
  });

  it('has a valid seed body for every route that takes one', async () => {
    const missing = routes.filter((route) => bodyMethods.has(route.method) && fixture.seedBody(route) === undefined).map(routeKey);
    expect(missing, 'add a seed body for these routes to test/integration/project-fixture.ts').toEqual([]);
    // A seed that the route refuses would make every mutation of it test validation only.
    for (const route of routes.filter((r) => bodyMethods.has(r.method))) {
      const response = await call(route.method, fillPath(route.path, fixture.idsFor(route)), { token: fixture.owner.token, body: fixture.seedBody(route) });
      expect(response.status, `${routeKey(route)}: ${JSON.stringify(response.body).slice(0, 400)}`).toBeLessThan(300);
    }
  });

  it('refuses forged and truncated cursors on every paged route with 400', async () => {
    expect(pagedRoutes.length).toBeGreaterThan(0);
    const accepted: string[] = [];
    for (const route of pagedRoutes) {
      const genuine = cursors.get(routeKey(route));
      expect(genuine, `${routeKey(route)} gave no cursor for a page of one`).toEqual(expect.any(String));
      for (const forged of forgedCursors(genuine)) {
        const response = await call('GET', `${fillPath(route.path, fixture.idsFor(route))}?nextToken=${encodeURIComponent(forged)}`, { token: fixture.owner.token }).catch((error: Error) => ({
          status: 0,
          headers: new Headers(),
          body: error.message,
        }));
        const named = response.body?.invalidParams?.some((p: { name: string }) => p.name === 'query.nextToken');
        if (response.status !== 400 || !named) accepted.push(`${routeKey(route)} nextToken=${forged.slice(0, 80)} → ${response.status} ${JSON.stringify(response.body).slice(0, 200)}`);
      }
    }
    expect(accepted, 'cursors that were not refused as query.nextToken').toEqual([]);
  });

  it(`never answers 5xx, always problem+json, leaks nothing and writes nothing when it refuses (seed ${seed}, ${runs} runs)`, async () => {
    const plan = fc.sample(fc.array(fuzzRequest(context), { minLength: 1, maxLength: 8 }), { seed, numRuns: runs });
    const tally = await runFuzz(plan, fixture, Boolean(process.env.FUZZ_LOG));

    const byKind = new Map<string, number>();
    for (const finding of tally.findings) byKind.set(finding.kind, (byKind.get(finding.kind) ?? 0) + 1);
    console.log(
      `fuzz: seed ${seed}, ${runs} runs, ${tally.sent} requests over ${tally.perRoute.size} routes, ${tally.comparedRuns} runs compared for partial writes ` +
        `(${Math.round(tally.snapshotMs / 1000)} s of snapshots); statuses ${JSON.stringify(Object.fromEntries([...tally.statuses].sort((a, b) => a[0] - b[0])))}; ` +
        `findings ${JSON.stringify(Object.fromEntries(byKind))}; the loopback receiver got ${receiver.received()} deliveries`,
    );
    if (process.env.FUZZ_REPORT) await writeFile(process.env.FUZZ_REPORT, JSON.stringify(tally.findings, null, 2));
    if (process.env.FUZZ_LOG) await writeFile(process.env.FUZZ_LOG, tally.log.join('\n'));

    // Every route was exercised, so a new route cannot slip through unfuzzed.
    const unfuzzed = routes.map(routeKey).filter((key) => (tally.perRoute.get(key) ?? 0) < 10);
    expect(unfuzzed, 'routes with fewer than 10 fuzzed requests: raise FUZZ_RUNS').toEqual([]);
    expect(tally.findings.length, `FUZZ_SEED=${seed} FUZZ_RUNS=${runs} replays these:\n${summarise(tally.findings)}`).toBe(0);
  }, 240_000);
});
