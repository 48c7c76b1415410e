import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValidationError } from './errors.ts';

/** Where a cursor may be used: the project it was issued for and the list that issued it. */
export interface CursorBinding {
  tenantId: string;
  projectId: string;
  /** The list that issued it, e.g. `datasets`; a cursor of one list is refused by every other. */
  route: string;
}

/** A position in a list, as the store resumes from it (e.g. DynamoDB's LastEvaluatedKey). */
export type CursorPosition = Record<string, unknown>;

/**
 * Paging cursors (`nextToken`) handed to clients: opaque, and refused with 400 naming the field when forged,
 * truncated, or issued for another project or list.
 */
export interface CursorCodec {
  seal(position: CursorPosition, binding: CursorBinding): Promise<string>;
  open(token: string, binding: CursorBinding, field?: string): Promise<CursorPosition>;
}

/** The deployment's secret: 32 random bytes, the same in every function. */
export type CursorKeySource = () => Promise<Uint8Array>;

const version = 1;
const ivBytes = 12;
const tagBytes = 16;
/** Plaintext of a few hundred bytes at most; anything longer was not issued here. */
const maxTokenChars = 2048;

export class InvalidCursorError extends ValidationError {
  constructor(field: string) {
    super('The paging cursor is not valid here', [{ name: field, reason: 'is not a cursor this list returned for this project' }]);
  }
}

/**
 * AES-256-GCM: the position is encrypted (clients learn nothing of the store's keys) and authenticated together with
 * its binding as additional data, so a changed byte, a cut token or a token moved to another project or list fails
 * to open. Layout, base64url: version (1 byte) | IV (12) | ciphertext | tag (16).
 */
export class SealedCursors implements CursorCodec {
  constructor(private readonly key: CursorKeySource) {}

  async seal(position: CursorPosition, binding: CursorBinding): Promise<string> {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', await this.key(), iv);
    cipher.setAAD(additionalData(binding));
    const sealed = Buffer.concat([cipher.update(JSON.stringify(position), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(version), iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  async open(token: string, binding: CursorBinding, field = 'query.nextToken'): Promise<CursorPosition> {
    if (token.length > maxTokenChars || !/^[A-Za-z0-9_-]+$/.test(token)) throw new InvalidCursorError(field);
    const bytes = Buffer.from(token, 'base64url');
    // Only the one spelling this codec writes: stray trailing characters that decoding would ignore are refused too.
    if (bytes.toString('base64url') !== token || bytes.length < 1 + ivBytes + tagBytes + 2 || bytes[0] !== version) throw new InvalidCursorError(field);
    const key = await this.key();
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 1 + ivBytes), { authTagLength: tagBytes });
      decipher.setAAD(additionalData(binding));
      decipher.setAuthTag(bytes.subarray(bytes.length - tagBytes));
      const plain = Buffer.concat([decipher.update(bytes.subarray(1 + ivBytes, bytes.length - tagBytes)), decipher.final()]).toString('utf8');
      const position: unknown = JSON.parse(plain);
      if (!position || typeof position !== 'object' || Array.isArray(position)) throw new InvalidCursorError(field);
      return position as CursorPosition;
    } catch {
      throw new InvalidCursorError(field);
    }
  }
}

function additionalData(binding: CursorBinding): Buffer {
  // JSON keeps the parts apart: no choice of ids can make two different bindings serialise alike.
  return Buffer.from(JSON.stringify([binding.tenantId, binding.projectId, binding.route]), 'utf8');
}
