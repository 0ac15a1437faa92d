import { PersonalabError, formatShard } from '@personalab/core';
import { type QuestionOutcome, questionsFingerprint, runIsOnQuestions } from './evaluator.js';
import type { RunInfo, RunStore } from './run-store.js';
import { type ShardRecord, questionsOfShard, shardOfSettings } from './shard-questions.js';
import type { BenchmarkQuestion } from './types.js';

export interface CollectRunOptions {
  /** The run to score: a whole run, or the id its shards were made under (`evaluate`'s `runId` with `shard`). */
  runId: string;
  /** The stores to look in (their paths are named in errors): one, or those of the machines that ran shards. */
  stores: readonly RunStore[];
  /** The questions file's whole question list, and its name for errors. */
  questions: readonly BenchmarkQuestion[];
  questionsName: string;
}

/** A run's outcomes, from one store or put together from its shards. */
export interface CollectedRun {
  runId: string;
  responder: string;
  benchmark: string;
  outcomes: QuestionOutcome[];
  /** How many shards it was put together from (0: a whole run). */
  shards: number;
}

const outcomeOf = (answer: QuestionOutcome): QuestionOutcome => ({ questionId: answer.questionId, correct: answer.correct, predicted: answer.predicted, error: answer.error });

interface FoundShard {
  run: RunInfo;
  shard: ShardRecord;
  store: RunStore;
}

/** "key: 1/3 X, 2/3 Y" for what a shard's run records differently from the first shard's. */
function shardDifferences(first: FoundShard, other: FoundShard): string[] {
  const record = (found: FoundShard): Record<string, unknown> => {
    const { shard: _shard, ...settings } = found.run.settings;
    return { responder: found.run.responder, benchmark: found.run.benchmark, ...settings };
  };
  const [left, right] = [record(first), record(other)];
  const show = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));
  return [...new Set([...Object.keys(left), ...Object.keys(right)])]
    .filter((key) => JSON.stringify(left[key]) !== JSON.stringify(right[key]))
    .map((key) => `${key}: ${formatShard(first.shard)} ${show(left[key])}, ${formatShard(other.shard)} ${show(right[key])}`);
}

/**
 * The ids a report can name, for a run id that is not among them: "the runs there are alpha, beta (2 shards)", the
 * first `shown` in order; a sharded run by the id it was sharded under, with how many of its shards are stored.
 */
function storedRunIds(stores: readonly RunStore[], shown = 20): string {
  const shardsOf = new Map<string, number>();
  for (const run of stores.flatMap((store) => store.listRuns())) {
    const of = shardOfSettings(run.settings)?.of;
    const id = of ?? run.runId;
    shardsOf.set(id, (shardsOf.get(id) ?? 0) + (of === undefined ? 0 : 1));
  }
  if (shardsOf.size === 0) return stores.length === 1 ? 'the store holds no runs' : 'the stores hold no runs';
  const ids = [...shardsOf.keys()].sort();
  const named = ids.slice(0, shown).map((id) => {
    const shards = shardsOf.get(id) ?? 0;
    return shards === 0 ? id : `${id} (${shards} ${shards === 1 ? 'shard' : 'shards'})`;
  });
  const more = ids.length - named.length;
  return `the runs there are ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/**
 * The outcomes of a run for a report: a whole run found in exactly one of the stores, or the union of its shards
 * (`<runId>#<i>/<n>`) across them, which scores as the unsharded run would. Refused, each in one line: a run in two
 * stores, a whole run beside shards of it, a shard missing or in two stores, shards of different counts, shards made
 * with different settings (responder, contexts, limit, LLM settings), and any part made on another questions file.
 */
export function collectRun(options: CollectRunOptions): CollectedRun {
  const { runId, stores, questions, questionsName } = options;
  const fingerprint = questionsFingerprint(questions);
  const wholes = stores.flatMap((store) => {
    const run = store.getRun(runId);
    return run ? [{ run, store }] : [];
  });
  const shards: FoundShard[] = stores.flatMap((store) =>
    store.listRuns().flatMap((run) => {
      const shard = shardOfSettings(run.settings);
      return shard !== undefined && shard.of === runId && run.runId !== runId ? [{ run, shard, store }] : [];
    }),
  );
  const paths = stores.map((store) => store.path).join(', ');
  if (wholes.length > 1) throw new PersonalabError('conflict', `run ${runId} is in more than one store (${wholes.map((whole) => whole.store.path).join(', ')}): name one of them`);
  const whole = wholes[0];
  if (whole && shards.length > 0) {
    const shard = shards[0] as FoundShard;
    throw new PersonalabError('conflict', `run ${runId} is both a whole run (in ${whole.store.path}) and split into shards (${shard.run.runId} in ${shard.store.path}): report them under their own ids, or leave one store out`);
  }
  if (whole) {
    // As evaluate refuses to resume on another questions file, a report does not score a run against one.
    if (!runIsOnQuestions(whole.run.settings, questions, fingerprint)) {
      throw new PersonalabError('conflict', `run ${runId} answered another questions file than ${questionsName} (its questions' fingerprint ${String(whole.run.settings['fingerprint'])}, this file's ${fingerprint}): name the file it answered`);
    }
    return { runId, responder: whole.run.responder, benchmark: whole.run.benchmark, outcomes: whole.store.answers(whole.run.runId).map(outcomeOf), shards: 0 };
  }
  if (shards.length === 0) throw new PersonalabError('not_found', `no run ${runId} in ${paths}: ${storedRunIds(stores)}`);

  const listed = (found: readonly FoundShard[]) => found.map((entry) => `${formatShard(entry.shard)} in ${entry.store.path}`).join(', ');
  const counts = new Set(shards.map((entry) => entry.shard.count));
  if (counts.size > 1) throw new PersonalabError('conflict', `run ${runId} mixes shard counts (${listed(shards)}): its shards must all be made with the same --shard i/n`);
  const count = (shards[0] as FoundShard).shard.count;
  const byIndex = new Map<number, FoundShard>();
  for (const entry of shards) {
    const earlier = byIndex.get(entry.shard.index);
    if (earlier) throw new PersonalabError('conflict', `run ${runId}: shard ${formatShard(entry.shard)} is in both ${earlier.store.path} and ${entry.store.path}: name only one of the stores that hold it`);
    byIndex.set(entry.shard.index, entry);
  }
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  if (missing.length > 0) {
    throw new PersonalabError(
      'not_found',
      `run ${runId}: shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => formatShard({ index, count })).join(', ')} missing (found ${listed(shards)}): evaluate ${missing.length > 1 ? 'them' : 'it'} with --shard, or name the store that holds ${missing.length > 1 ? 'them' : 'it'}`,
    );
  }
  const ordered = [...byIndex.values()].sort((left, right) => left.shard.index - right.shard.index);
  for (const entry of ordered) {
    // Exactly this file: the partition is computed from the whole list.
    if (entry.run.settings['fingerprint'] !== fingerprint) {
      throw new PersonalabError('conflict', `run ${runId}: shard ${formatShard(entry.shard)} (in ${entry.store.path}) answered another questions file than ${questionsName} (its questions' fingerprint ${String(entry.run.settings['fingerprint'])}, this file's ${fingerprint}): name the file it answered`);
    }
  }
  const first = ordered[0] as FoundShard;
  for (const entry of ordered.slice(1)) {
    const differences = shardDifferences(first, entry);
    if (differences.length > 0) throw new PersonalabError('conflict', `run ${runId}: its shards were made with different settings (${differences.join('; ')}): evaluate every shard with the same options`);
  }
  const outcomes: QuestionOutcome[] = [];
  for (const entry of ordered) {
    // Only the shard's own questions, whatever else its run holds.
    const mine = new Set(questionsOfShard(questions, entry.shard).map((question) => question.id));
    for (const answer of entry.store.answers(entry.run.runId)) if (mine.has(answer.questionId)) outcomes.push(outcomeOf(answer));
  }
  return { runId, responder: first.run.responder, benchmark: first.run.benchmark, outcomes, shards: count };
}
