import * as z from 'zod';
import { badRequest, conflict, gone, notFound, type Refusal } from './errors.js';
import { addMinutes } from './time.js';
import type { Visit } from './visit.js';

/**
 * Three-party mutual evaluation (三方互评). Only a verified visit (checked in
 * and out) can be rated, by the parties to it:
 * - `center`: the care centre rates the caregiver on the household's behalf,
 *   and may rate the company apart;
 * - `household`: the household's own voice, from the centre's follow-up call
 *   (回访), kept apart from the centre's rating;
 * - `caregiver`: the caregiver rates the household, from the job's link;
 * - `enterprise`: the employing company rates its caregiver.
 */
export const EvaluationParty = z.enum(['center', 'household', 'caregiver', 'enterprise']);
export type EvaluationParty = z.infer<typeof EvaluationParty>;

/** Who or what a party's stars are about. */
export const ratedBy: Record<EvaluationParty, 'caregiver' | 'household'> = {
  center: 'caregiver',
  household: 'caregiver',
  enterprise: 'caregiver',
  caregiver: 'household',
};

/**
 * The household's side — the centre's rating and the follow-up call — is
 * what the positive-rating rate (好评率) and the credit score count. The
 * employer rating its own staff, and the caregiver rating the home, are kept
 * and shown, but neither measures the service a household received.
 */
export const countsForService = (party: EvaluationParty) => party === 'center' || party === 'household';

/** A rating of 4 or 5 stars is positive (好评). */
export const POSITIVE_STARS = 4;

/** Evaluations open at check-out and close a week later; a party may change its own for a day. */
export const EVALUATION_WINDOW_DAYS = 7;
export const EDIT_WINDOW_HOURS = 24;

/** 1–5; a form posts the digit as text, and nothing else is read as a number. */
export const Stars = z.preprocess((v) => (typeof v === 'string' && /^\s*[1-5]\s*$/.test(v) ? Number(v) : v), z.number().int('stars are whole numbers').min(1).max(5));

/** The fixed bilingual tags, each about the caregiver or about the household. */
export const EVALUATION_TAGS = [
  { code: 'punctual', about: 'caregiver', zh: '准时守约', en: 'On time' },
  { code: 'skilled', about: 'caregiver', zh: '技能娴熟', en: 'Skilled' },
  { code: 'patient', about: 'caregiver', zh: '耐心细致', en: 'Patient and careful' },
  { code: 'polite', about: 'caregiver', zh: '礼貌热情', en: 'Polite and warm' },
  { code: 'tidy', about: 'caregiver', zh: '干净整洁', en: 'Clean and tidy' },
  { code: 'communicates', about: 'caregiver', zh: '沟通顺畅', en: 'Communicates well' },
  { code: 'late', about: 'caregiver', zh: '迟到', en: 'Late' },
  { code: 'hurried', about: 'caregiver', zh: '服务仓促', en: 'Hurried' },
  { code: 'careless', about: 'caregiver', zh: '不够细心', en: 'Careless' },
  { code: 'impolite', about: 'caregiver', zh: '态度欠佳', en: 'Impolite' },
  { code: 'welcoming', about: 'household', zh: '配合热情', en: 'Welcoming' },
  { code: 'safeHome', about: 'household', zh: '环境安全', en: 'Safe home' },
  { code: 'clearNeeds', about: 'household', zh: '需求清楚', en: 'Clear about needs' },
  { code: 'unsafeHome', about: 'household', zh: '存在安全隐患', en: 'Hazards at home' },
  { code: 'extraDemands', about: 'household', zh: '额外要求多', en: 'Asked for extra work' },
  { code: 'disrespectful', about: 'household', zh: '不尊重服务人员', en: 'Disrespectful' },
] as const;
export const TagCode = z.enum(EVALUATION_TAGS.map((t) => t.code) as [(typeof EVALUATION_TAGS)[number]['code'], ...Array<(typeof EVALUATION_TAGS)[number]['code']>]);
export type TagCode = z.infer<typeof TagCode>;

/** Forms post one field per ticked box, or none. */
const formList = <T extends z.ZodType>(item: T) => z.preprocess((v) => (v === undefined || v === '' ? [] : Array.isArray(v) ? v : [v]), z.array(item).max(6));
const formText = z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), z.string().max(500).optional());

export const EvaluationRequest = z.strictObject({
  stars: Stars,
  tags: formList(TagCode).refine((tags) => new Set(tags).size === tags.length, 'each tag at most once'),
  comment: formText,
  /** The centre only: stars for the company, apart from its caregiver. */
  enterpriseStars: z.preprocess((v) => (v === '' ? undefined : v), Stars.optional()),
});
export type EvaluationRequest = z.infer<typeof EvaluationRequest>;

export const EvaluationSchema = z.object({
  visitId: z.string(),
  party: EvaluationParty,
  /** `center:<id>`, `enterprise:<id>` or `caregiver:<id>`: who wrote it. */
  by: z.string(),
  about: z.enum(['caregiver', 'household']),
  stars: z.number().int().min(1).max(5),
  tags: z.array(TagCode),
  comment: z.string().optional(),
  enterpriseStars: z.number().int().min(1).max(5).optional(),
  submittedAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }).optional(),
  /** 1 when first submitted; each change within the edit window adds one. */
  revision: z.number().int().min(1),
});
export type Evaluation = z.infer<typeof EvaluationSchema>;

/** When the week to rate a visit ends: seven days after check-out. */
export function evaluationClosesAt(visit: Pick<Visit, 'verification'>): Date | undefined {
  const out = visit.verification?.checkOut?.at;
  return out ? addMinutes(new Date(out), EVALUATION_WINDOW_DAYS * 24 * 60) : undefined;
}

/** Why this party may not rate this visit now; undefined when it may. */
export function evaluationRefusal(visit: Pick<Visit, 'status' | 'verification'>, now: Date): Refusal | undefined {
  const closes = evaluationClosesAt(visit);
  if (visit.status !== 'COMPLETED' || !closes) return conflict('VISIT_NOT_COMPLETED', 'a visit can be rated once the caregiver has checked out', 'status');
  if (now > closes) return gone('EVALUATION_CLOSED', `visits can be rated for ${EVALUATION_WINDOW_DAYS} days after check-out`);
  return undefined;
}

/**
 * Checks a request against the party and builds the evaluation to store:
 * tags must be about what this party rates, and only the centre rates the
 * company apart.
 */
export function makeEvaluation(input: { visitId: string; party: EvaluationParty; by: string; request: EvaluationRequest; at: string }): Evaluation {
  const { request, party } = input;
  const about = ratedBy[party];
  const wrongTag = request.tags.find((code) => EVALUATION_TAGS.find((t) => t.code === code)?.about !== about);
  if (wrongTag) throw badRequest('INVALID_FIELD', `tags: ${wrongTag} is not a tag about the ${about}`, 'tags');
  if (request.enterpriseStars !== undefined && party !== 'center') {
    throw badRequest('INVALID_FIELD', 'enterpriseStars: only the care centre rates the company apart', 'enterpriseStars');
  }
  return {
    visitId: input.visitId,
    party,
    by: input.by,
    about,
    stars: request.stars,
    tags: request.tags,
    ...(request.comment ? { comment: request.comment } : {}),
    ...(request.enterpriseStars !== undefined ? { enterpriseStars: request.enterpriseStars } : {}),
    submittedAt: input.at,
    revision: 1,
  };
}

/** A party's change to its own evaluation, within a day of submitting it. */
export function reviseEvaluation(existing: Evaluation | undefined, request: EvaluationRequest, now: Date, at: string): Evaluation {
  if (!existing) throw notFound('EVALUATION_NOT_FOUND', 'you have not rated this visit yet; POST your evaluation first');
  if (now > addMinutes(new Date(existing.submittedAt), EDIT_WINDOW_HOURS * 60)) {
    throw conflict('EDIT_WINDOW_CLOSED', `an evaluation can be changed for ${EDIT_WINDOW_HOURS} hours after it was submitted`);
  }
  const revised = makeEvaluation({ visitId: existing.visitId, party: existing.party, by: existing.by, request, at: existing.submittedAt });
  return { ...revised, updatedAt: at, revision: existing.revision + 1 };
}
