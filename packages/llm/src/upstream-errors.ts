import { PersonalabError, type ErrorCode } from '@personalab/core';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';

/** HTTP statuses worth retrying: the server may answer differently next time. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * Client-error statuses that say the request is wrong for this endpoint (base URL, model name,
 * credentials, parameters), so every other request of a run would fail the same way.
 */
const configurationStatuses = new Set([400, 401, 403, 404, 422]);

/**
 * Whether an upstream error says the prompt is longer than the model's context window (OpenAI
 * `context_length_exceeded`, vLLM "maximum context length", llama.cpp "exceeds the available
 * context size"): a problem of this request's size, not of the configuration.
 */
export function isContextLengthError(error: PersonalabError): boolean {
  const upstreamCode = typeof error.details.upstreamCode === 'string' ? error.details.upstreamCode : '';
  return /context[\s_-]*(length|size|window)|prompt is too long|too many (input )?tokens/i.test(`${upstreamCode} ${error.message}`);
}

/**
 * Whether an error from the endpoint would fail every request of a run alike: HTTP (or, for an
 * error inside a stream, body) status 400, 401, 403, 404 or 422, unless the error names the
 * context length. A batch job stops at once on these instead of trying the next item.
 */
export function isConfigurationError(error: unknown): boolean {
  if (!PersonalabError.is(error)) return false;
  const status = error.details.status ?? error.details.upstreamStatus;
  return typeof status === 'number' && configurationStatuses.has(status) && !isContextLengthError(error);
}

function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'permission_denied';
  // Not `not_found`: that code is the read-mode cache miss, and callers map it to "no such thing".
  // A 404 from the endpoint is a misconfiguration upstream (wrong base URL or model route).
  if (status === 404) return 'upstream_error';
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
  /** The limit was on silence (a stream that stopped sending), not on the whole request. */
  idle?: boolean;
}

/** An HTTP-like status a server put in an error body (`{"error": {"code": 503}}`, as vLLM does). */
function statusInBody(error: APIError): number | undefined {
  const code: unknown = error.code ?? (error.error as { code?: unknown } | undefined)?.code;
  const status = typeof code === 'number' ? code : typeof code === 'string' && /^\d{3}$/.test(code) ? Number(code) : undefined;
  return status !== undefined && status >= 400 && status < 600 ? status : undefined;
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
      const what = abort.idle ? `sent nothing for ${abort.timeoutMs} ms` : `did not answer within ${abort.timeoutMs} ms`;
      return new PersonalabError('upstream_timeout', `${where} ${what}`, {
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
    // The reason is at the bottom of the chain: "Connection error." ← "fetch failed" ← "connect ECONNREFUSED 127.0.0.1:8000".
    const reasons = causeMessages(error.cause);
    return new PersonalabError('upstream_error', `${where} unreachable (${reasons.length > 0 ? reasons.join(': ') : error.message})`, { cause: error, isRetryable: true });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const retryAfter = error.headers?.get('retry-after') ?? undefined;
    const retryAfterMs = error.headers?.get('retry-after-ms') ?? undefined;
    const hint = status === 404 && !/\/v1\/?$/.test(endpoint) ? ` (check that the base URL ends in /v1: ${endpoint})` : status === 404 ? ' (check the base URL and the model name)' : '';
    // The SDK's message starts with the status ("500 The server had an error"): said once is enough.
    const message = error.message.replace(new RegExp(`^${status}\\s+`), '');
    return new PersonalabError(codeForStatus(status), `${where} answered HTTP ${status}: ${message}${hint}`, {
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
  if (error instanceof APIError) {
    // No HTTP status: the server reported an error inside a 200 stream (`data: {"error": {...}}`),
    // how vLLM reports engine errors. Retryable unless its body names a client-error status.
    const status = statusInBody(error);
    return new PersonalabError(status === undefined ? 'upstream_error' : codeForStatus(status), `${where} reported an error in the stream: ${error.message}`, {
      cause: error,
      isRetryable: status === undefined || isRetryableStatus(status),
      details: { ...(status === undefined ? {} : { upstreamStatus: status }), ...(error.code ? { upstreamCode: error.code } : {}) },
    });
  }
  if (error instanceof SyntaxError) {
    // The body was not JSON (a proxy error page, a truncated answer): often transient.
    return new PersonalabError('upstream_bad_response', `${where} sent a body that is not JSON: ${error.message}`, {
      cause: error,
      isRetryable: true,
    });
  }
  if (isConnectionLoss(error)) {
    // undici's "terminated" (the socket closed mid-response: a keep-alive reset, a server or proxy that died) names
    // nothing by itself; the cause says "other side closed". Transient, like a refused connection.
    return new PersonalabError('upstream_error', `${where} connection lost (${causeMessages(error).join(': ')})`, { cause: error, isRetryable: true });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new PersonalabError('upstream_error', `${where} failed: ${message}`, { cause: error, isRetryable: false });
}

/** Socket-level error codes (Node's and undici's) that mean the connection broke, not that the request was wrong. */
const connectionLossCodes = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH', 'ENETDOWN', 'EAI_AGAIN']);

/** Whether an error (or one in its cause chain) is a broken connection: a reset, a closed socket, undici's socket errors. */
export function isConnectionLoss(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && (connectionLossCodes.has(code) || code.startsWith('UND_ERR_SOCKET') || code === 'UND_ERR_CLOSED')) return true;
  }
  return false;
}

/** The messages down an error's cause chain (at most 5, repeats dropped): what a network failure says it was. */
export function causeMessages(cause: unknown): string[] {
  const messages: string[] = [];
  for (let current = cause, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    // An AggregateError (both IPv4 and IPv6 refused) has no message of its own: its errors say it.
    const message = current.message || (current instanceof AggregateError ? current.errors.map((inner: unknown) => (inner instanceof Error ? inner.message : String(inner))).join('; ') : '');
    if (message !== '' && !messages.includes(message)) messages.push(message);
  }
  return messages;
}
