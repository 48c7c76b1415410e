import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidCursorError, SealedCursors, type CursorBinding } from '../../../functions/domain/cursors.ts';

const key = randomBytes(32);
const codec = new SealedCursors(async () => key);
const binding: CursorBinding = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222', route: 'datasets' };
const position = { pk: `T#${binding.tenantId}#P#${binding.projectId}`, sk: 'DS#33333333-3333-4333-8333-333333333333' };

async function refusal(token: string, where: CursorBinding = binding) {
  const error = await codec.open(token, where).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(InvalidCursorError);
  return error as InvalidCursorError;
}

describe('SealedCursors', () => {
  it('opens what it sealed, and the token reveals nothing of the position', async () => {
    const token = await codec.seal(position, binding);
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('DS#');
    expect(await codec.open(token, binding)).toEqual(position);
    // A fresh IV each time: two cursors of one position differ.
    expect(await codec.seal(position, binding)).not.toBe(token);
  });

  it('refuses a token with any byte changed, with 400 naming query.nextToken', async () => {
    const bytes = Buffer.from(await codec.seal(position, binding), 'base64url');
    for (let i = 0; i < bytes.length; i++) {
      const forged = Buffer.from(bytes);
      forged[i] = forged[i]! ^ 0x01;
      await refusal(forged.toString('base64url'));
    }
    const error = await refusal('AAAA');
    expect(error.status).toBe(400);
    expect(error.invalidFields).toEqual([{ name: 'query.nextToken', reason: expect.any(String) }]);
  });

  it('refuses truncated, extended, empty and non-base64url tokens', async () => {
    const token = await codec.seal(position, binding);
    for (const bad of [token.slice(0, -1), token.slice(0, 20), `${token}A`, '', 'not a token!', '%00', 'x'.repeat(5000)]) await refusal(bad);
  });

  it('refuses a cursor moved to another tenant, project, list, or sealed with another key', async () => {
    const token = await codec.seal(position, binding);
    await refusal(token, { ...binding, tenantId: '99999999-9999-4999-8999-999999999999' });
    await refusal(token, { ...binding, projectId: '99999999-9999-4999-8999-999999999999' });
    await refusal(token, { ...binding, route: 'webhooks' });
    const other = new SealedCursors(async () => randomBytes(32));
    await expect(other.open(token, binding)).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('refuses the unsigned base64 JSON cursors the service used to issue', async () => {
    await refusal(Buffer.from(JSON.stringify(position)).toString('base64url'));
    await refusal(Buffer.from(JSON.stringify({ pk: { S: 'x' } })).toString('base64url'));
  });

  it('names the field it was given', async () => {
    const error = await codec.open('AAAA', binding, 'query.cursor').catch((e: InvalidCursorError) => e);
    expect((error as InvalidCursorError).invalidFields[0]!.name).toBe('query.cursor');
  });
});
