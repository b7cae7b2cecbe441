import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type JWK, type JSONWebKeySet, SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify } from 'jose';
import type { Principal } from '../domain/principal.js';

export const DEV_ISSUER = 'care-dispatch-local';
export const DEV_AUDIENCE = 'care-dispatch';
const ALG = 'ES256';
const KID = 'local-dev-1';
const TOKEN_HOURS = 12;

type SigningKey = Awaited<ReturnType<typeof importJWK>>;

/**
 * The local identity provider: signs the same kind of JWT that Cognito issues
 * in AWS and verifies it the way API Gateway's JWT authoriser does (issuer,
 * audience, expiry, signature through the JWKS). The key pair is kept in the
 * local runtime table, so tokens survive a restart.
 */
export class DevIssuer {
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(private readonly privateKey: SigningKey, readonly jwks: JSONWebKeySet) {
    this.keySet = createLocalJWKSet(jwks);
  }

  static async load(db: DynamoDBDocumentClient, tableName: string): Promise<DevIssuer> {
    const key = { PK: 'DEVKEY', SK: KID };
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key }));
    let privateJwk = Item?.privateJwk as JWK | undefined;
    if (!privateJwk) {
      const pair = await generateKeyPair(ALG, { extractable: true });
      privateJwk = await exportJWK(pair.privateKey);
      await db.send(new PutCommand({ TableName: tableName, Item: { ...key, privateJwk } }));
    }
    const { d: _private, ...publicJwk } = privateJwk;
    const privateKey = await importJWK(privateJwk, ALG);
    return new DevIssuer(privateKey, { keys: [{ ...publicJwk, kid: KID, alg: ALG, use: 'sig' }] });
  }

  async sign(principal: Principal, now: Date): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ role: principal.role, orgId: principal.orgId })
      .setProtectedHeader({ alg: ALG, kid: KID, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setSubject(`${principal.role}:${principal.orgId}`)
      .setIssuedAt(iat)
      .setExpirationTime(iat + TOKEN_HOURS * 3600)
      .sign(this.privateKey);
  }

  /** Claims as API Gateway passes them to the handler (all values strings), or undefined when the token fails. */
  async verify(token: string): Promise<Record<string, string> | undefined> {
    try {
      const { payload } = await jwtVerify(token, this.keySet, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, algorithms: [ALG], requiredClaims: ['exp'] });
      return Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]));
    } catch {
      return undefined;
    }
  }
}
