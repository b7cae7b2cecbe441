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
import { MyJobsList, MyJobsRequest, MyJobsRequested } from '../domain/my-jobs.js';
import { EvaluationRequest, EvaluationSchema } from '../domain/evaluation.js';
import { ComplaintSchema, DecideComplaintRequest, FileComplaintRequest } from '../domain/complaint.js';
import { CreditView, RankedEnterprise, RatingStats } from '../domain/credit.js';
import { ExchangeCaregiver, ExchangeEnterprise, NationalCreditRecord } from '../domain/exchange.js';
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
  /** Content type(s) of a successful response when it is not JSON; with `response`, JSON Lines are records of that schema. */
  produces?: FileType | readonly FileType[];
  /** Body types of a file upload; `request` then documents one record (a line or a row), and success is 200. */
  consumes?: readonly FileType[];
}

export type FileType = 'text/html' | 'image/svg+xml' | 'application/x-ndjson' | 'text/csv';

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
  { method: 'POST', path: '/visits/{id}/evaluations', group: 'visits', access: ['center', 'enterprise'], summary: 'Rate a completed visit within 7 days: the owning centre rates the caregiver for the household (and may rate the company apart); the employing company rates its caregiver', request: EvaluationRequest, response: EvaluationSchema },
  { method: 'PUT', path: '/visits/{id}/evaluations/mine', group: 'visits', access: ['center', 'enterprise'], summary: 'Change your own evaluation within 24 hours of submitting it', request: EvaluationRequest, response: EvaluationSchema },
  ...(['POST', 'PUT'] as const).map((method) => ({
    method,
    path: '/visits/{id}/follow-up',
    group: 'visits' as const,
    access: ['center'] as const,
    summary: method === 'POST' ? 'Record the household’s own rating from a follow-up call (回访), kept apart from the centre’s' : 'Change the follow-up call’s record within 24 hours',
    request: EvaluationRequest,
    response: EvaluationSchema,
  })),
  { method: 'GET', path: '/caregivers/{id}/credit', group: 'credit', access: ['enterprise', 'bureau', 'admin'], summary: 'A caregiver’s credit score, tier, positive-rating rate and the history of every change with its cause', response: CreditView },
  { method: 'GET', path: '/enterprises/{id}/credit', group: 'credit', access: ['enterprise', 'bureau', 'admin'], summary: 'A company’s credit score, tier, positive-rating rate and the history of every change with its cause', response: CreditView },
  { method: 'POST', path: '/visits/{id}/complaints', group: 'credit', access: ['center'], summary: 'Complain about a visit’s caregiver (the owning centre; one per category); it goes to the bureau’s review queue', request: FileComplaintRequest, response: ComplaintSchema },
  { method: 'GET', path: '/complaints', group: 'credit', access: ['bureau', 'admin'], summary: 'The bureau’s review queue (?status=pending|upheld|dismissed, ?cursor=, ?limit=)', response: list(ComplaintSchema) },
  { method: 'GET', path: '/complaints/{id}', group: 'credit', access: ['center', 'bureau', 'admin'], summary: 'A complaint (the bureau, or the centre that filed it)', response: ComplaintSchema },
  { method: 'POST', path: '/complaints/{id}/decision', group: 'credit', access: ['bureau', 'admin'], summary: 'Uphold or dismiss a complaint with a reason; only an upheld one counts against credit', request: DecideComplaintRequest, response: ComplaintSchema },
  { method: 'GET', path: '/bureau/stats', group: 'credit', access: ['bureau', 'admin'], summary: 'Positive-rating rate (好评率) and average stars over city dates (?from=, ?to=, default the last 30 days; ?streetId= or ?enterpriseId= or ?caregiverId=, default the whole city)', response: RatingStats },
  { method: 'GET', path: '/bureau/rankings/enterprises', group: 'credit', access: ['bureau', 'admin'], summary: 'Companies by credit score, with recommended outstanding units (推荐先进承办单位) and flagged ones, and the reasons (?limit=, ?flagged=true for only those below the threshold, lowest first)', response: list(RankedEnterprise) },
  { method: 'GET', path: '/exchange/export', group: 'credit', access: ['bureau', 'admin'], summary: 'Export companies or caregivers with their credit for the national credit system (?kind=enterprises|caregivers, ?format=jsonl|csv, ?limit= records per page, ?cursor= from the x-next-cursor header); a file download, no phone, ID number or full name', response: z.union([ExchangeEnterprise, ExchangeCaregiver]), produces: ['application/x-ndjson', 'text/csv'] },
  { method: 'POST', path: '/exchange/import', group: 'credit', access: ['bureau', 'admin'], summary: 'Import the national credit system’s records (JSON Lines or CSV), matched by licence number and credit code, or public code and service card number; shown beside our score, never changing it. Our own export files import as matched, with no national grade', request: z.union([NationalCreditRecord, ExchangeEnterprise, ExchangeCaregiver]), consumes: ['application/x-ndjson', 'text/csv'], response: ImportResult },
  { method: 'GET', path: '/j/{token}', group: 'jobs', access: 'public', summary: "Caregiver's offer or job page (SMS link)", produces: 'text/html' },
  { method: 'POST', path: '/j/{token}/accept', group: 'jobs', access: 'public', summary: 'Accept the offer (form post, or JSON with Accept: application/json)', response: AcceptResult },
  { method: 'POST', path: '/j/{token}/check-in', group: 'jobs', access: 'public', summary: 'Check in on the bound phone: {lat, lon, accuracy} or {doorCode} (form post or JSON)', request: CheckInRequest, response: CheckInResult },
  { method: 'POST', path: '/j/{token}/check-out', group: 'jobs', access: 'public', summary: 'Check out on the bound phone with the care note, checklist and, when far off plan, a reason (form post or JSON)', request: CheckOutRequest, response: CheckOutResult },
  { method: 'POST', path: '/j/{token}/incident', group: 'jobs', access: 'public', summary: 'Report from the job that nobody answered the door (noAnswer) or an emergency: the centre and the family are alerted (form post or JSON)', request: ReportIncidentRequest, response: IncidentResult },
  { method: 'POST', path: '/j/{token}/evaluate', group: 'jobs', access: 'public', summary: 'The caregiver rates the household after check-out, within 7 days (form post or JSON)', request: EvaluationRequest, response: EvaluationSchema },
  { method: 'POST', path: '/j/{token}/decline', group: 'jobs', access: 'public', summary: 'Decline the offer, optionally with a reason (form post or JSON)', request: DeclineOfferRequest, response: DeclineResult },
  { method: 'GET', path: '/me', group: 'jobs', access: 'public', summary: 'A caregiver asks for their "my jobs" link by mobile number: the form (HTML, ?lang=en)', produces: 'text/html' },
  { method: 'POST', path: '/me', group: 'jobs', access: 'public', summary: 'Send the "my jobs" link by SMS to the number on file, at most once per 10 minutes; the same answer (202, or 303 for a form) whether or not the number is known', request: MyJobsRequest, response: MyJobsRequested },
  { method: 'GET', path: '/me/{token}', group: 'jobs', access: 'public', summary: 'The caregiver’s accepted and upcoming jobs, and those completed this week (HTML; JSON with Accept: application/json); no address or name', response: MyJobsList },
  { method: 'POST', path: '/me/{token}/jobs/{visitId}/open', group: 'jobs', access: 'public', summary: 'Re-open a job from the list on this phone: binds the job to it and answers 303 to a fresh job link (form post)' },
] as const satisfies readonly Route[];

export const routeKey = (route: Pick<Route, 'method' | 'path'>) => `${route.method} ${route.path}`;
