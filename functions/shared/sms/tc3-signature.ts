import { createHash, createHmac } from 'node:crypto';

export interface Tc3SigningInput {
  secretId: string;
  secretKey: string;
  /** The product's short name, the first label of its endpoint: `sms`. */
  service: string;
  /** The Host header as sent (with the port when it is not the scheme's default). */
  host: string;
  contentType: string;
  /** The exact request body. */
  payload: string;
  /** Seconds since the epoch; the API refuses a request more than five minutes off its own time. */
  timestamp: number;
}

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * The Authorization header of a Tencent Cloud API 3.0 POST request, signed
 * with TC3-HMAC-SHA256 over the two headers the method requires
 * (content-type and host). Key derivation: the secret key prefixed with
 * "TC3" signs the UTC date, that key signs the service, that key signs
 * "tc3_request", and the result signs the string to sign.
 */
export function tc3Authorization(input: Tc3SigningInput): string {
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const signedHeaders = 'content-type;host';
  const canonicalHeaders = `content-type:${input.contentType.toLowerCase()}\nhost:${input.host.toLowerCase()}\n`;
  const canonicalRequest = ['POST', '/', '', canonicalHeaders, signedHeaders, sha256Hex(input.payload)].join('\n');
  const scope = `${date}/${input.service}/tc3_request`;
  const stringToSign = ['TC3-HMAC-SHA256', String(input.timestamp), scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(`TC3${input.secretKey}`, date), input.service), 'tc3_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
  return `TC3-HMAC-SHA256 Credential=${input.secretId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
}
