import { type ErrorCode } from '@personalab/core';

/**
 * The one table that maps personalab error codes to HTTP statuses (as tRPC's
 * `getHTTPStatusCode`). Every error the API returns goes through it.
 */
export const errorStatus: Record<ErrorCode, number> = {
  invalid_argument: 400,
  invalid_data: 400,
  not_found: 404,
  conflict: 409,
  unprocessable_content: 422,
  unauthenticated: 401,
  permission_denied: 403,
  rate_limited: 429,
  payload_too_large: 413,
  upstream_error: 502,
  upstream_timeout: 504,
  upstream_bad_response: 502,
  corrupt_file: 500,
  storage_error: 500,
  config_error: 500,
  unsupported: 501,
  cancelled: 499,
  unavailable: 503,
  internal: 500,
};

/** The HTTP status for an error code. */
export function statusForCode(code: ErrorCode): number {
  return errorStatus[code];
}

/** The error code for an HTTP status fastify produced itself (body parser, limits, 404 routes). */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 414:
    case 415:
      return 'invalid_argument';
    // The request took longer to arrive than the server waits (a client sending a byte at a time).
    case 408:
      return 'cancelled';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    // A method the path does not take (the 405 carries Allow).
    case 405:
      return 'unsupported';
    case 409:
      return 'conflict';
    case 413:
    case 431:
      return 'payload_too_large';
    case 422:
      return 'unprocessable_content';
    case 429:
      return 'rate_limited';
    case 503:
      return 'unavailable';
    default:
      return 'internal';
  }
}
