import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SMS_TEMPLATES, type SmsTemplateId, smsLinkToken, smsVisitParams } from '../../domain/sms.js';
import type { SmsMessage } from '../../functions/shared/platform.js';
import { readTencentSmsSettings } from '../../functions/shared/sms/config.js';
import { SmsSendError } from '../../functions/shared/sms/errors.js';
import { RetryingSmsSender } from '../../functions/shared/sms/retry.js';
import { tc3Authorization } from '../../functions/shared/sms/tc3-signature.js';
import { TencentCloudSms } from '../../functions/shared/sms/tencent.js';

describe('TC3-HMAC-SHA256', () => {
  it("reproduces the provider's documented example (CVM DescribeInstances, 2019-02-25)", () => {
    const authorization = tc3Authorization({
      secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******',
      secretKey: 'Gu5t9xGARNpq86cd98joQYCN3*******',
      service: 'cvm',
      host: 'cvm.tencentcloudapi.com',
      contentType: 'application/json; charset=utf-8',
      payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
      timestamp: 1551113065,
    });
    expect(authorization).toBe(
      'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3*******/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
    );
  });
});

// ---- A stub of the SendSms API on a local port ----------------------------------
interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}
let server: Server;
let endpoint: string;
let received: Received[];
/** What the stub answers, in turn; the last one repeats. */
let answers: Array<{ status: number; body: unknown }>;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      const answer = answers[Math.min(received.length - 1, answers.length - 1)]!;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const ok = { status: 200, body: { Response: { SendStatusSet: [{ SerialNo: '5000:1', PhoneNumber: '+8613904731000', Fee: 1, Code: 'Ok', Message: 'send success', IsoCode: 'CN' }], RequestId: 'r-ok' } } };
const apiError = (Code: string) => ({ status: 200, body: { Response: { Error: { Code, Message: `${Code} happened` }, RequestId: 'r-err' } } });
const numberError = (Code: string) => ({ status: 200, body: { Response: { SendStatusSet: [{ PhoneNumber: '+8613904731000', Code, Message: `${Code} for this number` }], RequestId: 'r-num' } } });

beforeEach(() => {
  received = [];
  answers = [ok];
});

const templateIds = Object.fromEntries(Object.keys(SMS_TEMPLATES).map((t, i) => [t, String(2100001 + i)])) as Record<SmsTemplateId, string>;
const credentials = { secretId: 'AKIDtestsecretid', secretKey: 'test-secret-key' };
const now = new Date('2026-11-30T01:00:00Z');
const tencent = () =>
  new TencentCloudSms({ endpoint, region: 'ap-guangzhou', smsSdkAppId: '1400123456', templateIds, credentials: async () => credentials, now: () => now });

const token = smsLinkToken('AbCdEfGhIjKlMnOpQrSt_-');
const offer: SmsMessage = { to: '13904731000', visitId: 'visit-1', template: 'offer', params: { ...smsVisitParams('personalCare', '2026-11-30T09:00:00+08:00'), token } };

describe('TencentCloudSms against a stub of its API', () => {
  it('sends template id, variables in order, the E.164 number and the signature name, signed', async () => {
    await tencent().send(offer);
    expect(received).toHaveLength(1);
    const [{ headers, body }] = received as [Received];
    expect(JSON.parse(body)).toEqual({
      PhoneNumberSet: ['+8613904731000'],
      SmsSdkAppId: '1400123456',
      SignName: '一刻钟',
      TemplateId: templateIds.offer,
      TemplateParamSet: ['生活照料', '30', '09:00', token],
      SessionContext: 'visit-1',
    });
    expect(headers).toMatchObject({
      'content-type': 'application/json; charset=utf-8',
      'x-tc-action': 'SendSms',
      'x-tc-version': '2021-01-11',
      'x-tc-region': 'ap-guangzhou',
      'x-tc-timestamp': String(now.getTime() / 1000),
    });
    // The signature covers the body and the host exactly as they arrived.
    expect(headers.authorization).toBe(
      tc3Authorization({ ...credentials, service: 'sms', host: headers.host!, contentType: headers['content-type']!, payload: body, timestamp: now.getTime() / 1000 }),
    );
    expect(headers.authorization).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDtestsecretid\/2026-11-30\/sms\/tc3_request, SignedHeaders=content-type;host, Signature=[0-9a-f]{64}$/);
    expect(body).not.toContain(credentials.secretKey);
  });

  it('sends a template without a link as its three variables', async () => {
    await tencent().send({ to: '+8613904731000', template: 'cancelled', params: smsVisitParams('bathing', '2026-11-30T09:00:00+08:00') });
    const sent = JSON.parse(received[0]!.body) as Record<string, unknown>;
    expect(sent).toMatchObject({ TemplateId: templateIds.cancelled, TemplateParamSet: ['30', '09:00', '助浴'], PhoneNumberSet: ['+8613904731000'] });
    expect(sent).not.toHaveProperty('SessionContext');
  });

  it('turns an API error into a refusal with its code, without the phone number', async () => {
    answers = [apiError('FailedOperation.TemplateIncorrectOrUnapproved')];
    const error = await tencent().send(offer).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsSendError);
    expect(error).toMatchObject({ transient: false, code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
    expect((error as Error).message).toContain('r-err');
    expect((error as Error).message).not.toContain('13904731000');
  });

  it('reads a per-number failure in the send status as a refusal', async () => {
    answers = [numberError('LimitExceeded.PhoneNumberDailyLimit')];
    const error = await tencent().send(offer).catch((e: unknown) => e);
    expect(error).toMatchObject({ transient: false, code: 'LimitExceeded.PhoneNumberDailyLimit' });
    expect((error as Error).message).not.toContain('13904731000');
  });

  it.each([
    ['a provider timeout', apiError('InternalError.Timeout')],
    ['API rate limiting', apiError('RequestLimitExceeded')],
    ['an HTTP 502 from in between', { status: 502, body: 'Bad Gateway' }],
    ['a 200 that is not the API', { status: 200, body: '<html>captive portal</html>' }],
  ])('treats %s as transient: the retry sends again and succeeds', async (_name, failure) => {
    answers = [failure, ok];
    await new RetryingSmsSender(tencent(), { sleep: async () => undefined }).send(offer);
    expect(received).toHaveLength(2);
  });

  it('does not retry a refusal', async () => {
    answers = [apiError('InvalidParameterValue.IncorrectPhoneNumber'), ok];
    await expect(new RetryingSmsSender(tencent(), { sleep: async () => undefined }).send(offer)).rejects.toBeInstanceOf(SmsSendError);
    expect(received).toHaveLength(1);
  });

  it('reports an unreachable endpoint as transient', async () => {
    const closed = new TencentCloudSms({ endpoint: 'http://127.0.0.1:1', region: 'ap-guangzhou', smsSdkAppId: '1400123456', templateIds, credentials: async () => credentials });
    await expect(closed.send(offer)).rejects.toMatchObject({ transient: true, code: 'NETWORK' });
  });
});

describe('Tencent Cloud SMS settings', () => {
  const env = {
    TENCENT_SMS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:tencent-sms',
    TENCENT_SMS_SDK_APP_ID: '1400123456',
    TENCENT_SMS_TEMPLATE_IDS: JSON.stringify(templateIds),
  };

  it('come from the environment, with the API defaults', () => {
    expect(readTencentSmsSettings(env)).toEqual({
      secretArn: env.TENCENT_SMS_SECRET_ARN,
      smsSdkAppId: '1400123456',
      templateIds,
      region: 'ap-guangzhou',
      endpoint: 'https://sms.tencentcloudapi.com',
    });
  });

  it('need an id for every template', () => {
    const { reminder: _reminder, ...partial } = templateIds;
    expect(() => readTencentSmsSettings({ ...env, TENCENT_SMS_TEMPLATE_IDS: JSON.stringify(partial) })).toThrow(/reminder/);
    expect(() => readTencentSmsSettings({ ...env, TENCENT_SMS_TEMPLATE_IDS: 'offer=1' })).toThrow(/JSON/);
    expect(() => readTencentSmsSettings({ ...env, TENCENT_SMS_SDK_APP_ID: undefined })).toThrow(/TENCENT_SMS_SDK_APP_ID/);
  });
});
