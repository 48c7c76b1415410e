import fc from 'fast-check';

/** Spellings and look-alikes of ids, shared by the path and body generators. */

/** Every byte of the value as a %XX escape: decodes back to the same id. */
export const upperHex = (value: string) => [...new TextEncoder().encode(value)].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
export const mixedCase = (value: string) => [...value].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join('');
/** The GUID an id ends with (bare, or after a prefix such as `op-`). */
export const guidTail = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Another id of the same shape (same prefix, another GUID): a resource that does not exist, or not for this caller. */
export const foreignId = (own: string) => fc.uuid().map((guid) => own.replace(guidTail, guid));
