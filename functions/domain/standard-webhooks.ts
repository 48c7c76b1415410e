import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks v1 (https://www.standardwebhooks.com): `webhook-signature` is `v1,<base64 HMAC-SHA256 of
 * "<webhook-id>.<webhook-timestamp>.<body>">`, one per valid secret, space-separated during a rotation.
 */
export const secretPrefix = 'whsec_';

/** Bytes of a generated secret; the specification asks for 24 to 64. */
export const generatedSecretBytes = 32;
export const minSecretBytes = 24;
export const maxSecretBytes = 64;

/** After a rotation the previous secret still signs for this long, so receivers can switch without losing deliveries. */
export const previousSecretGraceSeconds = 24 * 3600;

export function generateSecret(bytes = generatedSecretBytes): string {
  return `${secretPrefix}${randomBytes(bytes).toString('base64')}`;
}

export const isPrefixedSecret = (secret: string): boolean => secret.startsWith(secretPrefix);

/** The bytes of a `whsec_` secret; undefined when its base64 part is not canonical base64. */
export function prefixedSecretBytes(secret: string): Buffer | undefined {
  const encoded = secret.slice(secretPrefix.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const bytes = Buffer.from(encoded, 'base64');
  return bytes.toString('base64') === encoded ? bytes : undefined;
}

/**
 * The HMAC key of a secret: the decoded base64 part of a `whsec_` secret, or the characters of a plain one (printable
 * ASCII, so its bytes are the same in UTF-8 and Latin-1). A plain secret `s` is therefore the same key as
 * `whsec_` + base64(s): any Standard Webhooks library verifies with that, or with `s` in its raw format.
 */
export function secretKey(secret: string): Buffer {
  return isPrefixedSecret(secret) ? Buffer.from(secret.slice(secretPrefix.length), 'base64') : Buffer.from(secret, 'latin1');
}

/** The `whsec_` form of any secret, for receivers whose library takes only that form. */
export function prefixedFormOf(secret: string): string {
  return isPrefixedSecret(secret) ? secret : `${secretPrefix}${Buffer.from(secret, 'latin1').toString('base64')}`;
}

export function sign(secret: string, messageId: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', secretKey(secret)).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/** The three Standard Webhooks headers; `secrets` are the valid ones, current first (none: unsigned, e.g. a bearer receiver). */
export function standardWebhookHeaders(messageId: string, timestampSeconds: number, body: string, secrets: readonly string[]): Record<string, string> {
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    ...(secrets.length ? { 'webhook-signature': secrets.map((secret) => sign(secret, messageId, timestampSeconds, body)).join(' ') } : {}),
  };
}

/** A secret that was replaced and still signs until `expiresAt` (ISO 8601). */
export interface PreviousSecret {
  secret: string;
  expiresAt: string;
}

/** The current secret and those previous ones still in their grace period, current first. */
export function validSecrets(current: string | undefined, previous: readonly PreviousSecret[] | undefined, now: Date): string[] {
  const live = (previous ?? []).filter((p) => Date.parse(p.expiresAt) > now.getTime()).map((p) => p.secret);
  return current ? [current, ...live] : live;
}

/** Recommended length of a plain secret: as many characters as the bytes the specification asks for at least. */
export const recommendedPlainSecretLength = 32;

/** What the API tells a client that chose a plain secret shorter than recommended. */
export function plainSecretWarnings(secret: string | undefined): string[] {
  if (secret === undefined || isPrefixedSecret(secret) || secret.length >= recommendedPlainSecretLength) return [];
  return [
    `authentication.secret is ${secret.length} characters: use at least ${recommendedPlainSecretLength} random characters, or a whsec_ secret ` +
      `(whsec_ + base64 of ${minSecretBytes} to ${maxSecretBytes} random bytes), or give none and one is generated. ` +
      'A plain secret is used as the HMAC key as it is: Standard Webhooks libraries verify with whsec_ + base64 of it.',
  ];
}
