import { type ChatMessage, type Responder, type Shard, PersonalabError, createProgress, formatShard, hashString, randomIds } from '@personalab/core';
import { isConfigurationError } from '@personalab/llm';
import type { RunStore, StoredAnswer } from './run-store.js';
import { type ShardRecord, questionsOfShard, shardOfSettings, shardRunId } from './shard-questions.js';
import { scoreReply } from './scoring.js';
import type { BenchmarkQuestion, ContextSource, PersonaMemResponderQuestion } from './types.js';

export interface EvaluateOptions {
  /**
   * The question file's full question list (fingerprinted as a whole, so that a run resumed with
   * another `limit` on the same file is accepted and one on a changed file is refused).
   */
  questions: readonly BenchmarkQuestion[];
  /**
   * Answer only the first `limit` questions (default all). Not part of the run's identity: a larger
   * limit (or none) resumes the run and adds questions, a smaller one reports the first `limit`.
   */
  limit?: number | undefined;
  /**
   * Answer only this shard's questions (`questionsOfShard`: whole shared contexts, balanced), stored as its own run
   * `<runId>#<i>/<n>` that resumes like any other; `personamem report` scores a run's shards together. A store that
   * holds run `runId` whole, or its shards with another count, is refused: the parts would not add up.
   */
  shard?: Shard | undefined;
  /**
   * Shared contexts by id, read once. Questions receive views of these arrays, never copies of
   * the messages. Leave out for questions-only files (the released 32k split): every question then
   * sees an empty context, which is enough for the controls.
   */
  contexts?: ReadonlyMap<string, readonly ChatMessage[]> | undefined;
  responder: Responder;
  /** Where answers go as they arrive; a run with the same id resumes. Without a store nothing is kept. */
  store?: RunStore;
  runId?: string;
  /** A name for the question set, recorded with the run. */
  benchmark?: string;
  /**
   * What else changes the answers (strategy, k, model options), recorded with the run. Resuming
   * with a different value for any key both runs recorded is refused, as is resuming with other
   * contexts (or none where there were some): answers of two configurations are never mixed.
   */
  settings?: Record<string, unknown>;
  /** Questions in flight at once (default 8). */
  concurrency?: number;
  quiet?: boolean;
  /** Where the progress bar is drawn (default stderr; tests pass their own). */
  progressStream?: NodeJS.WriteStream;
  signal?: AbortSignal;
  /** Called after each answer is stored (tests use it to stop a run halfway). */
  onAnswer?: (answer: StoredAnswer, done: number) => void;
  /**
   * Errors that would fail every other question alike (default `isConfigurationError`: the endpoint answered
   * 400/401/403/404/422, a wrong base URL, model name or key). The first one stops the run: no new question is
   * asked, the question it failed is not stored (nor those failing alike in flight), the answers stored so far
   * stay, and `evaluate` throws it, so the same call resumes once the setting is fixed. Any other error fails
   * its question only, stored with the error and retried on resume.
   */
  stopOn?: (error: unknown) => boolean;
}

/** One scored question of a run. */
export interface QuestionOutcome {
  questionId: string;
  correct: boolean;
  predicted: string | null;
  error: string | null;
}

export interface EvaluationResult {
  /** The run's id in the store: `<runId>#<i>/<n>` for a shard. */
  runId: string;
  responder: string;
  /** The questions this call covered: the first `limit` of the file's (all without a limit), of its shard only with one. */
  questions: readonly BenchmarkQuestion[];
  /** Outcomes for every question answered in this run (resumed ones included), in question order. */
  outcomes: QuestionOutcome[];
  /** Questions answered by this call. */
  asked: number;
  /** Questions skipped because the store already had their answer. */
  resumed: number;
  failed: number;
  elapsedMs: number;
}

/**
 * Whether a stored run's settings say it answered these questions (no fingerprint recorded: yes). Runs made before the
 * limit was kept apart fingerprinted their first `limit` questions only ("<count>-<hash>", no `limit` setting): such a
 * run is on this file when the file's first <count> questions match.
 */
export function runIsOnQuestions(settings: Readonly<Record<string, unknown>>, questions: readonly BenchmarkQuestion[], fingerprint = questionsFingerprint(questions)): boolean {
  const stored = settings['fingerprint'];
  if (stored === undefined || stored === fingerprint) return true;
  const legacyCount = !('limit' in settings) && typeof stored === 'string' ? Number(stored.split('-')[0]) : Number.NaN;
  return Number.isInteger(legacyCount) && legacyCount < questions.length && stored === questionsFingerprint(questions.slice(0, legacyCount));
}

/**
 * A fingerprint of a question set (ids, gold letters, options, end indices), stored with a run so
 * that resuming against a regenerated or edited file fails instead of mixing old and new answers.
 */
export function questionsFingerprint(questions: readonly BenchmarkQuestion[]): string {
  let hash = 0x811c9dc5;
  for (const question of questions) hash = hashString(`${question.id}\u0000${question.correct}\u0000${question.endIndex}\u0000${question.options.join('\u0001')}\u0000`, hash);
  return `${questions.length}-${hash.toString(16).padStart(8, '0')}`;
}

/**
 * A fingerprint of the shared contexts (ids, message counts and lengths), or "none" without
 * contexts: stored with a run so that resuming with another contexts file, or none, is refused.
 */
export function contextsFingerprint(contexts: ReadonlyMap<string, readonly ChatMessage[]> | undefined): string {
  if (contexts === undefined) return 'none';
  let hash = 0x811c9dc5;
  for (const [id, messages] of contexts) {
    let characters = 0;
    for (const message of messages) characters += message.content.length;
    hash = hashString(`${id}\u0000${messages.length}\u0000${characters}\u0000`, hash);
  }
  return `${contexts.size}-${hash.toString(16).padStart(8, '0')}`;
}

/**
 * Questions whose shared context is not in the contexts map, checked before any question is asked:
 * a contexts file that does not match the questions would otherwise fail every question one by one.
 * Returns the first missing context id and how many questions lack theirs, or undefined.
 */
export function missingSharedContexts(
  questions: readonly BenchmarkQuestion[],
  contexts: ReadonlyMap<string, readonly ChatMessage[]>,
): { contextId: string; questionId: string; questions: number; contextIds: number } | undefined {
  let first: BenchmarkQuestion | undefined;
  let count = 0;
  const ids = new Set<string>();
  for (const question of questions) {
    if (contexts.has(question.sharedContextId)) continue;
    first ??= question;
    count++;
    ids.add(question.sharedContextId);
  }
  return first === undefined ? undefined : { contextId: first.sharedContextId, questionId: first.id, questions: count, contextIds: ids.size };
}

/** Settings keys that describe a call rather than the run, or are checked on their own (never compared here). */
const callKeys = new Set(['fingerprint', 'limit', 'shard']);

/** "key: before X, now Y" for each key recorded by both runs whose value differs. */
function settingDifferences(stored: Record<string, unknown>, requested: Record<string, unknown>): string[] {
  // A key only one side has was not recorded by an older version (or does not apply): not compared.
  return Object.keys(requested)
    .filter((key) => !callKeys.has(key) && key in stored && JSON.stringify(stored[key]) !== JSON.stringify(requested[key]))
    .map((key) => `${key}: before ${JSON.stringify(stored[key])}, now ${JSON.stringify(requested[key])}`);
}

/**
 * Refuses a run whose parts would not add up in this store: shards of a run that is stored whole, a whole run beside
 * its shards, or shards of another count (a question would be in two shards, or in none).
 */
function checkShardLayout(store: RunStore, runId: string, shard: Shard | undefined): void {
  const shards = store
    .listRuns()
    .map((run) => ({ id: run.runId, shard: shardOfSettings(run.settings) }))
    .filter((entry): entry is { id: string; shard: ShardRecord } => entry.shard !== undefined && entry.shard.of === runId && entry.id !== runId);
  if (shard === undefined) {
    const first = shards[0];
    if (first) throw new PersonalabError('conflict', `run ${runId} is split into shards of ${first.shard.count} in this store (${first.id}): evaluate a shard (i/${first.shard.count}), or use another run id`);
    return;
  }
  const whole = store.getRun(runId);
  if (whole && shardOfSettings(whole.settings) === undefined) {
    throw new PersonalabError('conflict', `run ${runId} is in this store unsharded: its shard ${formatShard(shard)} would be counted twice with it; use another run id`);
  }
  const other = shards.find((entry) => entry.shard.count !== shard.count);
  if (other) {
    throw new PersonalabError('conflict', `run ${runId} has shards of ${other.shard.count} in this store (${other.id}): shard ${formatShard(shard)} would mix shard counts; use shard i/${other.shard.count} or another run id`);
  }
}

/** The question a responder sees: metadata plus a lazily cut view of the shared context. */
function responderQuestion(question: BenchmarkQuestion, source: ContextSource | undefined): PersonaMemResponderQuestion {
  let context: readonly ChatMessage[] | undefined;
  return {
    id: question.id,
    type: question.type,
    topic: question.topic,
    question: question.question,
    options: question.options,
    ...(question.optionsText === undefined ? {} : { optionsText: question.optionsText }),
    ...(source === undefined ? {} : { source }),
    // Cut only when a responder reads it: controls never do, and the messages themselves are shared.
    get context(): readonly ChatMessage[] {
      if (context === undefined) {
        if (source === undefined) context = [];
        else context = source.endIndex >= source.messages.length ? source.messages : source.messages.slice(0, source.endIndex);
      }
      return context;
    },
  };
}

/**
 * Runs a responder over PersonaMem questions with a concurrency limit, a progress bar and a
 * resumable SQLite run store, scoring each reply by the official rule.
 */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationResult> {
  const started = performance.now();
  const wholeRunId = options.runId ?? randomIds();
  const { shard } = options;
  const runId = shard === undefined ? wholeRunId : shardRunId(wholeRunId, shard);
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const { store, responder, contexts } = options;
  if (options.limit !== undefined && (!Number.isInteger(options.limit) || options.limit < 1)) {
    throw new PersonalabError('invalid_argument', `limit must be a positive integer, got ${options.limit}`);
  }
  // The whole file is fingerprinted, the limit kept apart: another limit on the same file resumes.
  const fingerprint = questionsFingerprint(options.questions);
  const limited = options.limit === undefined ? options.questions : options.questions.slice(0, options.limit);
  // The partition is made on the whole list, so that every shard, whatever its limit, computes the same one.
  const inShard = shard === undefined ? undefined : new Set(questionsOfShard(options.questions, shard).map((question) => question.id));
  const questions = inShard === undefined ? limited : limited.filter((question) => inShard.has(question.id));
  const limit = options.limit ?? null;
  const shardRecord: ShardRecord | undefined = shard === undefined ? undefined : { of: wholeRunId, index: shard.index, count: shard.count };
  const settings = { ...options.settings, contextsFingerprint: contextsFingerprint(contexts), fingerprint, limit, ...(shardRecord === undefined ? {} : { shard: shardRecord }) };
  if (store) checkShardLayout(store, wholeRunId, shard);
  // Before the responder's name is compared (openRun): "embedder: before …, now …" says more than the two names.
  const existing = store?.getRun(runId);
  const differences = existing ? settingDifferences(existing.settings, settings) : [];
  if (differences.length > 0) {
    throw new PersonalabError('conflict', `run ${runId} was made with different settings (${differences.join('; ')}); use a new run id, or the run's settings to resume it`);
  }
  const run = store?.openRun({ runId, responder: responder.name, benchmark: options.benchmark ?? 'personamem', settings });
  // Made by another process between the look above and openRun (two started at once): its settings must match too.
  const raced = existing === undefined && run !== undefined ? settingDifferences(run.settings, settings) : [];
  if (raced.length > 0) {
    throw new PersonalabError('conflict', `run ${runId} was made with different settings (${raced.join('; ')}); use a new run id, or the run's settings to resume it`);
  }
  const storedFingerprint = run?.settings.fingerprint;
  if (run && !runIsOnQuestions(run.settings, options.questions, fingerprint)) {
    throw new PersonalabError(
      'conflict',
      `run ${runId}: the questions file${options.benchmark === undefined ? '' : ` ${options.benchmark}`} changed since the run was made (its questions' fingerprint was ${String(run.settings.fingerprint)}, now ${fingerprint}); use a new run id`,
    );
  }
  // A run id made by hand could name another run's shard (or a shard a whole run).
  const storedShard = run ? shardOfSettings(run.settings) : undefined;
  if (run && JSON.stringify(storedShard ?? null) !== JSON.stringify(shardRecord ?? null)) {
    const describe = (record: ShardRecord | undefined) => (record === undefined ? 'a whole run' : `shard ${formatShard(record)} of run ${record.of}`);
    throw new PersonalabError('conflict', `run ${runId} is ${describe(storedShard)} in the store, not ${describe(shardRecord)}; use another run id`);
  }
  // One process per run: a second one would ask every question again (and had overwritten answers with its failures).
  store?.claimRun(runId);
  try {
    // The whole file's fingerprint and the latest limit, for the record (the limit is never compared).
    if (run && (run.settings['limit'] !== limit || storedFingerprint !== fingerprint)) store?.updateSettings(runId, { ...run.settings, fingerprint, limit });
    const answered = store?.answeredIds(runId) ?? new Set<string>();
    const pending = questions.filter((question) => !answered.has(question.id));
    const fresh = new Map<string, QuestionOutcome>();

    const progress = createProgress({ label: responder.name, total: questions.length, quiet: options.quiet ?? false, fields: ['accuracy'], ...(options.progressStream ? { stream: options.progressStream } : {}) });
    // The bar's accuracy is over every scored answer of these questions, the resumed ones too (it had counted this call's only).
    const inCall = new Set(questions.map((question) => question.id));
    const resumedScored = answered.size === 0 || !store ? [] : store.answers(runId).filter((answer) => answered.has(answer.questionId) && inCall.has(answer.questionId) && answer.error === null);
    let correctCount = resumedScored.filter((answer) => answer.correct).length;
    let scoredCount = resumedScored.length;
    const accuracy = () => (scoredCount === 0 ? '-' : (correctCount / scoredCount).toFixed(3));
    progress.update(questions.length - pending.length, { accuracy: accuracy() });
    let done = 0;
    let next = 0;
    let failed = 0;
    const stopOn = options.stopOn ?? isConfigurationError;
    /** The first error that stops the run (`stopOn`); set, the workers take no new question. */
    let fatal: unknown;

    const answerOne = async (question: BenchmarkQuestion): Promise<StoredAnswer> => {
      let source: ContextSource | undefined;
      if (contexts !== undefined) {
        const messages = contexts.get(question.sharedContextId);
        if (messages === undefined) {
          throw new PersonalabError('invalid_data', `question ${question.id}: shared context ${question.sharedContextId} is not in the contexts file`);
        }
        if (question.endIndex > messages.length) {
          throw new PersonalabError('invalid_data', `question ${question.id}: end index ${question.endIndex} is past the ${messages.length} messages of context ${question.sharedContextId}`);
        }
        source = { contextId: question.sharedContextId, messages, endIndex: question.endIndex };
      }
      const begin = performance.now();
      const signalOption = options.signal === undefined ? undefined : { signal: options.signal };
      const { reply } = await responder.answer(responderQuestion(question, source), signalOption);
      const scored = scoreReply(reply, question.correct);
      return { questionId: question.id, reply, correct: scored.correct, predicted: scored.predicted ?? null, latencyMs: performance.now() - begin, error: null };
    };

    const worker = async () => {
      while (next < pending.length && fatal === undefined) {
        if (options.signal?.aborted) return;
        const question = pending[next++] as BenchmarkQuestion;
        let answer: StoredAnswer;
        try {
          answer = await answerOne(question);
        } catch (error) {
          if (options.signal?.aborted) return;
          if (stopOn(error)) {
            // Left unstored, so that the fixed run asks it again; the others in flight still finish.
            fatal ??= error;
            return;
          }
          failed++;
          answer = { questionId: question.id, reply: '', correct: false, predicted: null, latencyMs: 0, error: error instanceof Error ? error.message : String(error) };
        }
        store?.saveAnswer(runId, answer);
        fresh.set(question.id, { questionId: question.id, correct: answer.correct, predicted: answer.predicted, error: answer.error });
        if (answer.error === null) {
          scoredCount++;
          if (answer.correct) correctCount++;
        }
        done++;
        progress.increment(1, { accuracy: accuracy() });
        options.onAnswer?.(answer, done);
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, pending.length)) }, worker));
    } finally {
      progress.stop();
    }
    if (options.signal?.aborted) throw new PersonalabError('cancelled', `run ${runId} stopped after ${done} of ${pending.length} questions; run again with the same id to resume`);
    if (fatal !== undefined) {
      // One line for the whole run: the endpoint's error (as the first question met it), then where the run stands.
      const cause = PersonalabError.is(fatal) ? fatal : undefined;
      const message = (fatal instanceof Error ? fatal.message : String(fatal)).replace(/^question \S+: /, '');
      const resume = store ? ' and stored; fix the setting and run again with the same id to resume' : '';
      throw new PersonalabError(cause?.code ?? 'upstream_error', `${message}. Run ${runId} stopped: this error would fail every question alike; ${done} of ${pending.length} questions answered${resume}`, {
        cause: fatal,
        ...(cause ? { details: cause.details } : {}),
      });
    }
    const stored = store ? new Map(store.answers(runId).map((answer) => [answer.questionId, answer])) : new Map<string, StoredAnswer>();
    const outcomes: QuestionOutcome[] = [];
    for (const question of questions) {
      const outcome = fresh.get(question.id) ?? stored.get(question.id);
      if (outcome) outcomes.push({ questionId: question.id, correct: outcome.correct, predicted: outcome.predicted, error: outcome.error });
    }
    return { runId, responder: responder.name, questions, outcomes, asked: done, resumed: questions.length - pending.length, failed, elapsedMs: performance.now() - started };
  } finally {
    store?.releaseRun(runId);
  }
}
