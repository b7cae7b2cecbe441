/**
 * A refusal the caller can act on. Handlers turn it into a 4xx JSON error
 * `{error: {code, message, field?}}`; anything else is a 5xx.
 */
export type RefusalStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429;

export class Refusal extends Error {
  constructor(
    readonly status: RefusalStatus,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

export const badRequest = (code: string, message: string, field?: string) => new Refusal(400, code, message, field);
export const forbidden = (code: string, message: string, field?: string) => new Refusal(403, code, message, field);
export const notFound = (code: string, message: string, field?: string) => new Refusal(404, code, message, field);
export const conflict = (code: string, message: string, field?: string) => new Refusal(409, code, message, field);
export const gone = (code: string, message: string) => new Refusal(410, code, message);
