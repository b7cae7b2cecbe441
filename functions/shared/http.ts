import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import { Refusal, badRequest } from '../../domain/errors.js';
import { type Principal, PrincipalSchema } from '../../domain/principal.js';
import type { HttpGroupName } from '../groups.js';
import { type Route, routeKey, routes } from '../routes.js';
import { type Platform, platform } from './platform.js';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const logger = new Logger({ serviceName: 'care-dispatch' });

export interface RouteContext {
  event: HttpEvent;
  params: Record<string, string | undefined>;
  /** Present on every non-public route. */
  principal: Principal | undefined;
  platform: Platform;
  lambdaContext: Context;
}

export type RouteImpl = (ctx: RouteContext) => Promise<HttpResult>;

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { ...jsonHeaders, ...headers },
  body: JSON.stringify(body),
});

export const html = (statusCode: number, body: string, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body,
});

export const errorBody = (code: string, message: string, field?: string) => ({
  error: { code, message, ...(field ? { field } : {}) },
});

/** A zod failure as one refusal that names the first offending field. */
export function validationRefusal(error: z.ZodError, prefix = ''): Refusal {
  const issue = error.issues[0];
  const field = [prefix, ...(issue?.path ?? []).map(String)].filter(Boolean).join('.') || 'body';
  const message = issue ? `${field}: ${issue.message}` : 'invalid input';
  return new Refusal(400, 'INVALID_FIELD', message, field);
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, prefix = ''): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationRefusal(result.error, prefix);
  return result.data;
}

function rawBody(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

/** The request body as JSON, refused with a 4xx when it is not. */
export function jsonBody(event: HttpEvent): unknown {
  const contentType = event.headers['content-type'] ?? '';
  if (contentType && !/^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType)) {
    throw new Refusal(415, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as application/json', 'content-type');
  }
  const text = rawBody(event);
  if (!text.trim()) throw badRequest('BODY_REQUIRED', 'a JSON body is required', 'body');
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('INVALID_JSON', 'the body is not valid JSON', 'body');
  }
}

/** A form post (application/x-www-form-urlencoded) or a JSON object, as a flat record. */
export function formOrJsonBody(event: HttpEvent): Record<string, unknown> {
  if (/json/i.test(event.headers['content-type'] ?? '')) {
    const value = jsonBody(event);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest('INVALID_FIELD', 'body: expected an object', 'body');
    return value as Record<string, unknown>;
  }
  // A field sent more than once (ticked checkboxes of one name) becomes a list.
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(rawBody(event))) {
    const known = fields[name];
    fields[name] = known === undefined ? value : Array.isArray(known) ? [...known, value] : [known, value];
  }
  return fields;
}

export const wantsJson = (event: HttpEvent) => /application\/json/i.test(event.headers.accept ?? '');

interface JwtRequestContext {
  authorizer?: { jwt?: { claims?: Record<string, string | number | boolean | string[]> } };
}

/**
 * The caller as the JWT authoriser verified them. Local dev tokens say
 * `role`/`orgId`; Cognito ID tokens carry them as custom attributes.
 */
export function principalOf(event: HttpEvent): Principal | undefined {
  const claims = (event.requestContext as JwtRequestContext).authorizer?.jwt?.claims;
  if (!claims) return undefined;
  const parsed = PrincipalSchema.safeParse({
    role: claims.role ?? claims['custom:role'],
    orgId: claims.orgId ?? claims['custom:orgId'],
  });
  return parsed.success ? parsed.data : undefined;
}

function authorise(route: Route, event: HttpEvent): Principal | undefined {
  if (route.access === 'public') return undefined;
  const principal = principalOf(event);
  if (!principal) throw new Refusal(401, 'UNAUTHENTICATED', 'sign in first: no valid role in the token');
  if (!route.access.includes(principal.role)) {
    throw new Refusal(403, 'FORBIDDEN', `role ${principal.role} may not call ${routeKey(route)}`);
  }
  return principal;
}

/**
 * The Lambda handler of one HTTP handler group: finds the route by API
 * Gateway's routeKey, authorises by the route table, runs the route and turns
 * refusals into 4xx JSON errors. Unexpected errors are logged and become a 500
 * that reveals nothing.
 */
export function httpHandler(group: HttpGroupName, impls: Record<string, RouteImpl>) {
  const table = new Map<string, { route: Route; impl: RouteImpl }>();
  for (const route of routes.filter((r) => r.group === group) as Route[]) {
    const impl = impls[routeKey(route)];
    if (!impl) throw new Error(`group ${group} does not implement ${routeKey(route)}`);
    table.set(routeKey(route), { route, impl });
  }
  return middy<HttpEvent, HttpResult, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event, lambdaContext) => {
      try {
        const entry = table.get(event.routeKey);
        if (!entry) return json(404, errorBody('NOT_FOUND', `no route ${event.routeKey}`));
        const principal = authorise(entry.route, event);
        return await entry.impl({ event, params: event.pathParameters ?? {}, principal, platform: platform(), lambdaContext });
      } catch (error) {
        if (error instanceof Refusal) return json(error.status, errorBody(error.code, error.message, error.field));
        logger.error('unhandled error', { routeKey: event.routeKey, error: error as Error });
        return json(500, errorBody('INTERNAL', 'internal error'));
      }
    });
}
