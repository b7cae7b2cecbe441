import * as z from 'zod';
import { SMS_TEMPLATES, type SmsTemplateId } from '../../../domain/sms.js';

export const SmsProvider = z.enum(['aws', 'tencent']);
export type SmsProvider = z.infer<typeof SmsProvider>;

/** SMS_PROVIDER: `aws` (End User Messaging SMS, the default) or `tencent`. Anything else is a mistake worth failing on. */
export function readSmsProvider(env: NodeJS.ProcessEnv): SmsProvider {
  const value = env.SMS_PROVIDER;
  if (!value) return 'aws';
  const parsed = SmsProvider.safeParse(value);
  if (!parsed.success) throw new Error(`SMS_PROVIDER must be aws or tencent, not ${value}`);
  return parsed.data;
}

/** SMS_MAX_PER_PHONE_PER_HOUR overrides the default of 10. */
export function readSmsMaxPerPhonePerHour(env: NodeJS.ProcessEnv): number {
  const max = Number(env.SMS_MAX_PER_PHONE_PER_HOUR);
  return Number.isInteger(max) && max > 0 ? max : 10;
}

export const smsTemplateIds = Object.keys(SMS_TEMPLATES) as [SmsTemplateId, ...SmsTemplateId[]];

/** The provider's id of every template: all are required, so a missing one fails at start, not at its first send. */
export const TencentTemplateIds = z.record(z.enum(smsTemplateIds), z.string().regex(/^\d+$/, 'a template id is digits'));

const TencentEnv = z.object({
  TENCENT_SMS_SECRET_ARN: z.string().min(1),
  TENCENT_SMS_SDK_APP_ID: z.string().regex(/^\d+$/),
  TENCENT_SMS_TEMPLATE_IDS: z.string().min(1),
  TENCENT_SMS_SIGN_NAME: z.string().min(1).optional(),
  TENCENT_SMS_REGION: z.string().min(1).default('ap-guangzhou'),
  TENCENT_SMS_ENDPOINT: z.url().default('https://sms.tencentcloudapi.com'),
});

export interface TencentSmsSettings {
  secretArn: string;
  smsSdkAppId: string;
  templateIds: Record<SmsTemplateId, string>;
  signName?: string;
  region: string;
  endpoint: string;
}

/** The Tencent Cloud settings from the environment; the credentials themselves live in Secrets Manager. */
export function readTencentSmsSettings(env: NodeJS.ProcessEnv): TencentSmsSettings {
  const parsed = TencentEnv.safeParse(env);
  if (!parsed.success) throw new Error(`Tencent Cloud SMS is not configured: ${z.prettifyError(parsed.error)}`);
  const e = parsed.data;
  let templateIds: unknown;
  try {
    templateIds = JSON.parse(e.TENCENT_SMS_TEMPLATE_IDS);
  } catch {
    throw new Error('TENCENT_SMS_TEMPLATE_IDS must be JSON: {"offer":"1234567", …}');
  }
  const ids = TencentTemplateIds.safeParse(templateIds);
  if (!ids.success) throw new Error(`TENCENT_SMS_TEMPLATE_IDS needs an id for each of ${smsTemplateIds.join(', ')}: ${z.prettifyError(ids.error)}`);
  return {
    secretArn: e.TENCENT_SMS_SECRET_ARN,
    smsSdkAppId: e.TENCENT_SMS_SDK_APP_ID,
    templateIds: ids.data,
    ...(e.TENCENT_SMS_SIGN_NAME ? { signName: e.TENCENT_SMS_SIGN_NAME } : {}),
    region: e.TENCENT_SMS_REGION,
    endpoint: e.TENCENT_SMS_ENDPOINT,
  };
}

/** The secret's value: `{"secretId": "…", "secretKey": "…"}`. */
export const TencentSecret = z.object({ secretId: z.string().min(1), secretKey: z.string().min(1) });
