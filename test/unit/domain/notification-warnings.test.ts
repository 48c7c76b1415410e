import { describe, expect, it } from 'vitest';
import { notificationWarnings } from '../../../functions/domain/notification-warnings.ts';

describe('notification warnings', () => {
  it('names each requested channel that is not delivered yet', () => {
    const warnings = notificationWarnings({ email: ['ops@example.com'], slack: { channel: '#ops' } }, 'body.notifications');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^body\.notifications\.email: /);
    expect(warnings[1]).toMatch(/^body\.notifications\.slack: /);
  });

  it('says nothing when no channel is requested', () => {
    expect(notificationWarnings(undefined, 'body.notifications')).toEqual([]);
    expect(notificationWarnings({ email: [] }, 'body.notifications')).toEqual([]);
  });
});
