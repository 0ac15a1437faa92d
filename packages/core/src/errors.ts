/**
 * The one error hierarchy of personalab. Every package throws `PersonalabError` with a code
 * from this closed union; apps map codes to HTTP statuses in one table.
 */
export const errorCodes = [
  'invalid_argument', // a caller passed something wrong (bad option, bad request body)
  'invalid_data', // a data file or stored record is malformed (names file and line)
  'not_found',
  'conflict',
  'unprocessable_content', // well-formed, but not to be processed as sent (an Idempotency-Key reused with another body)
  'unauthenticated',
  'permission_denied',
  'rate_limited',
  'payload_too_large',
  'upstream_error', // an upstream service (LLM endpoint) failed
  'upstream_timeout',
  'upstream_bad_response', // the upstream answered with something we could not use
  'corrupt_file', // a persisted file is truncated or disagrees with its header
  'storage_error',
  'config_error',
  'unsupported',
  'cancelled',
  'unavailable', // the service cannot take the request now (a server shutting down); retryable, elsewhere or later
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export interface PersonalabErrorOptions {
  /** The underlying error, kept for logs. */
  cause?: unknown;
  /** Whether retrying the same call may succeed (upstream 429/5xx, timeouts). */
  isRetryable?: boolean;
  /** Structured details: file and line, JSON path, HTTP status of an upstream. */
  details?: Record<string, unknown>;
}

export class PersonalabError extends Error {
  override readonly name = 'PersonalabError';
  readonly code: ErrorCode;
  readonly isRetryable: boolean;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, options: PersonalabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
    this.details = options.details ?? {};
  }

  /** Narrow an unknown value to a PersonalabError, optionally of one code. */
  static is(value: unknown, code?: ErrorCode): value is PersonalabError {
    return value instanceof PersonalabError && (code === undefined || value.code === code);
  }
}

/** An error about a data file, naming the file and (1-based) line. */
export function dataError(file: string, line: number | undefined, message: string, cause?: unknown): PersonalabError {
  const where = line === undefined ? file : `${file}:${line}`;
  return new PersonalabError('invalid_data', `${where}: ${message}`, {
    cause,
    details: { file, ...(line === undefined ? {} : { line }) },
  });
}
