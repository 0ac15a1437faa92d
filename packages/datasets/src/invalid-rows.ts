import { PersonalabError, dataError } from '@personalab/core';

/** What a loader does with a malformed row: stop with an error (default) or skip it and report it. */
export type InvalidRowPolicy = 'throw' | 'skip';

/** A row a loader skipped under `onInvalid: 'skip'`. */
export interface SkippedRow {
  file: string;
  /** 1-based line number of the row (its first line for multi-line CSV records). */
  line: number;
  reason: string;
}

/** Options every loader accepts. */
export interface LoaderOptions {
  /** `'throw'` (default): the first malformed row throws `invalid_data` naming file and line. `'skip'`: collect it in `skipped`. */
  onInvalid?: InvalidRowPolicy;
}

/**
 * Collects skipped rows or throws, depending on the policy, so that no loader drops a row silently.
 * `reject` throws under `'throw'`, and records the row under `'skip'`.
 */
export class RowIssues {
  readonly skipped: SkippedRow[] = [];
  constructor(private readonly policy: InvalidRowPolicy = 'throw') {
    // Anything but 'throw' had meant skip, so a typo ('Skip', 'ignore') dropped bad rows it was meant to stop at.
    if (policy !== 'throw' && policy !== 'skip') throw new PersonalabError('invalid_argument', `onInvalid must be "throw" or "skip", got ${JSON.stringify(policy)}`);
  }

  reject(file: string, line: number, reason: string, cause?: unknown): void {
    if (this.policy === 'throw') throw dataError(file, line, reason, cause);
    this.skipped.push({ file, line, reason });
  }
}
