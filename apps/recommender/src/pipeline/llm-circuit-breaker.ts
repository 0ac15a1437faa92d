import { PersonalabError, systemClock, type Clock } from '@personalab/core';

/** `closed`: LLM steps run; `open`: they are skipped until the cooldown ends; `half-open`: the next step is a probe. */
export type CircuitState = 'closed' | 'open' | 'half-open';

/**
 * What one LLM step says of the endpoint: `failure` (unreachable, 5xx, 429, timed out), `answered` (it answered,
 * even with a 4xx or an answer the step could not use), `ignored` (says nothing of it: the caller went away, a bug here).
 */
export type StepOutcome = 'failure' | 'answered' | 'ignored';

export interface LlmCircuitBreakerOptions {
  /** Failed steps in a row (within `windowMs`) that open the circuit (default 3). */
  failureThreshold?: number;
  /** Failures older than this no longer count towards the threshold (default 60 s). */
  windowMs?: number;
  /** How long the circuit stays open before one probe step is let through (default 30 s). */
  cooldownMs?: number;
  clock?: Clock;
  /** Called when the circuit opens (from closed or a failed probe) or closes (a probe answered). */
  onStateChange?: ((change: CircuitChange) => void) | undefined;
}

/** A change of the circuit's state. */
export interface CircuitChange {
  state: 'open' | 'closed';
  previous: CircuitState;
  /** The error of the step that opened it (the last of the failures in a row, or the failed probe). */
  cause: unknown;
  /** How long it stays open before a probe. */
  cooldownMs: number;
}

/** Leave to run one LLM step; its outcome must be settled once. */
export interface CircuitPermit {
  /** Whether this step is the half-open probe. */
  readonly probe: boolean;
  settle(outcome: StepOutcome, cause?: unknown): void;
}

export const circuitDefaults = { failureThreshold: 3, windowMs: 60_000, cooldownMs: 30_000 } as const;

const positiveInteger = (value: number | undefined, name: string, fallback: number) => {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new PersonalabError('invalid_argument', `llmCircuit.${name}: expected a positive integer, got ${String(value)}`, { details: { path: `llmCircuit.${name}` } });
  return value;
};

/**
 * A circuit breaker for the chat's LLM steps. When the endpoint is down every step waits out its retries and
 * deadline (about 13 s a turn with the client's defaults and a refused connection) before the offline path
 * answers; after `failureThreshold` such failures in a row the breaker opens and steps are skipped at once.
 * After `cooldownMs` one step is let through as a probe (the others still skip): its success closes the
 * circuit, its failure opens it for another cooldown.
 */
export class LlmCircuitBreaker {
  readonly failureThreshold: number;
  readonly windowMs: number;
  readonly cooldownMs: number;
  private readonly clock: Clock;
  private readonly onStateChange: LlmCircuitBreakerOptions['onStateChange'];
  /** When each failure of the current run of failures happened. */
  private failures: number[] = [];
  private openedAt: number | undefined;
  private probing = false;
  /** Bumped on every change of state: a step started before one cannot settle the new state. */
  private generation = 0;

  constructor(options: LlmCircuitBreakerOptions = {}) {
    this.failureThreshold = positiveInteger(options.failureThreshold, 'failureThreshold', circuitDefaults.failureThreshold);
    this.windowMs = positiveInteger(options.windowMs, 'windowMs', circuitDefaults.windowMs);
    this.cooldownMs = positiveInteger(options.cooldownMs, 'cooldownMs', circuitDefaults.cooldownMs);
    this.clock = options.clock ?? systemClock;
    this.onStateChange = options.onStateChange;
  }

  /** The state now: an open circuit whose cooldown has passed is half-open (its next step probes). */
  get state(): CircuitState {
    if (this.openedAt === undefined) return 'closed';
    return this.probing || this.clock.now() - this.openedAt >= this.cooldownMs ? 'half-open' : 'open';
  }

  /** Leave to run a step, or undefined when the circuit is open (or half-open with its probe in flight): skip the LLM. */
  acquire(): CircuitPermit | undefined {
    const state = this.state;
    if (state === 'closed') return this.permit(false);
    if (state === 'open' || this.probing) return undefined;
    this.probing = true;
    return this.permit(true);
  }

  private permit(probe: boolean): CircuitPermit {
    const generation = this.generation;
    let settled = false;
    return {
      probe,
      settle: (outcome, cause) => {
        if (settled) return;
        settled = true;
        // A step that started in an earlier state (before the circuit opened, say) says nothing of this one.
        if (generation !== this.generation) return;
        if (probe) this.settleProbe(outcome, cause);
        else this.settleClosed(outcome, cause);
      },
    };
  }

  private settleClosed(outcome: StepOutcome, cause: unknown): void {
    if (outcome === 'answered') this.failures = [];
    if (outcome !== 'failure') return;
    const now = this.clock.now();
    this.failures = [...this.failures.filter((at) => now - at < this.windowMs), now];
    if (this.failures.length >= this.failureThreshold) this.open(now, 'closed', cause);
  }

  private settleProbe(outcome: StepOutcome, cause: unknown): void {
    this.probing = false;
    // The caller went away: the next step probes instead.
    if (outcome === 'ignored') return;
    if (outcome === 'failure') return this.open(this.clock.now(), 'half-open', cause);
    this.failures = [];
    this.openedAt = undefined;
    this.generation += 1;
    this.onStateChange?.({ state: 'closed', previous: 'half-open', cause, cooldownMs: this.cooldownMs });
  }

  private open(now: number, previous: CircuitState, cause: unknown): void {
    this.failures = [];
    this.openedAt = now;
    this.generation += 1;
    this.onStateChange?.({ state: 'open', previous, cause, cooldownMs: this.cooldownMs });
  }
}

/**
 * What a failed LLM step says of the endpoint. `deadline`: the step's own deadline signal (a step cut off by it
 * timed out, though the client reports a cancel); `caller`: the request's signal (a client that went away).
 */
export function classifyStepFailure(error: unknown, signals: { deadline?: AbortSignal | undefined; caller?: AbortSignal | undefined } = {}): StepOutcome {
  if (signals.deadline?.aborted && !signals.caller?.aborted) return 'failure';
  if (!PersonalabError.is(error)) return 'ignored';
  switch (error.code) {
    // 429: the endpoint asks for less traffic, and a step waits out its Retry-After.
    case 'upstream_timeout':
    case 'rate_limited':
      return 'failure';
    case 'upstream_error': {
      // No status: unreachable (refused, reset, DNS) or an error inside a stream (both retryable); a 404 is a wrong base URL or model.
      const status = error.details.status ?? error.details.upstreamStatus;
      if (typeof status === 'number') return status >= 500 ? 'failure' : 'answered';
      return error.isRetryable ? 'failure' : 'ignored';
    }
    case 'cancelled':
      return 'ignored';
    default:
      // A 4xx request error or an answer the step could not use: the endpoint is up.
      return 'answered';
  }
}
