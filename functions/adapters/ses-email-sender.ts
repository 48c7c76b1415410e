import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import type { EmailSender, SendResult } from '../domain/notification-deliverer.ts';
import type { EmailMessage } from '../domain/notification-messages.ts';

/** SES refusals another attempt cannot change: the message, the sender or the account is wrong, not the moment. */
const permanent = new Set([
  'BadRequestException',
  'MessageRejected',
  'MailFromDomainNotVerifiedException',
  'NotFoundException',
  'AccountSuspendedException',
  'SendingPausedException',
]);

/**
 * Sends with Amazon SES v2 `SendEmail` (simple content, UTF-8). The client's endpoint comes from the SDK's own
 * AWS_ENDPOINT_URL_SESV2, so locally the same code reaches the SES v2 emulator.
 */
export class SesEmailSender implements EmailSender {
  constructor(private readonly client: SESv2Client) {}

  async send(from: string, message: EmailMessage): Promise<SendResult> {
    try {
      await this.client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          Destination: { ToAddresses: [message.to] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: 'UTF-8' },
              Body: { Text: { Data: message.text, Charset: 'UTF-8' } },
            },
          },
        }),
      );
      return { ok: true };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      // A 4xx other than 429 (TooManyRequests) is the request's fault, whatever its name; 5xx and no answer are worth retrying.
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      const refused = permanent.has(name) || (status !== undefined && status >= 400 && status < 500 && status !== 429);
      // The SDK's message, never shown to clients: it goes to the function's log with the delivery.
      return { ok: false, retryable: !refused, reason: `${name}${status ? ` (${status})` : ''}: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}
