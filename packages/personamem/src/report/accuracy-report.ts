import type { QuestionOutcome } from '../evaluator.js';
import { OptionPriorsResponder } from '../responders/evidence-responder.js';
import { longestOptionIndex } from '../responders/longest-option-responder.js';
import { type BenchmarkQuestion, optionLetters } from '../types.js';
import { type AccuracyCell, wilsonInterval } from './wilson.js';

/** A distance bucket in tokens between the reference and the question, [min, max). */
export interface DistanceBucket {
  label: string;
  min: number;
  max: number;
}

/** Default buckets: doubling widths, so 32k and 128k contexts both spread over several. */
export const defaultDistanceBuckets: readonly DistanceBucket[] = [
  { label: '<2k', min: 0, max: 2_000 },
  { label: '2k-4k', min: 2_000, max: 4_000 },
  { label: '4k-8k', min: 4_000, max: 8_000 },
  { label: '8k-16k', min: 8_000, max: 16_000 },
  { label: '16k-32k', min: 16_000, max: 32_000 },
  { label: '32k-64k', min: 32_000, max: 64_000 },
  { label: '64k+', min: 64_000, max: Number.POSITIVE_INFINITY },
];

export interface BreakdownReport {
  overall: AccuracyCell;
  byType: Record<string, AccuracyCell>;
  byTopic: Record<string, AccuracyCell>;
  byDistance: { bucket: string; min: number; max: number | null; cell: AccuracyCell }[];
}

/** One run's accuracy, broken down, on all questions and on those where the longest option is wrong. */
export interface RunReport {
  runId: string;
  responder: string;
  benchmark: string;
  /** Questions with an outcome (answered without error). */
  scored: number;
  /** Questions whose responder call failed; left out of the accuracy. */
  failed: number;
  /** Questions without any stored outcome. */
  missing: number;
  all: BreakdownReport;
  /** Only questions where the longest option is not the answer: a length prior cannot score here. */
  longestWrong: BreakdownReport;
  /**
   * Only questions the option-priors control (`OptionPriorsResponder`, default weights) gets wrong: what the options'
   * phrasing alone cannot score, so what a responder gets right here it owes to something else (on the pre-release
   * dev questions the control was fitted on, in-sample).
   */
  priorsWrong: BreakdownReport;
}

interface Tally {
  correct: number;
  n: number;
}

function breakdown(rows: readonly { question: BenchmarkQuestion; correct: boolean }[], buckets: readonly DistanceBucket[]): BreakdownReport {
  const tally = (map: Map<string, Tally>, key: string, correct: boolean) => {
    const entry = map.get(key) ?? { correct: 0, n: 0 };
    entry.n++;
    if (correct) entry.correct++;
    map.set(key, entry);
  };
  const types = new Map<string, Tally>();
  const topics = new Map<string, Tally>();
  const distances = new Map<string, Tally>();
  let correct = 0;
  for (const row of rows) {
    if (row.correct) correct++;
    tally(types, row.question.type, row.correct);
    tally(topics, row.question.topic, row.correct);
    const distance = row.question.distanceInTokens;
    const bucket = distance === undefined ? undefined : buckets.find((entry) => distance >= entry.min && distance < entry.max);
    if (bucket) tally(distances, bucket.label, row.correct);
  }
  const cells = (map: Map<string, Tally>) =>
    Object.fromEntries([...map.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, value]) => [key, wilsonInterval(value.correct, value.n)]));
  return {
    overall: wilsonInterval(correct, rows.length),
    byType: cells(types),
    byTopic: cells(topics),
    byDistance: buckets
      .filter((bucket) => distances.has(bucket.label))
      .map((bucket) => {
        const value = distances.get(bucket.label) as Tally;
        return { bucket: bucket.label, min: bucket.min, max: Number.isFinite(bucket.max) ? bucket.max : null, cell: wilsonInterval(value.correct, value.n) };
      }),
  };
}

/** Whether the longest option is the gold answer for a question. */
export function longestOptionIsCorrect(question: BenchmarkQuestion): boolean {
  return optionLetters[longestOptionIndex(question.options)] === question.correct;
}

const optionPriors = new OptionPriorsResponder();

/** Whether the option-priors control (default weights, no context read) picks the gold answer for a question. */
export function optionPriorsAreCorrect(question: BenchmarkQuestion): boolean {
  return optionPriors.choose(question) === question.correct;
}

/** Accuracy of one run overall, per type, per topic and per distance bucket, with 95% Wilson intervals. */
export function buildRunReport(
  questions: readonly BenchmarkQuestion[],
  outcomes: readonly QuestionOutcome[],
  options: { runId: string; responder: string; benchmark: string; buckets?: readonly DistanceBucket[] },
): RunReport {
  const byId = new Map(outcomes.map((outcome) => [outcome.questionId, outcome]));
  const rows: { question: BenchmarkQuestion; correct: boolean }[] = [];
  let failed = 0;
  let missing = 0;
  for (const question of questions) {
    const outcome = byId.get(question.id);
    if (outcome === undefined) missing++;
    else if (outcome.error !== null) failed++;
    else rows.push({ question, correct: outcome.correct });
  }
  const buckets = options.buckets ?? defaultDistanceBuckets;
  return {
    runId: options.runId,
    responder: options.responder,
    benchmark: options.benchmark,
    scored: rows.length,
    failed,
    missing,
    all: breakdown(rows, buckets),
    longestWrong: breakdown(
      rows.filter((row) => !longestOptionIsCorrect(row.question)),
      buckets,
    ),
    priorsWrong: breakdown(
      rows.filter((row) => !optionPriorsAreCorrect(row.question)),
      buckets,
    ),
  };
}
