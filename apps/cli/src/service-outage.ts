import { PersonalabError } from '@personalab/core';

/** HTTP statuses that say the service behind a gateway is not there, rather than that it refused one request. */
const gatewayStatuses: readonly unknown[] = [502, 503, 504];

/**
 * Whether an assistant's error, after its retries, means its service could not be reached: no answer at all (connection
 * refused, reset or closed, a timeout) or a gateway's 502, 503 or 504. An answer such as a 4xx (one unknown user), a 500
 * or a 429 means the service is there.
 */
export function isUnreachable(error: unknown): boolean {
  if (!PersonalabError.is(error) || !error.isRetryable) return false;
  const status = error.details?.['status'];
  if (status !== undefined) return gatewayStatuses.includes(status);
  return error.code === 'upstream_error' || error.code === 'upstream_timeout';
}

/**
 * Counts the conversations in a row that failed because the service could not be reached. A dead or hung service had
 * failed every remaining conversation, each after its retries (90 s apiece when hung); once `limit` fail in a row the
 * run stops. Any answer from the service (a conversation stored, or failed on an error the service sent) starts the
 * count over, so that a single failing user does not stop a healthy run.
 */
export class OutageWatch {
  private inARow = 0;
  /** The failure that reached the limit, once one has. */
  private last: PersonalabError | undefined;

  constructor(readonly limit = 3) {}

  /** Hears an assistant's failure; true once `limit` conversations in a row could not reach the service (and for those failing so after). */
  failed(error: unknown): boolean {
    if (!isUnreachable(error)) {
      if (this.last === undefined) this.inARow = 0;
      return false;
    }
    this.inARow++;
    if (this.inARow >= this.limit) this.last ??= error as PersonalabError;
    return this.last !== undefined;
  }

  /** Hears a conversation that finished: the service answered. */
  answered(): void {
    if (this.last === undefined) this.inARow = 0;
  }

  /** The error that stopped the run, once `limit` conversations in a row could not reach the service. */
  get stoppedBy(): PersonalabError | undefined {
    return this.last;
  }
}
