import * as z from 'zod';
import { SMS_SIGN_NAME, type SmsTemplateId, smsTemplateParams } from '../../../domain/sms.js';
import type { SmsMessage, SmsSender } from '../platform.js';
import { SmsSendError } from './errors.js';
import { toE164 } from './phone.js';
import { tc3Authorization } from './tc3-signature.js';

export interface TencentCredentials {
  secretId: string;
  secretKey: string;
  /** Only with temporary credentials. */
  token?: string;
}

export interface TencentSmsOptions {
  /** `https://sms.tencentcloudapi.com`; tests point it at a local stub. */
  endpoint: string;
  /** An SMS region: `ap-guangzhou`, `ap-beijing` or `ap-nanjing`. */
  region: string;
  /** The SMS application (SmsSdkAppId) in the provider's console. */
  smsSdkAppId: string;
  /** The approved signature without brackets; the carrier prints it as 【…】. */
  signName?: string;
  /** The provider's id of each registered template (domain/sms.ts SMS_TEMPLATES). */
  templateIds: Record<SmsTemplateId, string>;
  /** Read on each send, so a rotated secret is picked up wherever the caller caches it. */
  credentials: () => Promise<TencentCredentials>;
  /** Wall-clock time for the signature: never the platform's movable clock. */
  now?: () => Date;
  timeoutMs?: number;
}

const API_VERSION = '2021-01-11';
const CONTENT_TYPE = 'application/json; charset=utf-8';

const SendSmsAnswer = z.object({
  Response: z.object({
    RequestId: z.string().optional(),
    Error: z.object({ Code: z.string(), Message: z.string() }).optional(),
    SendStatusSet: z.array(z.object({ Code: z.string(), Message: z.string().optional() })).optional(),
  }),
});

/**
 * Error codes worth another try: the provider's own faults and API rate
 * limits. Per-number frequency limits, template, signature, balance and
 * number errors are refusals: trying again within seconds cannot help.
 */
function isTransientCode(code: string): boolean {
  return code === 'InternalError' || code === 'InternalError.Timeout' || code.startsWith('RequestLimitExceeded');
}

/** Never carries the phone number: the provider's answer names it, this error does not. */
const refused = (code: string, message: string, requestId: string | undefined) =>
  new SmsSendError(`Tencent Cloud SMS refused the message: ${code} ${message}${requestId ? ` (request ${requestId})` : ''}`, { transient: isTransientCode(code), code });

/**
 * Tencent Cloud SMS (SendSms, API 2021-01-11) over fetch with TC3-HMAC-SHA256
 * signing: the usual route to mainland numbers. It sends the template id and
 * its variables; the carrier renders the text from the registered template.
 */
export class TencentCloudSms implements SmsSender {
  private readonly url: URL;

  constructor(private readonly options: TencentSmsOptions) {
    this.url = new URL(options.endpoint);
  }

  async send(message: SmsMessage): Promise<void> {
    const payload = JSON.stringify({
      PhoneNumberSet: [toE164(message.to)],
      SmsSdkAppId: this.options.smsSdkAppId,
      SignName: this.options.signName ?? SMS_SIGN_NAME,
      TemplateId: this.options.templateIds[message.template],
      TemplateParamSet: smsTemplateParams(message),
      // Echoed in delivery receipts; an internal id, no personal data.
      ...(message.visitId ? { SessionContext: message.visitId } : {}),
    });
    const credentials = await this.options.credentials();
    const timestamp = Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
    const authorization = tc3Authorization({ ...credentials, service: 'sms', host: this.url.host, contentType: CONTENT_TYPE, payload, timestamp });

    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': CONTENT_TYPE,
          'x-tc-action': 'SendSms',
          'x-tc-version': API_VERSION,
          'x-tc-region': this.options.region,
          'x-tc-timestamp': String(timestamp),
          ...(credentials.token ? { 'x-tc-token': credentials.token } : {}),
        },
        body: payload,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
    } catch (error) {
      throw new SmsSendError(`Tencent Cloud SMS could not be reached: ${(error as Error).message}`, { transient: true, code: 'NETWORK', cause: error });
    }
    if (!response.ok) {
      const code = `HTTP ${response.status}`;
      throw new SmsSendError(`Tencent Cloud SMS answered ${code}`, { transient: response.status >= 500 || response.status === 429, code });
    }
    const answer = SendSmsAnswer.safeParse(await response.json().catch(() => undefined));
    // A 200 that is not the API's JSON comes from something in between (a proxy, a captive page).
    if (!answer.success) throw new SmsSendError('Tencent Cloud SMS gave an unreadable answer', { transient: true, code: 'UNREADABLE' });
    const { Error: failure, SendStatusSet, RequestId } = answer.data.Response;
    if (failure) throw refused(failure.Code, failure.Message, RequestId);
    const status = SendStatusSet?.[0];
    if (!status) throw new SmsSendError('Tencent Cloud SMS answered without a send status', { transient: false, code: 'NO_STATUS' });
    if (status.Code !== 'Ok') throw refused(status.Code, status.Message ?? '', RequestId);
  }
}
