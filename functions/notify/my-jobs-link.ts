import { MY_JOBS_LINK_HOURS } from '../../domain/my-jobs.js';
import { smsLinkToken } from '../../domain/sms.js';
import { addMinutes } from '../../domain/time.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { getCaregiver } from '../shared/registry-store.js';
import { writeTogether } from '../shared/store.js';
import { hashToken } from '../shared/tokens.js';

/** An expired my-jobs link item stays a week, so that a late click reads "expired", not "unknown". */
const EXPIRED_LINK_RETENTION_SECONDS = 7 * 24 * 3600;

/**
 * A caregiver's "my jobs" link (docs/decisions/0012), to the number on file.
 * The link item (kind `mine`, only the token's hash) and the request's
 * marker, set once for this request's event, are written together before the
 * SMS: a redelivery finds the marker set and sends nothing; a crash between
 * the two loses this SMS rather than sending it twice (the caregiver can ask
 * again once the interval has passed).
 */
export async function sendMyJobsLink(p: Platform, caregiverId: string, eventId: string): Promise<void> {
  const caregiver = await getCaregiver(p, caregiverId);
  if (!caregiver || caregiver.status !== 'active') return;
  const token = p.newToken();
  const tokenHash = hashToken(token);
  const now = p.clock.now();
  const expiresAt = addMinutes(now, MY_JOBS_LINK_HOURS * 60);
  const written = await writeTogether(p, [
    {
      Put: {
        TableName: p.config.tableName,
        Item: {
          ...keys.link(tokenHash),
          entity: 'Link',
          kind: 'mine',
          caregiverId,
          issuedAt: now.toISOString(),
          expiresAt: expiresAt.toISOString(),
          ttl: Math.floor(expiresAt.getTime() / 1000) + EXPIRED_LINK_RETENTION_SECONDS,
        },
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.myJobsRequest(caregiverId),
        UpdateExpression: 'SET smsSentAt = :now',
        ConditionExpression: 'eventId = :event AND attribute_not_exists(smsSentAt)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':event': eventId },
      },
    },
  ]);
  if (!written) return; // sent already for this request, or a newer request took its place
  await p.sms.send({ to: caregiver.phone, template: 'myJobs', params: { token: smsLinkToken(token) } });
}
