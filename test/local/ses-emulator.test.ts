import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSes, type SesEmulator } from '../../local/emulators/ses.ts';
import { SesEmailSender } from '../../functions/adapters/ses-email-sender.ts';

describe('the local SES v2 emulator', () => {
  let ses: SesEmulator;
  let client: SESv2Client;
  beforeAll(async () => {
    ses = await startSes();
    client = new SESv2Client({ endpoint: ses.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
  });
  afterAll(async () => {
    client.destroy();
    await ses.stop();
  });

  it('listens on loopback only and keeps what the adapter sends, UTF-8 intact', async () => {
    expect(ses.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sent = await new SesEmailSender(client).send('notifications@process-mining.localhost', { to: 'analyst@company.com', subject: '[Process mining] 分析: Completed', text: 'Status: Completed' });
    expect(sent).toEqual({ ok: true });
    const store = (await (await fetch(ses.storeUrl)).json()) as { emails: Array<{ from: string; destination: { to: string[] }; subject: string; body: { text: string } }> };
    expect(store.emails).toEqual([
      expect.objectContaining({ from: 'notifications@process-mining.localhost', destination: expect.objectContaining({ to: ['analyst@company.com'] }), subject: '[Process mining] 分析: Completed', body: expect.objectContaining({ text: 'Status: Completed' }) }),
    ]);
    expect((await fetch(ses.viewerUrl)).status).toBe(200);
  });

  it('reports a refusal as a result, never a throw: a malformed request is not retried', async () => {
    // No sender address: the emulator answers 400, as SES does, and another attempt cannot fix it.
    const refused = await new SesEmailSender(client).send('', { to: 'analyst@company.com', subject: 's', text: 't' });
    expect(refused).toMatchObject({ ok: false, retryable: false, reason: expect.stringContaining('(400)') });
    // Nothing answers: worth another attempt.
    const closed = new SESv2Client({ endpoint: 'http://127.0.0.1:9', region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 1 });
    expect(await new SesEmailSender(closed).send('n@example.com', { to: 'analyst@company.com', subject: 's', text: 't' })).toMatchObject({ ok: false, retryable: true });
    closed.destroy();
    await expect(client.send(new SendEmailCommand({ Content: { Simple: { Subject: { Data: 's' }, Body: { Text: { Data: 't' } } } } }))).rejects.toThrow();
  });
});
