import { AccessDeniedException, InternalServerException, PinpointSMSVoiceV2Client, SendTextMessageCommand, ThrottlingException, ValidationException } from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { smsVisitParams } from '../../domain/sms.js';
import { EndUserMessagingSms } from '../../functions/shared/aws/sms.js';
import type { SmsMessage, SmsSender } from '../../functions/shared/platform.js';
import { SmsSendError, isTransientSmsError } from '../../functions/shared/sms/errors.js';
import { RetryingSmsSender } from '../../functions/shared/sms/retry.js';

const message: SmsMessage = { to: '13904731000', visitId: 'v1', template: 'cancelled', params: smsVisitParams('bathing', '2026-11-30T09:00:00+08:00') };

/** A sender that fails with the given errors in turn, then succeeds. */
function flaky(...failures: unknown[]): SmsSender & { calls: number } {
  const sender = {
    calls: 0,
    async send() {
      const failure = failures[sender.calls++];
      if (failure !== undefined) throw failure;
    },
  };
  return sender;
}

function retrying(inner: SmsSender, attempts = 3) {
  const delays: number[] = [];
  const retries: number[] = [];
  const sender = new RetryingSmsSender(inner, {
    attempts,
    baseDelayMs: 200,
    maxDelayMs: 500,
    random: () => 0.5,
    sleep: async (ms) => void delays.push(ms),
    onRetry: ({ attempt }) => void retries.push(attempt),
  });
  return { sender, delays, retries };
}

const transient = () => new SmsSendError('timeout', { transient: true, code: 'InternalError.Timeout' });
const refusal = () => new SmsSendError('unapproved template', { transient: false, code: 'FailedOperation.TemplateIncorrectOrUnapproved' });

describe('RetryingSmsSender', () => {
  it('retries a transient failure with growing, capped, jittered delays', async () => {
    const inner = flaky(transient(), transient());
    const { sender, delays, retries } = retrying(inner, 3);
    await sender.send(message);
    expect(inner.calls).toBe(3);
    expect(retries).toEqual([1, 2]);
    // Half the ceiling fixed, half random (0.5 here): ceilings 200 and 400 ms.
    expect(delays).toEqual([150, 300]);
  });

  it('caps the delay at maxDelayMs', async () => {
    const inner = flaky(transient(), transient(), transient(), transient());
    const { sender, delays } = retrying(inner, 5);
    await sender.send(message);
    expect(delays).toEqual([150, 300, 375, 375]);
  });

  it('does not retry a refusal', async () => {
    const inner = flaky(refusal());
    const { sender, retries } = retrying(inner);
    await expect(sender.send(message)).rejects.toMatchObject({ code: 'FailedOperation.TemplateIncorrectOrUnapproved' });
    expect(inner.calls).toBe(1);
    expect(retries).toEqual([]);
  });

  it('gives up after the last attempt and throws its error, so the event is redelivered', async () => {
    const last = transient();
    const inner = flaky(transient(), transient(), last);
    const { sender } = retrying(inner, 3);
    await expect(sender.send(message)).rejects.toBe(last);
    expect(inner.calls).toBe(3);
  });
});

describe('which failures are transient', () => {
  const meta = { $metadata: {} };
  it.each([
    ['throttling', new ThrottlingException({ message: 'slow down', ...meta }), true],
    ['a service fault', new InternalServerException({ message: 'oops', ...meta }), true],
    ['a dropped connection', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), true],
    ['an HTTP 503 without a modelled error', Object.assign(new Error('unavailable'), { $metadata: { httpStatusCode: 503 } }), true],
    ['a bad number', new ValidationException({ message: 'invalid', ...meta }), false],
    ['missing permission', new AccessDeniedException({ message: 'no', ...meta }), false],
    ['an unknown DNS name', Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }), false],
    ['not an error at all', 'boom', false],
  ])('%s → %s', (_name, error, expected) => {
    expect(isTransientSmsError(error)).toBe(expected);
  });
});

describe('End User Messaging SMS behind the retry', () => {
  const pinpoint = mockClient(PinpointSMSVoiceV2Client);
  beforeEach(() => pinpoint.reset());
  const sender = () =>
    new RetryingSmsSender(new EndUserMessagingSms(new PinpointSMSVoiceV2Client({}), { publicBaseUrl: 'https://ykz.wuhai.gov.cn' }), { sleep: async () => undefined });

  it('sends again after throttling', async () => {
    pinpoint.on(SendTextMessageCommand).rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} })).resolves({ MessageId: 'm1' });
    await sender().send(message);
    expect(pinpoint.commandCalls(SendTextMessageCommand)).toHaveLength(2);
  });

  it('sends once when the request is refused', async () => {
    pinpoint.on(SendTextMessageCommand).rejects(new ValidationException({ message: 'bad number', $metadata: {} }));
    await expect(sender().send(message)).rejects.toThrow('bad number');
    expect(pinpoint.commandCalls(SendTextMessageCommand)).toHaveLength(1);
  });
});
