import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import type { SmsMessage, SmsSender } from '../platform.js';

/** Mainland numbers are stored as 11 digits; the SMS service wants E.164. */
export const toE164 = (phone: string) => (phone.startsWith('+') ? phone : `+86${phone}`);

/** AWS End User Messaging SMS. Transactional: offers are time-critical. */
export class EndUserMessagingSms implements SmsSender {
  constructor(private readonly client: PinpointSMSVoiceV2Client, private readonly originationIdentity?: string) {}

  async send(message: SmsMessage) {
    await this.client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: toE164(message.to),
        MessageBody: message.text,
        MessageType: 'TRANSACTIONAL',
        ...(this.originationIdentity ? { OriginationIdentity: this.originationIdentity } : {}),
        ...(message.visitId ? { Context: { visitId: message.visitId } } : {}),
      }),
    );
  }
}
