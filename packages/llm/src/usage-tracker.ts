import type { TokenUsage } from '@personalab/core';

/** Running totals for one run; pass one tracker to several models to total them together. */
export interface UsageTotals extends TokenUsage {
  /** HTTP requests sent (retries included). */
  requests: number;
  /** Retries after a retryable failure. */
  retries: number;
  /** Calls answered from the record/replay cache. */
  cacheHits: number;
  /** Structured-output replies that failed validation and were asked again. */
  repairs: number;
  /** Calls that finally failed. */
  failures: number;
  /** Calls the caller stopped (its signal: Ctrl-C, a step deadline), not failures of the endpoint. */
  cancelled: number;
}

export class UsageTracker {
  private readonly totals: UsageTotals = emptyTotals();

  /** A copy of the totals so far. */
  snapshot(): UsageTotals {
    return { ...this.totals };
  }

  addTokens(usage: TokenUsage): void {
    this.totals.promptTokens += usage.promptTokens;
    this.totals.completionTokens += usage.completionTokens;
    this.totals.totalTokens += usage.totalTokens;
  }

  count(field: 'requests' | 'retries' | 'cacheHits' | 'repairs' | 'failures' | 'cancelled', by = 1): void {
    this.totals[field] += by;
  }

  reset(): void {
    Object.assign(this.totals, emptyTotals());
  }
}

function emptyTotals(): UsageTotals {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0, retries: 0, cacheHits: 0, repairs: 0, failures: 0, cancelled: 0 };
}

export const zeroUsage = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/**
 * One line for the end of a run: `12,345 tokens (10,000 prompt + 2,345 completion), 40 requests, 3 retries, 5 cache hits, 1 repair,
 * 0 failures` (and `, 2 cancelled` when the caller stopped calls).
 */
export function formatUsage(totals: UsageTotals): string {
  const number = (value: number) => value.toLocaleString('en-US');
  const plural = (count: number, word: string) => `${number(count)} ${word}${count === 1 ? '' : 's'}`;
  return (
    `${number(totals.totalTokens)} tokens (${number(totals.promptTokens)} prompt + ${number(totals.completionTokens)} completion), ` +
    `${plural(totals.requests, 'request')}, ${plural(totals.retries, 'retry').replace('retrys', 'retries')}, ${plural(totals.cacheHits, 'cache hit')}, ` +
    `${plural(totals.repairs, 'repair')}, ${plural(totals.failures, 'failure')}` +
    ((totals.cancelled ?? 0) > 0 ? `, ${number(totals.cancelled)} cancelled` : '')
  );
}
