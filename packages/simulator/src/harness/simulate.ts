import {
  createProgress,
  PersonalabError,
  systemClock,
  type Assistant,
  type Clock,
  type DialogueTurn,
  type SimulatorTurn,
  type UserSimulator,
} from '@personalab/core';
import { summarizeRecommendations, type RecommendationSummary } from '../metrics/recommendation-metrics.js';
import type { SimulatedUser } from '../simulated-user.js';
import type { ConversationRecord, EndReason, RunStore } from './run-store.js';
import { addServiceReports, keepsServiceReports, summarizeServiceReports, takeServiceReport, type ServiceReport, type ServiceReportSummary } from './service-report.js';
import { selectShard, type Shard } from './shard.js';
import { summarizeSimulatorReports, turnProvenance, type SimulatorReport, type SimulatorReportSummary } from './simulator-report.js';

export interface SimulateOptions {
  /** Makes a fresh simulator for each user (simulators hold one conversation's state). */
  simulator: (user: SimulatedUser) => UserSimulator;
  assistant: Assistant;
  users: readonly SimulatedUser[];
  /**
   * Assistant replies per conversation at most. The user still reacts to the last reply (that
   * reaction may meet the goal), so a transcript holds up to `maxTurns + 1` user turns; then the
   * conversation ends with `turn_limit`.
   */
  maxTurns: number;
  /** Conversations in flight at once (a positive integer, default 4). */
  concurrency?: number;
  /**
   * The most one call of either side may take, in ms (the simulator's `start` / `respond`, the assistant's `reply`).
   * Past it the assistant's `signal` is aborted and the conversation fails with `upstream_timeout` (stored as `error`,
   * run again on resume), so one call that never returns cannot hold the run forever. Default: no limit.
   */
  turnTimeoutMs?: number;
  /** Where finished conversations go; a run with the same id resumes from it. */
  store?: RunStore;
  /** Names the run in the store (default: simulator and assistant names). */
  runId?: string;
  /**
   * Extra configuration that must match when resuming: everything besides the simulator and
   * assistant names, `maxTurns` and `k` that changes the conversations (data set, seed, simulator
   * and assistant settings). The user list is not part of it: a resumed run may add users.
   */
  config?: Record<string, unknown>;
  /**
   * Settings of `config` added after runs were stored, each with the value such runs had (`{ hint: 'profile' }`):
   * a run stored without one resumes as if it had its default (`RunStore.checkRun`).
   */
  configDefaults?: Record<string, unknown>;
  shard?: Shard;
  /** Retry conversations stored with an error when resuming (default true). */
  retryErrors?: boolean;
  /** Recommendations per turn counted by recall@k. */
  k?: number;
  quiet?: boolean;
  label?: string;
  /**
   * The progress bar's running success rate (default: when some user has hidden targets; off for runs
   * that measure something else, such as fidelity, where it would read a meaningless 0).
   */
  showSuccess?: boolean;
  /** Where the progress bar goes (default stderr). */
  progressStream?: NodeJS.WriteStream;
  clock?: Clock;
  signal?: AbortSignal;
  /** Called after each conversation is stored. */
  onConversation?: (record: ConversationRecord) => void;
  /**
   * Errors that would fail every other conversation alike (a wrong base URL, model name or key of an LLM:
   * `isConfigurationError` from `@personalab/llm`), given the error and whether the simulator or the assistant
   * threw it. The first one stops the run: no new conversation starts, that conversation (and those failing
   * alike in flight) is not stored, the others finish and are stored, and `simulate` throws it, so the same
   * call resumes once the setting is fixed. Default: none, every error fails its conversation only (an HTTP
   * assistant's 404 may concern one user).
   */
  stopOn?: (error: unknown, source: ErrorSource) => boolean;
}

/** Which side of a conversation threw. */
export type ErrorSource = 'simulator' | 'assistant';

/** An error of one side of a conversation, unwrapped by the run loop. */
class SideError extends Error {
  constructor(
    readonly source: ErrorSource,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/** The run's abort signal and the per-call time limit, which every call of either side is held to. */
interface CallLimits {
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
}

/**
 * Runs one side's call, marking what it throws with the side. The call gets a signal that aborts when the run is
 * aborted or the time limit passes, and is not waited for past either: a call that ignores its signal and never
 * settles had kept `simulate` from ever returning, even after an abort.
 */
async function side<T>(source: ErrorSource, limits: CallLimits, call: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
  if (limits.signal === undefined && limits.timeoutMs === undefined) {
    try {
      return await call(undefined);
    } catch (error) {
      throw new SideError(source, error);
    }
  }
  // One controller per call, aborted by the run's signal or the time limit (a listener, removed after the call, rather
  // than AbortSignal.any, so the run's long-lived signal keeps no reference to finished calls).
  const controller = new AbortController();
  let timedOut = false;
  let rejectStopped: (error: unknown) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => (rejectStopped = reject));
  const onAbort = () => {
    if (timedOut) rejectStopped(new SideError(source, new PersonalabError('upstream_timeout', `the ${source} did not answer within ${limits.timeoutMs} ms`, { isRetryable: true })));
    else rejectStopped(new PersonalabError('cancelled', 'simulation cancelled'));
  };
  controller.signal.addEventListener('abort', onAbort, { once: true });
  const onRunAbort = () => controller.abort();
  if (limits.signal?.aborted) controller.abort();
  else limits.signal?.addEventListener('abort', onRunAbort, { once: true });
  const timeout =
    limits.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, limits.timeoutMs);
  // The race's loser must not surface as an unhandled rejection.
  stopped.catch(() => undefined);
  try {
    return await Promise.race([
      (async () => {
        try {
          return await call(controller.signal);
        } catch (error) {
          throw new SideError(source, error);
        }
      })(),
      stopped,
    ]);
  } finally {
    clearTimeout(timeout);
    limits.signal?.removeEventListener('abort', onRunAbort);
    controller.signal.removeEventListener('abort', onAbort);
  }
}

/** What an assistant must answer; checked, since a JavaScript assistant's `undefined` content had been stored as such. */
function checkReply(assistant: Assistant, reply: unknown): { content: string; recommendedItemIds?: readonly string[] } {
  const value = reply as { content?: unknown; recommendedItemIds?: unknown } | null | undefined;
  if (typeof value?.content !== 'string') {
    throw new PersonalabError('upstream_bad_response', `assistant ${assistant.name} replied without a text content (content: ${value === null || value === undefined ? String(value) : typeof value.content})`);
  }
  const ids = value.recommendedItemIds;
  // A string here had been spread into its characters: "m6" recommended "m" and "6".
  if (ids !== undefined && !(Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) {
    throw new PersonalabError('upstream_bad_response', `assistant ${assistant.name} replied with recommendedItemIds that is not a list of item id strings (${JSON.stringify(ids)?.slice(0, 100)})`);
  }
  return value as { content: string; recommendedItemIds?: readonly string[] };
}

export interface SimulationResult {
  runId: string;
  /**
   * The run's settings as recorded in the store: simulator and assistant names, `maxTurns`, `k`
   * and `config` (pass it to `writeTranscripts` so that a copied transcripts file can be re-scored).
   */
  config: Record<string, unknown>;
  /** Every conversation of this shard, including those stored by an earlier, interrupted run. */
  conversations: ConversationRecord[];
  /** Conversations run by this call (the rest were resumed from the store). */
  ran: number;
  resumed: number;
  summary: RecommendationSummary;
  /**
   * The simulator reports of `conversations` totalled (those of earlier calls of a resumed run included): how
   * many user turns the LLM simulator's grounded fallback wrote, of how many, and how many conversations have no report.
   */
  simulatorReport: SimulatorReportSummary;
  /**
   * The service reports of `conversations` totalled, failed ones included (every call of a resumed run): the
   * assistant's requests, their retries by cause, and requests that failed after their retries. Conversations of an
   * assistant that keeps no report (every one but `RecommenderHttpAssistant`) are `unreported`.
   */
  serviceReport: ServiceReportSummary;
}

/**
 * An assistant turn as the transcript stores it: `recommendedItemIds` is what the user saw (the
 * assistant's list without repeats, cut to `k`); `itemsBeyondK` counts the distinct items the
 * assistant offered past the first `k` (absent when none), which no one saw or scored.
 */
export interface TranscriptTurn extends DialogueTurn {
  itemsBeyondK?: number;
}

/**
 * The settings a run is stored with and checked against on resume: simulator and assistant names,
 * `maxTurns`, `k` and the caller's `config`. Exported so that a caller can check a run id before
 * the expensive work (`RunStore.checkRun`) with exactly what `simulate` will record.
 */
export function runConfiguration(options: { simulator: string; assistant: string; maxTurns: number; k: number; config?: Record<string, unknown> | undefined }): Record<string, unknown> {
  return { simulator: options.simulator, assistant: options.assistant, maxTurns: options.maxTurns, k: options.k, ...options.config };
}

/**
 * The items the user is shown: the assistant's list without repeats (first occurrence kept), cut
 * to `k`, so that the user reacts to exactly the items recall@k and success score.
 */
export function shownItems(itemIds: readonly string[], k: number): { shown: string[]; beyondK: number } {
  const distinct = [...new Set(itemIds)];
  return { shown: distinct.slice(0, k), beyondK: Math.max(0, distinct.length - k) };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One conversation: the simulator opens, the assistant replies, until an end or the turn limit. A simulator
 * whose turns say how they were written (`ReportedSimulatorTurn`) gets its account in `simulatorReport`.
 */
async function converse(
  user: SimulatedUser,
  simulator: UserSimulator,
  assistant: Assistant,
  maxTurns: number,
  k: number,
  limits: CallLimits,
): Promise<{ turns: DialogueTurn[]; endReason: EndReason; simulatorReport?: SimulatorReport }> {
  const signal = limits.signal;
  const turns: DialogueTurn[] = [];
  let report: SimulatorReport | undefined;
  /** Adds the simulator's turn to the transcript (an end may have no words), and its account to the report. */
  const addUserTurn = (turn: SimulatorTurn) => {
    const added = turn.type === 'message' || Boolean(turn.content);
    if (added) turns.push({ role: 'user', content: turn.content ?? '' });
    const provenance = turnProvenance(turn);
    if (!provenance) return;
    report ??= { fallbackTurns: [], modelReplies: 0, rejectedReplies: 0 };
    report.modelReplies += provenance.modelReplies;
    report.rejectedReplies += provenance.rejectedReplies;
    if (provenance.fallback && added) report.fallbackTurns.push(turns.length - 1);
  };
  const ended = (endReason: EndReason) => ({ turns, endReason, ...(report ? { simulatorReport: report } : {}) });
  let next: SimulatorTurn = await side('simulator', limits, () => simulator.start({ profile: user.profile, goal: user.goal }));
  let userTurns = 0;
  while (true) {
    // In-process simulators and assistants can chain promises without ever giving the event loop a turn:
    // yield at each turn, so that Ctrl-C, the progress bar's timer and I/O are served during the run.
    await yieldToEventLoop();
    if (signal?.aborted) throw new PersonalabError('cancelled', 'simulation cancelled');
    addUserTurn(next);
    if (next.type === 'end') return ended(next.reason);
    userTurns++;
    const reply = await side('assistant', limits, async (callSignal) => checkReply(assistant, await assistant.reply({ userId: user.id, dialogue: turns, ...(callSignal ? { signal: callSignal } : {}) })));
    const turn: TranscriptTurn = { role: 'assistant', content: reply.content };
    if (reply.recommendedItemIds) {
      const { shown, beyondK } = shownItems(reply.recommendedItemIds, k);
      // An assistant that cut its own list may say how many it dropped (RecommenderHttpAssistant does).
      const reported = (reply as { itemsBeyondK?: unknown }).itemsBeyondK;
      const total = beyondK + (typeof reported === 'number' && Number.isInteger(reported) && reported > 0 ? reported : 0);
      turn.recommendedItemIds = shown;
      if (total > 0) turn.itemsBeyondK = total;
    }
    turns.push(turn);
    if (userTurns >= maxTurns) {
      // The user still reacts to the last reply (the reaction may meet the goal) but cannot go on.
      const last = await side('simulator', limits, () => simulator.respond({ dialogue: turns }));
      addUserTurn(last);
      return ended(last.type === 'end' ? last.reason : 'turn_limit');
    }
    next = await side('simulator', limits, () => simulator.respond({ dialogue: turns }));
  }
}

/**
 * Runs simulated users against an assistant, `concurrency` conversations at a time, storing
 * each finished conversation in the run store. Re-running with the same store and run id
 * skips stored conversations (a killed run resumes without repeating or losing one).
 */
export async function simulate(options: SimulateOptions): Promise<SimulationResult> {
  const clock = options.clock ?? systemClock;
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 1) throw new PersonalabError('invalid_argument', `k must be a positive integer, got ${k}`);
  if (!Number.isInteger(options.maxTurns) || options.maxTurns < 1) throw new PersonalabError('invalid_argument', `maxTurns must be a positive integer, got ${options.maxTurns}`);
  // NaN had started no worker at all: the run returned at once with `ran` counting conversations that never ran.
  const concurrency = options.concurrency ?? 4;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new PersonalabError('invalid_argument', `concurrency must be a positive integer, got ${concurrency}`);
  const timeoutMs = options.turnTimeoutMs;
  if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new PersonalabError('invalid_argument', `turnTimeoutMs must be a positive number of ms, got ${timeoutMs}`);
  const limits: CallLimits = { signal: options.signal, timeoutMs };
  const ids = new Set<string>();
  for (const user of options.users) {
    if (ids.has(user.id)) throw new PersonalabError('invalid_argument', `duplicate simulated user id ${user.id}`);
    ids.add(user.id);
  }
  const users = selectShard(options.users, options.shard);
  const probe = users[0] ? options.simulator(users[0]) : undefined;
  const simulatorName = probe?.name ?? 'none';
  const runId = options.runId ?? `${simulatorName}--${options.assistant.name}`;
  const store = options.store;
  const runConfig = runConfiguration({ simulator: simulatorName, assistant: options.assistant.name, maxTurns: options.maxTurns, k, config: options.config });
  store?.ensureRun(runId, runConfig, clock.now(), options.configDefaults);
  const done = store?.finishedUserIds(runId, options.retryErrors === false) ?? new Set<string>();
  const pending = users.filter((user) => !done.has(user.id));
  // A failed conversation run again keeps its failed attempts' requests and retries in its report (its row is replaced).
  const earlierServiceReports = store && keepsServiceReports(options.assistant) ? store.failedServiceReports(runId) : new Map<string, ServiceReport>();
  const inMemory: ConversationRecord[] = [];
  const showSuccess = options.showSuccess ?? users.some((user) => (user.goal.targetItemIds?.length ?? 0) > 0);
  const resumedCount = users.length - pending.length;
  // The bar counts this call's work only: stored conversations in it would inflate the rate and the ETA.
  const progress = createProgress({
    label: `${options.label ?? 'simulate'}${resumedCount > 0 ? ` (${resumedCount} resumed)` : ''}`,
    total: pending.length,
    quiet: options.quiet ?? false,
    fields: showSuccess ? ['success'] : [],
    ...(options.progressStream ? { stream: options.progressStream } : {}),
  });
  let successes = 0;
  let finished = 0;
  let cursor = 0;
  // Set when a worker fails (cancelled, or the store failed) or meets a `stopOn` error: the others take no new user.
  let stopped = false;
  /** The first `stopOn` error, thrown once the workers have ended. */
  let fatal: unknown;
  const worker = async () => {
    while (cursor < pending.length && !stopped) {
      const user = pending[cursor++] as SimulatedUser;
      const startedAt = clock.now();
      /** The assistant's account of this conversation's requests (taken on every way out, so none is left behind), plus its earlier attempts'. */
      const serviceReport = (): { serviceReport?: ServiceReport } => {
        const now = takeServiceReport(options.assistant, user.id);
        const earlier = earlierServiceReports.get(user.id);
        return now ? { serviceReport: earlier ? addServiceReports(earlier, now) : now } : {};
      };
      let record: ConversationRecord;
      try {
        const { turns, endReason, simulatorReport } = await converse(user, options.simulator(user), options.assistant, options.maxTurns, k, limits);
        record = {
          runId,
          userId: user.id,
          simulator: simulatorName,
          assistant: options.assistant.name,
          endReason,
          turns,
          targetItemIds: [...(user.goal.targetItemIds ?? [])],
          ...(simulatorReport ? { simulatorReport } : {}),
          ...serviceReport(),
          startedAt,
          finishedAt: clock.now(),
        };
      } catch (thrown) {
        const error = thrown instanceof SideError ? thrown.error : thrown;
        const report = serviceReport();
        if (PersonalabError.is(error, 'cancelled')) throw error;
        if (thrown instanceof SideError && options.stopOn?.(error, thrown.source)) {
          // Not stored: the fixed run has this user converse again.
          fatal ??= error;
          stopped = true;
          return;
        }
        // One failed conversation (an upstream fault past its retries) must not end the run.
        record = {
          runId,
          userId: user.id,
          simulator: simulatorName,
          assistant: options.assistant.name,
          endReason: 'error',
          turns: [],
          targetItemIds: [...(user.goal.targetItemIds ?? [])],
          error: error instanceof Error ? error.message : String(error),
          // A request that failed after its retries is what failed the conversation: its account is kept.
          ...report,
          startedAt,
          finishedAt: clock.now(),
        };
      }
      store?.save(record);
      if (!store) inMemory.push(record);
      finished++;
      if (record.endReason === 'goal_met') successes++;
      progress.increment(1, showSuccess ? { success: (successes / finished).toFixed(3) } : {});
      options.onConversation?.(record);
    }
  };
  try {
    // Every worker has ended before this returns or throws, so none writes to a store the caller has closed.
    const outcomes = await Promise.allSettled(
      Array.from({ length: Math.max(1, Math.min(concurrency, pending.length)) }, () =>
        worker().catch((error: unknown) => {
          stopped = true;
          throw error;
        }),
      ),
    );
    const failure = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failure) throw failure.reason;
  } finally {
    progress.stop();
  }
  if (fatal !== undefined) {
    // One line for the whole run: the error as the first conversation met it, then where the run stands.
    const cause = PersonalabError.is(fatal) ? fatal : undefined;
    const stored = store ? ` and stored in ${store.path}; fix the setting and run the same command again to resume` : '';
    throw new PersonalabError(
      cause?.code ?? 'upstream_error',
      `${fatal instanceof Error ? fatal.message : String(fatal)}. Run ${runId} stopped: this error would fail every conversation alike; ${finished} of ${pending.length} conversations finished${stored}`,
      { cause: fatal, ...(cause ? { details: cause.details } : {}) },
    );
  }
  const shardIds = new Set(users.map((user) => user.id));
  const conversations = store ? store.conversations(runId).filter((record) => shardIds.has(record.userId)) : inMemory.sort((left, right) => left.userId.localeCompare(right.userId));
  const scored = conversations.filter((record) => record.endReason !== 'error');
  return {
    runId,
    config: runConfig,
    conversations,
    ran: pending.length,
    resumed: users.length - pending.length,
    summary: summarizeRecommendations(scored, { k, maxTurns: options.maxTurns }),
    simulatorReport: summarizeSimulatorReports(conversations),
    serviceReport: summarizeServiceReports(conversations),
  };
}
