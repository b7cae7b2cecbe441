import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { conflict } from '../../domain/errors.js';
import type { Caregiver } from '../../domain/registry.js';
import { isTransactionCancelled } from '../shared/errors.js';
import { keys } from '../shared/keys.js';
import type { Platform } from '../shared/platform.js';
import { caregiverPhoneHash, registryItems } from '../shared/registry-store.js';
import { type TransactItem, patchItem } from '../shared/store.js';
import { setFields } from '../shared/update.js';

/**
 * One caregiver per mobile: the lookup item that lets a caregiver ask for
 * their jobs by phone (docs/decisions/0012). Written with the caregiver,
 * conditional on the number being free.
 */
export async function phonePut(p: Platform, phone: string, caregiverId: string): Promise<TransactItem> {
  return {
    Put: {
      TableName: p.config.tableName,
      Item: registryItems.caregiverPhone(await caregiverPhoneHash(p, phone), caregiverId),
      ConditionExpression: 'attribute_not_exists(PK)',
    },
  };
}

export const phoneTaken = () => conflict('PHONE_ALREADY_REGISTERED', 'another caregiver is already registered with this mobile number', 'phone');

/**
 * A caregiver's PATCH. A new mobile moves the lookup in the same transaction
 * as the change: the new number's item must be free, the record must still
 * hold the number as read, and the old number's item goes if it is this
 * caregiver's. Registered before phones had items, a caregiver may have
 * none, and someone else may have registered the old number since: that
 * item is read first (consistently) and left alone. Anything else is a
 * plain update of the changed fields.
 */
export async function patchCaregiver(p: Platform, caregiver: Caregiver, changes: Record<string, unknown>): Promise<boolean> {
  const phone = typeof changes.phone === 'string' && changes.phone !== caregiver.phone ? changes.phone : undefined;
  if (!phone) return patchItem(p, keys.caregiver(caregiver.id), changes);
  const update = setFields(changes);
  const oldKey = keys.caregiverPhone(await caregiverPhoneHash(p, caregiver.phone));
  const { Item: oldItem } = await p.db.send(new GetCommand({ TableName: p.config.tableName, Key: oldKey, ConsistentRead: true }));
  const ownsOld = oldItem?.caregiverId === caregiver.id;
  try {
    await p.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: p.config.tableName,
              Key: keys.caregiver(caregiver.id),
              UpdateExpression: update.UpdateExpression,
              ConditionExpression: '#phone = :oldPhone',
              ExpressionAttributeNames: update.ExpressionAttributeNames,
              ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':oldPhone': caregiver.phone },
            },
          },
          await phonePut(p, phone, caregiver.id),
          // Only this caregiver's, and never someone else's: the condition keeps it so if the item changed hands since it was read.
          ...(ownsOld
            ? [{ Delete: { TableName: p.config.tableName, Key: oldKey, ConditionExpression: 'caregiverId = :id', ExpressionAttributeValues: { ':id': caregiver.id } } }]
            : []),
        ],
      }),
    );
  } catch (error) {
    if (isTransactionCancelled(error) && error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed') throw phoneTaken();
    if (isTransactionCancelled(error)) throw conflict('CONCURRENT_CHANGE', 'the caregiver changed meanwhile; read it again and retry', 'phone');
    throw error;
  }
  return true;
}
