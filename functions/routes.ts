import * as z from 'zod';
import { ServiceSchema } from '../domain/catalog.js';
import type { Role } from '../domain/principal.js';
import { CommunitySchema, StreetSchema } from '../domain/city.js';
import { CenterSchema, ElderSchema, MaskedElderSchema } from '../domain/registry.js';
import {
  CaregiverListItem,
  CreateCaregiverRequest,
  CreateElderRequest,
  CreateEnterpriseRequest,
  CreatedCaregiver,
  CreatedElder,
  CreatedEnterprise,
  EnterpriseListItem,
  EnterpriseView,
  StatusChangeRequest,
  TransferElderRequest,
  UpdateCenterRequest,
  UpdateCaregiverRequest,
  UpdateElderRequest,
  UpdateEnterpriseRequest,
} from '../domain/registry-requests.js';
import { CaregiverView, ImportResult, VerifyView } from './views.js';
import { AssignVisitRequest, CancelVisitRequest, CreateVisitRequest, CreatedVisit, DeclineOfferRequest, ReopenVisitRequest, RescheduleVisitRequest, DeskVisit, VisitSummary, VisitView } from '../domain/visit.js';
import type { HttpGroupName } from './groups.js';
import { CheckInRequest, CheckOutRequest, IncidentSchema, PresenceRecordSchema, ReportIncidentRequest, VerificationSchema } from '../domain/verification.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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
  /** Request headers the route requires, for the API description. */
  requiredHeaders?: readonly string[];
  /** Content type of a successful response when it is not JSON. */
  produces?: 'text/html' | 'image/svg+xml';
}

const signedIn = ['center', 'enterprise', 'bureau', 'admin'] as const;

const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const AcceptResult = z.object({ visitId: z.string(), status: z.literal('ASSIGNED') });
export const DeclineResult = z.object({ visitId: z.string(), status: z.literal('DECLINED') });
export const IncidentResult = z.object({ visitId: z.string(), incident: IncidentSchema });
export const CheckInResult = z.object({ visitId: z.string(), status: z.literal('IN_PROGRESS'), checkIn: PresenceRecordSchema });
export const CheckOutResult = z.object({ visitId: z.string(), status: z.literal('COMPLETED'), checkOut: VerificationSchema.shape.checkOut.unwrap() });
export const HealthResult = z.object({ status: z.literal('ok') });

/**
 * Every HTTP route, declared once: CDK builds API Gateway routes and
 * authorisers from it, the local runtime serves it, OpenAPI describes it.
 */
export const routes = [
  { method: 'GET', path: '/health', group: 'public', access: 'public', summary: 'Liveness', response: HealthResult },
  { method: 'GET', path: '/openapi.json', group: 'public', access: 'public', summary: 'This API description' },
  { method: 'GET', path: '/catalog/services', group: 'public', access: 'public', summary: 'The 20 in-home services', response: list(ServiceSchema) },
  { method: 'GET', path: '/streets', group: 'registry', access: signedIn, summary: 'Streets and towns with their hub centre', response: list(StreetSchema) },
  { method: 'GET', path: '/communities', group: 'registry', access: signedIn, summary: 'Communities of the city (?streetId=)', response: list(CommunitySchema) },
  { method: 'GET', path: '/centers', group: 'registry', access: ['bureau', 'admin', 'center'], summary: 'Centres, stations and windows of the city', response: list(CenterSchema) },
  { method: 'PATCH', path: '/centers/{id}', group: 'registry', access: ['center', 'bureau', 'admin'], summary: 'A centre’s duty phone and partner companies (the centre itself or the bureau)', request: UpdateCenterRequest, response: CenterSchema },
  { method: 'GET', path: '/elders', group: 'registry', access: ['center'], summary: "The calling centre's elders, in full (?cursor=, ?limit=)", response: list(ElderSchema) },
  { method: 'POST', path: '/elders', group: 'registry', access: ['center'], summary: 'Register an elder of the calling centre', request: CreateElderRequest, response: CreatedElder },
  { method: 'GET', path: '/elders/{id}', group: 'registry', access: ['center', 'bureau', 'admin'], summary: 'An elder: in full for the registering centre, masked for the bureau', response: z.union([ElderSchema, MaskedElderSchema]) },
  { method: 'PATCH', path: '/elders/{id}', group: 'registry', access: ['center'], summary: 'Update an elder of the calling centre', request: UpdateElderRequest, response: ElderSchema },
  { method: 'GET', path: '/elders/{id}/door-card', group: 'registry', access: ['center'], summary: 'The printable door card of an elder of the calling centre: the door code caregivers enter when GPS fails (HTML)', produces: 'text/html' },
  { method: 'POST', path: '/elders/{id}/transfer', group: 'registry', access: ['center', 'bureau', 'admin'], summary: 'Hand an elder to another centre (the registering centre or the bureau)', request: TransferElderRequest, response: MaskedElderSchema },
  { method: 'POST', path: '/enterprises', group: 'registry', access: ['bureau', 'admin'], summary: 'Register a company (status registered)', request: CreateEnterpriseRequest, response: CreatedEnterprise },
  { method: 'GET', path: '/enterprises', group: 'registry', access: ['bureau', 'admin'], summary: 'Companies (?status=, ?cursor=, ?limit=)', response: list(EnterpriseListItem) },
  { method: 'GET', path: '/enterprises/{id}', group: 'registry', access: ['bureau', 'admin', 'enterprise'], summary: 'A company with its audit history', response: EnterpriseView },
  { method: 'PATCH', path: '/enterprises/{id}', group: 'registry', access: ['bureau', 'admin', 'enterprise'], summary: 'Update a company (licence fields: bureau only)', request: UpdateEnterpriseRequest, response: EnterpriseView },
  ...(['licence', 'suspend', 'reinstate', 'revoke'] as const).map((action) => ({
    method: 'POST' as const,
    path: `/enterprises/{id}/${action}`,
    group: 'registry' as const,
    access: ['bureau', 'admin'] as const,
    summary: `${action.charAt(0).toUpperCase()}${action.slice(1)} a company, with a reason kept in its audit history`,
    request: StatusChangeRequest,
    response: EnterpriseView,
  })),
  { method: 'POST', path: '/caregivers', group: 'registry', access: ['enterprise', 'bureau', 'admin'], summary: 'Register a caregiver of a company', request: CreateCaregiverRequest, response: CreatedCaregiver },
  { method: 'GET', path: '/caregivers', group: 'registry', access: ['enterprise', 'bureau', 'admin'], summary: "A company's caregivers (?enterpriseId=, ?cursor=, ?limit=)", response: list(CaregiverListItem) },
  { method: 'GET', path: '/caregivers/{id}', group: 'registry', access: ['enterprise', 'bureau', 'admin'], summary: 'A caregiver (ID number masked)', response: CaregiverView },
  { method: 'PATCH', path: '/caregivers/{id}', group: 'registry', access: ['enterprise', 'bureau', 'admin'], summary: 'Update a caregiver', request: UpdateCaregiverRequest, response: CaregiverView },
  { method: 'POST', path: '/import/{kind}', group: 'imports', access: ['bureau', 'admin', 'enterprise'], summary: 'Import companies or caregivers from CSV (text/csv, UTF-8)', response: ImportResult },
  { method: 'GET', path: '/verify/{code}', group: 'verify', access: 'public', summary: 'Verify a company or caregiver by its public code (HTML; JSON with Accept: application/json)', response: VerifyView },
  { method: 'GET', path: '/verify/{code}/qr.svg', group: 'verify', access: 'public', summary: 'The QR code that leads to the verify page', produces: 'image/svg+xml' },
  { method: 'POST', path: '/visits', group: 'visits', access: ['center'], summary: 'Request a visit', requiredHeaders: ['Idempotency-Key'], request: CreateVisitRequest, response: CreatedVisit },
  { method: 'GET', path: '/visits', group: 'visits', access: ['center'], summary: "The calling centre's visits in start order (?status=, ?from=, ?to= city dates, ?cursor=, ?limit=)", response: list(VisitSummary) },
  { method: 'GET', path: '/desk', group: 'visits', access: ['center', 'enterprise'], summary: 'Visits nobody accepted that the escalation ladder put before the caller (a hub centre, or a company’s dispatcher), still open, to assign by hand (?cursor=, ?limit=)', response: list(DeskVisit) },
  { method: 'GET', path: '/visits/{id}', group: 'visits', access: ['center', 'bureau', 'admin'], summary: 'A visit with its offers, assignment and history', response: VisitView },
  { method: 'POST', path: '/visits/{id}/reschedule', group: 'visits', access: ['center'], summary: 'Move a visit to another window: it is cancelled and a new one requested, its caregiver asked first', request: RescheduleVisitRequest, response: CreatedVisit },
  { method: 'POST', path: '/visits/{id}/assign', group: 'visits', access: ['center', 'enterprise'], summary: 'Assign an open or UNFILLED visit by hand (the street’s hub centre, or a company for its own caregiver)', request: AssignVisitRequest, response: VisitView },
  { method: 'POST', path: '/visits/{id}/reopen', group: 'visits', access: ['center'], summary: 'Dispatch an UNFILLED visit again in its window (the owning centre or the street’s hub centre)', request: ReopenVisitRequest, response: CreatedVisit },
  { method: 'POST', path: '/visits/{id}/cancel', group: 'visits', access: ['center'], summary: 'Cancel a visit of the calling centre, with a reason (until check-in)', request: CancelVisitRequest, response: VisitView },
  { method: 'GET', path: '/j/{token}', group: 'jobs', access: 'public', summary: "Caregiver's offer or job page (SMS link)", produces: 'text/html' },
  { method: 'POST', path: '/j/{token}/accept', group: 'jobs', access: 'public', summary: 'Accept the offer (form post, or JSON with Accept: application/json)', response: AcceptResult },
  { method: 'POST', path: '/j/{token}/check-in', group: 'jobs', access: 'public', summary: 'Check in on the bound phone: {lat, lon, accuracy} or {doorCode} (form post or JSON)', request: CheckInRequest, response: CheckInResult },
  { method: 'POST', path: '/j/{token}/check-out', group: 'jobs', access: 'public', summary: 'Check out on the bound phone with the care note, checklist and, when far off plan, a reason (form post or JSON)', request: CheckOutRequest, response: CheckOutResult },
  { method: 'POST', path: '/j/{token}/incident', group: 'jobs', access: 'public', summary: 'Report from the job that nobody answered the door (noAnswer) or an emergency: the centre and the family are alerted (form post or JSON)', request: ReportIncidentRequest, response: IncidentResult },
  { method: 'POST', path: '/j/{token}/decline', group: 'jobs', access: 'public', summary: 'Decline the offer, optionally with a reason (form post or JSON)', request: DeclineOfferRequest, response: DeclineResult },
] as const satisfies readonly Route[];

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
