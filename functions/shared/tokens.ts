import { createHash, createHmac, randomBytes, randomUUID, randomInt } from 'node:crypto';

/** 128 random bits in base64url: 22 URL-safe characters. */
export const newLinkToken = () => randomBytes(16).toString('base64url');

/** Links are stored only as this hash, so a table leak leaks no usable link. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const newId = () => randomUUID();

/** What a well-formed token looks like; anything else is refused before a read. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Crockford-style alphabet without I, L, O, U: nothing to misread on a printed card. */
export const PUBLIC_CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** 10 characters, 50 bits: not guessable by walking through codes. */
export const newPublicCode = () => Array.from({ length: 10 }, () => PUBLIC_CODE_ALPHABET[randomInt(32)]).join('');

/** Keyed hash of a resident ID: finds duplicates without storing the number. */
export const residentIdHash = (key: string, residentId: string) => createHmac('sha256', key).update(residentId).digest('hex');

/**
 * What is hashed, with the resident-ID key, to look a caregiver up by mobile:
 * one secret and one grant serve both, and the prefix keeps a phone's hash
 * from ever equalling an ID number's.
 */
export const phoneHashInput = (phone: string) => `phone:${phone}`;
