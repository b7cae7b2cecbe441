import * as z from 'zod';
import { ServiceSchema } from '../domain/catalog.js';
import type { Role } from '../domain/principal.js';
import { CenterSchema, ElderSchema } from '../domain/registry.js';
import { CreateVisitRequest, CreatedVisit, VisitView } from '../domain/visit.js';
import type { HttpGroupName } from './groups.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: HttpMethod;
  /** API Gateway path template, e.g. `/visits/{id}`. */
  path: string;
  group: HttpGroupName;
  /** `public` routes skip the JWT authoriser; otherwise the roles allowed. */
  access: 'public' | readonly Role[];
  summary: string;
  request?: z.ZodType;
  response?: z.ZodType;
  /** Content type of a successful response when it is not JSON. */
  produces?: 'text/html';
}

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const AcceptResult = z.object({ visitId: z.string(), status: z.literal('ASSIGNED') });
export const HealthResult = z.object({ status: z.literal('ok') });

/**
 * Every HTTP route, declared once: CDK builds API Gateway routes and
 * authorisers from it, the local runtime serves it, OpenAPI describes it.
 */
export const routes = [
  { method: 'GET', path: '/health', group: 'public', access: 'public', summary: 'Liveness', response: HealthResult },
  { method: 'GET', path: '/openapi.json', group: 'public', access: 'public', summary: 'This API description' },
  { method: 'GET', path: '/catalog/services', group: 'public', access: 'public', summary: 'The 20 in-home services', response: list(ServiceSchema) },
  { method: 'GET', path: '/centers', group: 'registry', access: ['bureau', 'admin'], summary: 'Centres and stations of the city', response: list(CenterSchema) },
  { method: 'GET', path: '/elders', group: 'registry', access: ['center'], summary: "The calling centre's elders, in full", response: list(ElderSchema) },
  { method: 'POST', path: '/visits', group: 'visits', access: ['center'], summary: 'Request a visit (header Idempotency-Key required)', request: CreateVisitRequest, response: CreatedVisit },
  { method: 'GET', path: '/visits/{id}', group: 'visits', access: ['center', 'bureau', 'admin'], summary: 'A visit with its offers, assignment and history', response: VisitView },
  { method: 'GET', path: '/j/{token}', group: 'jobs', access: 'public', summary: "Caregiver's offer or job page (SMS link)", produces: 'text/html' },
  { method: 'POST', path: '/j/{token}/accept', group: 'jobs', access: 'public', summary: 'Accept the offer (form post, or JSON with Accept: application/json)', response: AcceptResult },
] as const satisfies readonly Route[];

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
