import { createHash, randomBytes, randomUUID } from 'node:crypto';

/** 128 random bits in base64url: 22 URL-safe characters. */
export const newLinkToken = () => randomBytes(16).toString('base64url');

/** Links are stored only as this hash, so a table leak leaks no usable link. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const newId = () => randomUUID();

/** What a well-formed token looks like; anything else is refused before a read. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;
