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

  count(field: 'requests' | 'retries' | 'cacheHits' | 'repairs' | 'failures', by = 1): void {
    this.totals[field] += by;
  }

  reset(): void {
    Object.assign(this.totals, emptyTotals());
  }
}

function emptyTotals(): UsageTotals {
  return { promptTokens: 0, completionTokens: 0, totalTokens: 0, requests: 0, retries: 0, cacheHits: 0, repairs: 0, failures: 0 };
}

export const zeroUsage = (): TokenUsage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}
