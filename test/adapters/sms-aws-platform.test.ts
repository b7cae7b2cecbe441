import { PinpointSMSVoiceV2Client, SendTextMessageCommand, ThrottlingException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { SMS_TEMPLATES, smsLinkToken, smsVisitParams } from '../../domain/sms.js';
import '../../functions/shared/aws/platform.js';
import { dynamoClients } from '../../functions/shared/dynamo.js';
import { logger } from '../../functions/shared/http.js';
import { type SmsMessage, platform, usePlatform } from '../../functions/shared/platform.js';
import { ensureTables, tableNames } from '../../local/tables.js';

// The Lambda platform as built from the environment: provider choice, retry and the cap on DynamoDB Local.
const names = tableNames(`t${randomBytes(4).toString('hex')}_`);
const secrets = mockClient(SecretsManagerClient);
const pinpoint = mockClient(PinpointSMSVoiceV2Client);
let stub: Server;
let stubUrl: string;
let stubRequests: string[] = [];

beforeAll(async () => {
  const { dynamo } = dynamoClients({ endpoint: inject('dynamoEndpoint'), region: 'local', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTables(dynamo, names);
  dynamo.destroy();
  stub = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      stubRequests.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ Response: { SendStatusSet: [{ Code: 'Ok', Message: 'send success' }], RequestId: 'r' } }));
    });
  });
  await new Promise<void>((resolve) => stub.listen(0, '127.0.0.1', resolve));
  stubUrl = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
}, 60_000);
afterAll(() => new Promise<void>((resolve) => stub.close(() => resolve())));

function lambdaEnvironment(env: Record<string, string>) {
  vi.stubEnv('AWS_REGION', 'cn-northwest-1');
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'local');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'local');
  vi.stubEnv('AWS_ENDPOINT_URL_DYNAMODB', inject('dynamoEndpoint'));
  vi.stubEnv('TABLE_NAME', names.care);
  vi.stubEnv('PUBLIC_BASE_URL', 'https://ykz.wuhai.gov.cn');
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  usePlatform(undefined); // the next platform() builds from this environment
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  secrets.reset();
  pinpoint.reset();
  stubRequests = [];
});

const token = smsLinkToken('AbCdEfGhIjKlMnOpQrSt_-');
const offerTo = (to: string): SmsMessage => ({ to, visitId: 'v1', template: 'offer', params: { ...smsVisitParams('bathing', '2026-11-30T09:00:00+08:00'), token } });
const newPhone = () => `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

describe('the AWS runtime SMS sender', () => {
  it('defaults to End User Messaging SMS: the rendered text, sent again after throttling', async () => {
    lambdaEnvironment({});
    pinpoint.on(SendTextMessageCommand).rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} })).resolves({ MessageId: 'm' });
    await platform().sms.send(offerTo(newPhone()));
    const calls = pinpoint.commandCalls(SendTextMessageCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]!.args[0].input.MessageBody).toBe(`【一刻钟】助浴于30日09:00，接单https://ykz.wuhai.gov.cn/j/${token}`);
  });

  it('uses Tencent Cloud SMS when configured, with credentials from Secrets Manager, and caps each phone', async () => {
    const templateIds = Object.fromEntries(Object.keys(SMS_TEMPLATES).map((t, i) => [t, String(2200001 + i)]));
    lambdaEnvironment({
      SMS_PROVIDER: 'tencent',
      SMS_MAX_PER_PHONE_PER_HOUR: '2',
      TENCENT_SMS_SECRET_ARN: 'arn:aws-cn:secretsmanager:cn-northwest-1:123456789012:secret:tencent-sms',
      TENCENT_SMS_SDK_APP_ID: '1400123456',
      TENCENT_SMS_TEMPLATE_IDS: JSON.stringify(templateIds),
      TENCENT_SMS_ENDPOINT: stubUrl,
    });
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ secretId: 'AKIDfromsecret', secretKey: 'key-from-secret' }) });
    const warn = vi.spyOn(logger, 'warn');
    const phone = newPhone();
    for (let i = 0; i < 3; i++) await platform().sms.send(offerTo(phone));

    expect(stubRequests).toHaveLength(2);
    expect(JSON.parse(stubRequests[0]!)).toMatchObject({ TemplateId: '2200001', PhoneNumberSet: [`+86${phone}`], SignName: '一刻钟' });
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1); // fetched once per container
    expect(pinpoint.commandCalls(SendTextMessageCommand)).toHaveLength(0);
    expect(warn).toHaveBeenCalledWith('SMS not sent: the phone reached its hourly cap', expect.objectContaining({ maskedPhone: `${phone.slice(0, 3)}****${phone.slice(-4)}`, maxPerHour: 2 }));
    expect(JSON.stringify(warn.mock.calls)).not.toContain(phone);
  });

  it('refuses an unknown provider instead of sending through the wrong one', () => {
    lambdaEnvironment({ SMS_PROVIDER: 'carrier-pigeon' });
    expect(() => platform().sms).toThrow(/SMS_PROVIDER/);
  });
});
