/** A provider refused or failed a send; `transient` says whether trying again may help. */
export class SmsSendError extends Error {
  readonly transient: boolean;
  /** The provider's error code, e.g. `InternalError.Timeout` or `HTTP 502`. */
  readonly code: string | undefined;

  constructor(message: string, options: { transient: boolean; code?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = 'SmsSendError';
    this.transient = options.transient;
    this.code = options.code;
  }
}

/** AWS error names that mean "later may work": throttling and the service's own faults. */
const TRANSIENT_AWS_ERRORS = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'ServiceUnavailableException',
  'InternalServerException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);

/** Socket errors worth another try; DNS misconfiguration (ENOTFOUND) is not one. */
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

interface AwsLikeError extends Error {
  $retryable?: unknown;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
  code?: unknown;
}

/**
 * Whether a failed send may succeed if tried again: throttling, timeouts,
 * provider faults and dropped connections. Refusals (a bad number, an
 * unapproved template, missing permission) are not, and are not retried.
 */
export function isTransientSmsError(error: unknown): boolean {
  if (error instanceof SmsSendError) return error.transient;
  if (!(error instanceof Error)) return false;
  const e = error as AwsLikeError;
  if (e.$retryable || e.$fault === 'server' || TRANSIENT_AWS_ERRORS.has(e.name)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) return true;
  return typeof e.code === 'string' && TRANSIENT_NETWORK_CODES.has(e.code);
}
