import { humanDuration } from './durations.ts';
import { progressOf } from './progress.ts';
import type { OperationRecord } from './records.ts';
import { trackingUrl } from './views/operation-view.ts';

/** One e-mail, to one recipient: plain text, so every mail client shows it the same. */
export interface EmailMessage {
  to: string;
  subject: string;
  text: string;
}

/** A Slack incoming-webhook message (https://api.slack.com/messaging/webhooks): `text` is the fallback, `blocks` the layout. */
export interface SlackMessage {
  channel: string;
  text: string;
  blocks: Array<Record<string, unknown>>;
}

/** The outcome in a sentence: how it ended and why, from the stored record only. */
function outcomeLines(op: OperationRecord): string[] {
  const progress = progressOf(op);
  const lines = [`Status: ${op.status} (${progress.percentage}%, ${progress.phasesCompleted} of ${progress.totalPhases} phases completed)`];
  if (op.error) lines.push(`Error: ${op.error.error}: ${op.error.cause}`);
  if (op.status === 'Cancelled' && op.cancellation) {
    lines.push(`Cancelled by ${op.cancellation.cancelledBy}${op.cancellation.reason ? `: ${op.cancellation.reason}` : ''}`);
  }
  if (op.startTime) lines.push(`Run time: ${humanDuration(Math.max(0, Date.parse(op.endTime ?? op.startTime) - Date.parse(op.startTime)))}`);
  if (op.processedRecords !== undefined) lines.push(`Records processed: ${op.processedRecords}`);
  return lines;
}

/** `link` is the operation's status URL (absolute where the deployment knows its base URL). */
export function emailMessage(op: OperationRecord, to: string, link = trackingUrl(op)): EmailMessage {
  return {
    to,
    subject: `[Process mining] ${op.operationName}: ${op.status}`,
    text: [
      `The operation "${op.operationName}" (${op.operationType}, ${op.operationId}) ended ${op.status}${op.endTime ? ` at ${op.endTime}` : ''}.`,
      '',
      ...outcomeLines(op),
      `Priority: ${op.priority}; submitted by ${op.submittedBy} at ${op.dateCreated}`,
      `Status and results: ${link}`,
      '',
      'You receive this because the operation was started with notifications.email naming this address.',
    ].join('\n'),
  };
}

/** Slack reads `&`, `<` and `>` as markup: text from the request is escaped so it shows as written. */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A mention as Slack renders one: member ids (`U…`/`W…`, with or without `@`) become `<@ID>`, `@here`, `@channel` and
 * `@everyone` their special mentions; any other name is shown as written (Slack resolves no plain-text names).
 */
export function slackMention(user: string): string {
  const name = user.replace(/^@/, '');
  if (/^[UW][A-Z0-9]{6,}$/.test(name)) return `<@${name}>`;
  if (['here', 'channel', 'everyone'].includes(name)) return `<!${name}>`;
  return slackEscape(user.startsWith('@') ? user : `@${user}`);
}

const statusEmoji: Partial<Record<OperationRecord['status'], string>> = {
  Completed: ':white_check_mark:',
  Failed: ':x:',
  Timeout: ':hourglass:',
  Cancelled: ':no_entry_sign:',
};

export function slackMessage(op: OperationRecord, slack: { channel: string; mentionUsers?: string[] }, link = trackingUrl(op)): SlackMessage {
  const mentions = (slack.mentionUsers ?? []).map(slackMention).join(' ');
  const headline = `${statusEmoji[op.status] ?? ''} Operation *${slackEscape(op.operationName)}* ended *${op.status}*`.trim();
  const text = `${mentions ? `${mentions} ` : ''}${headline}`;
  return {
    channel: slack.channel,
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      { type: 'section', text: { type: 'mrkdwn', text: outcomeLines(op).map(slackEscape).join('\n') } },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: slackEscape(`${op.operationType} · ${op.operationId} · ${link}`) }],
      },
    ],
  };
}
