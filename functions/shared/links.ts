import { keys } from './keys.js';
import type { Platform } from './platform.js';
import type { TransactItem } from './store.js';
import { hashToken } from './tokens.js';

/** A job link item outlives its offer, so that a late click reads "expired", not "unknown"; 7 days of evaluation follow a visit. */
const JOB_LINK_RETENTION_SECONDS = 30 * 24 * 3600;
/** An expired my-jobs link item stays a week, for the same reason. */
const EXPIRED_MINE_LINK_RETENTION_SECONDS = 7 * 24 * 3600;

/** What a caregiver link opens: one job (offer → evaluation), or the caregiver's own list until it expires. */
export type LinkTarget = { kind: 'job'; visitId: string; caregiverId: string } | { kind: 'mine'; caregiverId: string; expiresAt: Date };

/**
 * A new caregiver link: the token for the SMS, its hash for the offer, and
 * the Put (to write together with whatever the link belongs to) that stores
 * only the hash.
 */
export function mintLink(p: Platform, target: LinkTarget): { token: string; tokenHash: string; put: TransactItem } {
  const token = p.newToken();
  const tokenHash = hashToken(token);
  const now = p.clock.now();
  const seconds = (at: Date) => Math.floor(at.getTime() / 1000);
  const item =
    target.kind === 'job'
      ? { ...target, ttl: seconds(now) + JOB_LINK_RETENTION_SECONDS }
      : { ...target, expiresAt: target.expiresAt.toISOString(), ttl: seconds(target.expiresAt) + EXPIRED_MINE_LINK_RETENTION_SECONDS };
  const put: TransactItem = {
    Put: {
      TableName: p.config.tableName,
      Item: { ...keys.link(tokenHash), entity: 'Link', ...item, issuedAt: now.toISOString() },
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
  return { token, tokenHash, put };
}
