import { PersonalabError, type ErrorCode } from '@personalab/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** HTTP statuses worth retrying: the server may answer differently next time. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  if (status === 404) return 'not_found';
  if (status === 408) return 'upstream_timeout';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 429) return 'rate_limited';
  return 'upstream_error';
}

/** Why a request was aborted: our own per-call timeout, or the caller's signal. */
export interface AbortContext {
  timedOut: boolean;
  timeoutMs: number;
}

/**
 * Wraps anything the `openai` SDK (or the network under it) throws into a `PersonalabError`
 * with a code, `isRetryable`, the HTTP status and the Retry-After header in `details`.
 */
export function toPersonalabError(error: unknown, endpoint: string, abort?: AbortContext): PersonalabError {
  if (PersonalabError.is(error)) return error;
  const where = `LLM endpoint ${endpoint}`;
  // APIUserAbortError and APIConnectionError extend APIError, so test them first.
  if (error instanceof APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) {
    if (abort?.timedOut) {
      return new PersonalabError('upstream_timeout', `${where} did not answer within ${abort.timeoutMs} ms`, {
        cause: error,
        isRetryable: true,
        details: { timeoutMs: abort.timeoutMs },
      });
    }
    return new PersonalabError('cancelled', `${where}: request cancelled by the caller`, { cause: error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new PersonalabError('upstream_timeout', `${where} timed out`, { cause: error, isRetryable: true });
  }
  if (error instanceof APIConnectionError) {
    const reason = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return new PersonalabError('upstream_error', `${where} unreachable (${error.message}${reason})`, { cause: error, isRetryable: true });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const retryAfter = error.headers?.get('retry-after') ?? undefined;
    const retryAfterMs = error.headers?.get('retry-after-ms') ?? undefined;
    return new PersonalabError(codeForStatus(status), `${where} answered HTTP ${status}: ${error.message}`, {
      cause: error,
      isRetryable: isRetryableStatus(status),
      details: {
        status,
        ...(retryAfter === undefined ? {} : { retryAfter }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        ...(error.code ? { upstreamCode: error.code } : {}),
      },
    });
  }
  if (error instanceof SyntaxError) {
    // The body was not JSON (a proxy error page, a truncated answer): often transient.
    return new PersonalabError('upstream_bad_response', `${where} sent a body that is not JSON: ${error.message}`, {
      cause: error,
      isRetryable: true,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PersonalabError('upstream_error', `${where} failed: ${message}`, { cause: error, isRetryable: false });
}
