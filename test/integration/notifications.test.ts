import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { documentStart } from './document-requests.ts';
import { call, createDataset, newProject, waitForStatus, type Project } from './client.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';

/** A message as the SES v2 emulator keeps it (`GET /store`). */
interface StoredEmail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string };
}

async function sesEmulator(): Promise<{ storeUrl: string; sender: string }> {
  const response = await fetch(`${inject('baseUrl')}/_local/ses`);
  expect(response.status).toBe(200);
  return (await response.json()) as { storeUrl: string; sender: string };
}

async function emailsAbout(storeUrl: string, operationId: string): Promise<StoredEmail[]> {
  const store = (await (await fetch(storeUrl)).json()) as { emails: StoredEmail[] };
  return store.emails.filter((email) => email.body.text?.includes(operationId));
}

/** Polls the operation until every asked-for channel has counted its messages (delivery is asynchronous), 30 s at most. */
async function waitForNotifications(project: Project, operationId: string, expected: { email: number; slack: number }) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const { body } = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    const n = body.notifications;
    const done = (n?.email?.deliveriesSuccessful ?? 0) + (n?.email?.deliveriesFailed ?? 0) >= expected.email && (n?.slack?.deliveriesSuccessful ?? 0) + (n?.slack?.deliveriesFailed ?? 0) >= expected.slack;
    if (done) return body;
    if (Date.now() > deadline) throw new Error(`notifications of ${operationId} not all counted: ${JSON.stringify(n)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const slackPosts = (receiver: LoopbackReceiver, operationId: string) =>
  receiver
    .messages()
    .filter((m) => m.path === '/slack' && m.body.includes(operationId))
    .map((m) => JSON.parse(m.body) as { channel: string; text: string; blocks: unknown[] });

describe('e-mail and Slack notifications', () => {
  let project: Project;
  let datasetId: string;
  let receiver: LoopbackReceiver;
  beforeAll(async () => {
    project = await newProject('notified');
    ({ datasetId } = await createDataset(project, 'running-example.xes', 'xes'));
    receiver = await startLoopbackReceiver();
  });
  afterAll(() => receiver.close());

  it('refuses notifications.slack while the project has no Slack integration, naming the field, and creates nothing', async () => {
    const started = await call('POST', `${project.base}/async/operation`, { token: project.token, body: documentStart(datasetId, receiver.base) });
    expect(started.status).toBe(409);
    expect(started.body.invalidParams).toEqual([{ name: 'body.notifications.slack', reason: expect.stringContaining('PUT async/integrations/slack') }]);
    const listed = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(listed.body.summary.totalOperations).toBe(0);
    expect((await call('GET', `${project.base}/async/integrations/slack`, { token: project.token })).status).toBe(404);
  });

  it('checks the Slack URL with the receiver guard at registration and never shows it', async () => {
    const refused = await call('PUT', `${project.base}/async/integrations/slack`, { token: project.token, body: { webhookUrl: 'https://10.0.0.1/services/T/B/x' } });
    expect(refused.status).toBe(400);
    expect(refused.body.invalidParams).toEqual([{ name: 'body.webhookUrl', reason: expect.stringContaining('private') }]);

    const put = await call('PUT', `${project.base}/async/integrations/slack`, { token: project.token, body: { webhookUrl: `${receiver.base}/slack` } });
    expect(put.status).toBe(200);
    const host = new URL(receiver.base).host;
    expect(put.body).toMatchObject({ projectId: project.projectId, configured: true, webhookHost: host });
    const read = await call('GET', `${project.base}/async/integrations/slack`, { token: project.token });
    expect(read.body).toEqual(put.body);
    expect(JSON.stringify(read.body)).not.toContain('/slack');
  });

  it("sends the document's notifications on failure, completion and cancellation: SES messages, Slack posts and counts", async () => {
    const ses = await sesEmulator();
    // As written: its January 2024 window leaves no event of this log, so it fails (not retryable).
    const failing = documentStart(datasetId, receiver.base);
    const completing = documentStart(datasetId, receiver.base);
    delete (completing.parameters as { timeWindow?: unknown }).timeWindow;
    completing.parameters.outputOptions.exportFormats = ['JSON'];
    const [failed, completed, cancelled] = await Promise.all(
      [failing, completing, completing].map(async (body) => {
        const started = await call('POST', `${project.base}/async/operation`, { token: project.token, body });
        expect(started.status, JSON.stringify(started.body)).toBe(202);
        expect(started.body.warnings).toBeUndefined();
        return started.body.operationId as string;
      }),
    );
    const cancel = await call('DELETE', `${project.base}/async/operation/${cancelled}`, { token: project.token, body: { reason: 'notification test', notifyCallbacks: false } });
    expect(cancel.status).toBe(200);

    for (const [operationId, status] of [
      [failed, 'Failed'],
      [completed, 'Completed'],
      [cancelled, 'Cancelled'],
    ] as const) {
      await waitForStatus(project, operationId!, [status], 90_000);
      const operation = await waitForNotifications(project, operationId!, { email: 2, slack: 1 });
      expect(operation.notifications).toEqual({
        email: { recipients: 2, deliveriesSuccessful: 2, deliveriesFailed: 0, lastDeliveryAt: expect.any(String) },
        slack: { channel: '#process-mining', mentionUsers: ['@analyst', '@data-team'], deliveriesSuccessful: 1, deliveriesFailed: 0, lastDeliveryAt: expect.any(String) },
      });

      const emails = await emailsAbout(ses.storeUrl, operationId!);
      expect(emails.map((e) => e.destination.to).sort()).toEqual([['analyst@company.com'], ['manager@company.com']]);
      for (const email of emails) {
        expect(email.from).toBe(ses.sender);
        expect(email.subject).toBe(`[Process mining] 包括的なカスタマージャーニー分析: ${status}`);
        expect(email.body.text).toContain(`Status: ${status}`);
      }

      const posts = slackPosts(receiver, operationId!);
      expect(posts).toHaveLength(1);
      expect(posts[0]!.channel).toBe('#process-mining');
      expect(posts[0]!.text).toContain(`@analyst @data-team`);
      expect(posts[0]!.text).toContain(`ended *${status}*`);
      if (status === 'Failed') {
        expect(emails[0]!.body.text).toContain('Error: NoEventsInWindow');
        expect(JSON.stringify(posts[0]!.blocks)).toContain('NoEventsInWindow');
      }
      if (status === 'Cancelled') expect(emails[0]!.body.text).toContain('notification test');
    }
  }, 150_000);

  it('removing the integration refuses Slack notifications again', async () => {
    expect((await call('DELETE', `${project.base}/async/integrations/slack`, { token: project.token })).status).toBe(204);
    expect((await call('DELETE', `${project.base}/async/integrations/slack`, { token: project.token })).status).toBe(404);
    const started = await call('POST', `${project.base}/async/operation`, { token: project.token, body: documentStart(datasetId, receiver.base) });
    expect(started.status).toBe(409);
  });
});
