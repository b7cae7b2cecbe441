import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2 } from 'aws-lambda';
import * as z from 'zod';
import { PrincipalSchema } from '../domain/principal.js';
import { toCityTime } from '../domain/time.js';
import type { HttpGroupName } from '../functions/groups.js';
import { type Route, routeKey, routes } from '../functions/routes.js';
import type { MovableClock } from './clock.js';
import type { DevIssuer } from './dev-auth.js';
import type { SmsOutbox } from './sms-outbox.js';
import { landingPage, smsOutboxPage } from './pages.js';

export interface LocalServices {
  issuer: DevIssuer;
  clock: MovableClock;
  outbox: SmsOutbox;
  ready: () => boolean;
  invoke: (group: HttpGroupName, event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyResultV2>;
  /** Whether an organisation exists, so a dev token names a real centre or company. */
  orgExists: (role: z.infer<typeof PrincipalSchema>['role'], orgId: string) => Promise<boolean>;
  log: (line: string) => void;
}

/** Lambda's request payload limit (6 MB), below API Gateway's 10 MB: the national credit exchange takes files of up to 5 MB. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  params: string[];
}

const compiled: CompiledRoute[] = (routes as readonly Route[]).map((route) => {
  const params: string[] = [];
  const source = route.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { route, pattern: new RegExp(`^${source}$`), params };
});

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>) {
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, body: unknown) =>
  send(res, status, JSON.stringify(body), { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });

const sendError = (res: ServerResponse, status: number, code: string, message: string, field?: string) =>
  sendJson(res, status, { error: { code, message, ...(field ? { field } : {}) } });

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  return headers;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    return undefined;
  }
}

/** Within years the platform's data can represent (a 5-digit year breaks ISO 8601 as stored). */
const ClockRequest = z.strictObject({
  now: z.iso.datetime({ offset: true }).refine((v) => {
    const year = new Date(v).getUTCFullYear();
    return year >= 2000 && year <= 2999;
  }, 'must be between the years 2000 and 2999'),
});

/** API Gateway passes text bodies as they are and base64-encodes the rest (form posts among them). */
const isTextBody = (contentType: string) => /^(application\/([\w.-]+\+)?json|text\/)/i.test(contentType);

/** Dev sign-in, the clock and the SMS outbox are for this machine only, unless DEV_ROUTES_PUBLIC=1. */
const isLoopback = (address: string | undefined) => !!address && /^(127\.|::1$|::ffff:127\.)/.test(address);

/**
 * The local API: every route of the route table, turned into the API Gateway
 * HTTP API (payload 2.0) event that the deployed handler would receive, with
 * JWTs checked the way the JWT authoriser checks them. Local-only routes for
 * sign-in, the clock and the SMS outbox sit beside them.
 */
export function createHttpServer(services: LocalServices): Server {
  async function localRoute(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<boolean> {
    const key = `${req.method} ${url.pathname}`;
    const accept = req.headers.accept ?? '';
    if (/^\/(auth|dev)\//.test(url.pathname) && !isLoopback(req.socket.remoteAddress) && process.env.DEV_ROUTES_PUBLIC !== '1') {
      sendError(res, 403, 'LOCAL_ONLY', 'dev routes answer only this machine (set DEV_ROUTES_PUBLIC=1 to open them)');
      return true;
    }
    switch (key) {
      case 'GET /':
        send(res, 200, landingPage(`http://${req.headers.host ?? 'localhost'}`), { 'content-type': 'text/html; charset=utf-8' });
        return true;
      case 'GET /.well-known/jwks.json':
        sendJson(res, 200, services.issuer.jwks);
        return true;
      case 'POST /auth/dev-token': {
        const parsed = PrincipalSchema.safeParse(parseJson(body));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const field = issue?.path.map(String).join('.') || 'body';
          sendError(res, 400, 'INVALID_FIELD', `${field}: ${issue?.message ?? 'expected {role, orgId}'}`, field);
          return true;
        }
        if (!(await services.orgExists(parsed.data.role, parsed.data.orgId))) {
          sendError(res, 404, 'ORG_NOT_FOUND', `no ${parsed.data.role} organisation ${parsed.data.orgId}`, 'orgId');
          return true;
        }
        sendJson(res, 200, { token: await services.issuer.sign(parsed.data, new Date()) });
        return true;
      }
      case 'GET /dev/clock':
        sendJson(res, 200, { now: toCityTime(services.clock.now()) });
        return true;
      case 'POST /dev/clock': {
        const parsed = ClockRequest.safeParse(parseJson(body));
        if (!parsed.success) {
          sendError(res, 400, 'INVALID_FIELD', `now: ${parsed.error.issues[0]?.message ?? 'invalid'} (an ISO 8601 time with offset, e.g. 2026-12-01T09:00:00+08:00)`, 'now');
          return true;
        }
        await services.clock.set(new Date(parsed.data.now));
        services.log(`clock set to ${toCityTime(services.clock.now())}`);
        sendJson(res, 200, { now: toCityTime(services.clock.now()) });
        return true;
      }
      case 'GET /dev/sms': {
        const visitId = url.searchParams.get('visitId') ?? undefined;
        const limit = Math.min(1000, Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100));
        const items = await services.outbox.list({ limit, ...(visitId ? { visitId } : {}) });
        if (/text\/html/.test(accept) && !/application\/json/.test(accept)) {
          send(res, 200, smsOutboxPage(items), { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        } else {
          sendJson(res, 200, { items, nextCursor: null });
        }
        return true;
      }
      default:
        return false;
    }
  }

  async function apiRoute(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    const match = compiled
      .map((c) => ({ c, m: c.route.method === req.method ? c.pattern.exec(url.pathname) : null }))
      .find((x) => x.m);
    if (!match?.m) {
      sendJson(res, 404, { message: 'Not Found' }); // API Gateway's own answer
      return;
    }
    const { route, params } = match.c;
    let pathParameters: Record<string, string>;
    try {
      pathParameters = Object.fromEntries(params.map((name, i) => [name, decodeURIComponent(match.m![i + 1]!)]));
    } catch {
      sendJson(res, 400, { message: 'Bad Request' }); // a broken %-escape, as API Gateway refuses it
      return;
    }
    const headers = headersOf(req);
    let claims: Record<string, string> | undefined;
    if (route.access !== 'public') {
      // Like the JWT authoriser: "Bearer <jwt>" or the bare token.
      const token = /^(?:Bearer\s+)?(\S+)$/i.exec(headers.authorization ?? '')?.[1];
      claims = token ? await services.issuer.verify(token) : undefined;
      if (!claims) {
        sendJson(res, 401, { message: 'Unauthorized' }); // API Gateway's own answer
        return;
      }
    }
    const now = new Date();
    const query = Object.fromEntries([...new Set(url.searchParams.keys())].map((k) => [k, url.searchParams.getAll(k).join(',')]));
    // As API Gateway's payload 2.0: cookies in their own field, not among the headers.
    const { cookie, ...otherHeaders } = headers;
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: routeKey(route),
      rawPath: url.pathname,
      rawQueryString: url.search.slice(1),
      headers: otherHeaders,
      ...(cookie ? { cookies: cookie.split(/;\s*/).filter(Boolean) } : {}),
      ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
      ...(params.length ? { pathParameters } : {}),
      ...(body.length ? { body: isTextBody(headers['content-type'] ?? '') ? body.toString('utf8') : body.toString('base64') } : {}),
      isBase64Encoded: body.length > 0 && !isTextBody(headers['content-type'] ?? ''),
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: headers.host ?? 'localhost',
        domainPrefix: 'localhost',
        http: { method: req.method!, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
        requestId: randomUUID(),
        routeKey: routeKey(route),
        stage: '$default',
        time: now.toUTCString(),
        timeEpoch: now.getTime(),
        ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
      } as APIGatewayProxyEventV2['requestContext'],
    };
    const result = await services.invoke(route.group, event);
    if (typeof result === 'string') {
      send(res, 200, result, { 'content-type': 'application/json' });
      return;
    }
    const responseBody = result.body ? (result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('binary') : result.body) : '';
    const responseHeaders = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)]));
    if (result.cookies?.length) res.setHeader('set-cookie', result.cookies);
    send(res, result.statusCode ?? 200, responseBody, responseHeaders);
  }

  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      if (body === 'too-large') {
        sendJson(res, 413, { message: 'Request Entity Too Large' });
        return;
      }
      if (url.pathname === '/health' && !services.ready()) {
        sendError(res, 503, 'STARTING', 'the platform is still starting');
        return;
      }
      if (await localRoute(req, res, url, body)) return;
      await apiRoute(req, res, url, body);
    })().catch((error: Error) => {
      // The path is left out: caregiver links carry their token in it.
      services.log(`500 ${req.method}: ${error.stack ?? error.message}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal Server Error' });
      else res.end();
    });
  });
}
