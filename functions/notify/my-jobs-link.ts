import * as z from 'zod';
import { MY_JOBS_LINK_HOURS } from '../../domain/my-jobs.js';
import { canReceiveWork } from '../../domain/registry.js';
import { smsLinkToken } from '../../domain/sms.js';
import { addMinutes, cityDate } from '../../domain/time.js';
import { keys } from '../shared/keys.js';
import { mintLink } from '../shared/links.js';
import type { Platform } from '../shared/platform.js';
import { caregiverPhoneHash, getCaregiver, getEnterprise } from '../shared/registry-store.js';
import { getItem, writeTogether } from '../shared/store.js';

/** The phone's lookup item: whose number it is. */
const PhoneOwnerSchema = z.object({ caregiverId: z.string() });

/**
 * A caregiver's "my jobs" link (docs/decisions/0012), to the number on file.
 * The request carries only the number's keyed hash, known or not, so the
 * lookup happens here, off the request path: the phone's item names the
 * caregiver, who must be active, still have that number, and belong to a
 * company that may work today; anyone else gets nothing.
 * The link item (kind `mine`, only the token's hash) and the request's
 * marker, set once for this request's event, are written together before the
 * SMS: a redelivery finds the marker set and sends nothing; a crash between
 * the two loses this SMS rather than sending it twice (the caregiver can ask
 * again once the interval has passed).
 */
export async function sendMyJobsLink(p: Platform, phoneHash: string, eventId: string): Promise<void> {
  const now = p.clock.now();
  const owner = await getItem(p, PhoneOwnerSchema, keys.caregiverPhone(phoneHash));
  const caregiver = owner ? await getCaregiver(p, owner.caregiverId) : undefined;
  if (!caregiver || caregiver.status !== 'active') return;
  // The item moves with the number in one transaction; checked all the same, since the SMS goes to the number on file.
  if ((await caregiverPhoneHash(p, caregiver.phone)) !== phoneHash) return;
  const enterprise = await getEnterprise(p, caregiver.enterpriseId);
  if (!enterprise || !canReceiveWork(enterprise, cityDate(now))) return;
  const { token, put } = mintLink(p, { kind: 'mine', caregiverId: caregiver.id, expiresAt: addMinutes(now, MY_JOBS_LINK_HOURS * 60) });
  const written = await writeTogether(p, [
    put,
    {
      Update: {
        TableName: p.config.tableName,
        Key: keys.myJobsRequest(phoneHash),
        UpdateExpression: 'SET smsSentAt = :now',
        ConditionExpression: 'eventId = :event AND attribute_not_exists(smsSentAt)',
        ExpressionAttributeValues: { ':now': now.toISOString(), ':event': eventId },
      },
    },
  ]);
  if (!written) return; // sent already for this request, or a newer request took its place
  await p.sms.send({ to: caregiver.phone, template: 'myJobs', params: { token: smsLinkToken(token) } });
}
