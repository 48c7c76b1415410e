import { call } from './client.ts';
import type { FuzzRequest } from './fuzz-arbitraries.ts';
import { check, describeRequest, leakIn, send, type Finding } from './fuzz-checks.ts';
import { routeKey, type ProjectFixture } from './project-fixture.ts';
import { differences, snapshotProject, type KnownIds, type ProjectState } from './project-snapshot.ts';

export interface FuzzTally {
  findings: Finding[];
  sent: number;
  perRoute: Map<string, number>;
  statuses: Map<number, number>;
  /** Runs whose writing requests were all refused, so their before and after snapshots had to be equal. */
  comparedRuns: number;
  snapshotMs: number;
  /** One line per request (status and request), kept only when asked for. */
  log: string[];
}

/**
 * Sends the planned runs to the local stack and checks every answer. The requests of a run go out together; when
 * every writing request of a run was refused, the project's snapshot after the run must equal the one before.
 */
export async function runFuzz(plan: FuzzRequest[][], fixture: ProjectFixture, keepLog = false): Promise<FuzzTally> {
  const tally: FuzzTally = { findings: [], sent: 0, perRoute: new Map(), statuses: new Map(), comparedRuns: 0, snapshotMs: 0, log: [] };
  const known: KnownIds = { batchIds: [fixture.ids.batchId!], webhookIds: [fixture.ids.webhookId!], subscriptionIds: [fixture.ids.subscriptionId!] };
  const snapshot = async () => {
    const started = Date.now();
    const { state, texts } = await snapshotProject(fixture.owner, fixture.ids, known);
    tally.snapshotMs += Date.now() - started;
    // What the project stores (e.g. an operation's error) reaches clients too: it must not name internals either.
    for (const text of texts) if (leakIn(text, '')) tally.findings.push({ kind: 'leak', route: 'snapshot', request: 'GET (project snapshot)', response: text.slice(0, 600) });
    return state;
  };

  let before: ProjectState = await snapshot();
  for (const run of plan) {
    let wrote = false;
    const refused: FuzzRequest[] = [];
    const outcomes = await Promise.all(
      run.map((request) =>
        send(request, fixture.receiverUrl('/sanitised')).catch((error: unknown) => {
          tally.findings.push({ kind: 'transport', route: routeKey(request.route), request: describeRequest(request), response: String(error) });
          return undefined;
        }),
      ),
    );
    for (const [i, request] of run.entries()) {
      const outcome = outcomes[i];
      if (!outcome) continue;
      tally.sent += 1;
      if (keepLog) tally.log.push(`${outcome.status} ${describeRequest(request, 200)}`);
      tally.perRoute.set(routeKey(request.route), (tally.perRoute.get(routeKey(request.route)) ?? 0) + 1);
      tally.statuses.set(outcome.status, (tally.statuses.get(outcome.status) ?? 0) + 1);
      tally.findings.push(...check(request, outcome));
      if (request.method === 'GET') continue;
      if (outcome.status >= 400) {
        refused.push(request);
        continue;
      }
      wrote = true;
      await stopStarted(fixture, outcome.json);
      // Only what the canonical path created is the owner's to snapshot (another spelling may be another namespace).
      if (!request.url.startsWith(`${fixture.owner.base}/`)) continue;
      for (const [field, list] of [['batchId', known.batchIds], ['webhookId', known.webhookIds], ['subscriptionId', known.subscriptionIds]] as const) {
        const id = outcome.json?.[field];
        if (typeof id === 'string' && !list.includes(id)) list.push(id);
      }
    }
    // A run of GETs writes nothing the snapshot reads; reading it again would only cost time.
    if (!run.some((request) => request.method !== 'GET')) continue;
    const after = await snapshot();
    if (!wrote) {
      tally.comparedRuns += 1;
      const changed = differences(before, after);
      if (changed.length) {
        tally.findings.push({
          kind: 'partial write',
          route: refused.map((r) => routeKey(r.route)).join(' + '),
          request: refused.map((r) => describeRequest(r, 300)).join('\n    '),
          response: changed.join('\n    '),
        });
      }
    }
    before = after;
  }
  return tally;
}

/**
 * Operations a fuzzed request started are cancelled at once: phases run in the local stack's process, and a queue
 * of analyses would slow every later request down without testing anything the fuzz checks.
 */
async function stopStarted(fixture: ProjectFixture, body: any) {
  const started = [body?.operationId, ...(Array.isArray(body?.operations) ? body.operations.map((o: any) => o?.operationId) : [])];
  for (const id of started.filter((x): x is string => typeof x === 'string')) {
    await call('DELETE', `${fixture.owner.base}/async/operation/${id}`, { token: fixture.owner.token, body: { reason: 'fuzz cleanup', notifyCallbacks: false } });
  }
}

/** Findings grouped by kind and cause (status and detail), with the routes they hit and one example each. */
export function summarise(findings: Finding[]): string {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) {
    const detail = /^(\d+) \S* (.*)$/s.exec(finding.response);
    const cause = detail ? `${detail[1]} ${/"detail":"([^"]*)"/.exec(detail[2]!)?.[1] ?? ''}`.trim() : '';
    const key = `${finding.kind}${cause ? ` (${cause})` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), finding]);
  }
  return [...groups]
    .map(([key, list]) => {
      const routes = [...new Set(list.map((f) => f.route))];
      return `- ${key}: ${list.length}× on ${routes.length} route(s): ${routes.join(', ')}\n    e.g. request: ${list[0]!.request}\n    response: ${list[0]!.response}`;
    })
    .join('\n');
}
