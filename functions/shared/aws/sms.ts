import { type PinpointSMSVoiceV2Client, SendTextMessageCommand } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { renderSms } from '../../../domain/sms.js';
import type { SmsMessage, SmsSender } from '../platform.js';
import { toE164 } from '../sms/phone.js';

export { toE164 };

/**
 * AWS End User Messaging SMS. It sends text, so the template is rendered
 * here with the deployment's base URL. Transactional: offers are
 * time-critical.
 */
export class EndUserMessagingSms implements SmsSender {
  constructor(
    private readonly client: PinpointSMSVoiceV2Client,
    private readonly options: { publicBaseUrl: string; originationIdentity?: string },
  ) {}

  async send(message: SmsMessage) {
    await this.client.send(
      new SendTextMessageCommand({
        DestinationPhoneNumber: toE164(message.to),
        MessageBody: renderSms(message, this.options.publicBaseUrl),
        MessageType: 'TRANSACTIONAL',
        ...(this.options.originationIdentity ? { OriginationIdentity: this.options.originationIdentity } : {}),
        // Delivery logs show which template went out, and for which visit.
        Context: { template: message.template, ...(message.visitId ? { visitId: message.visitId } : {}) },
      }),
    );
  }
}
