export { optionLetters, hasSource } from './types.js';
export type { OptionLetter, PersonaMemQuestion, ContextSource, PersonaMemResponderQuestion } from './types.js';
export { officialInstruction, formatOptions, questionMessage, buildPrompt, foldSystemMessages } from './prompt.js';
export { extractOptionLetters, finalAnswerText, scoreReply, finalAnswerReply } from './scoring.js';
export type { ScoredReply } from './scoring.js';
export { RunStore } from './run-store.js';
export type { StoredAnswer, RunInfo } from './run-store.js';
export { evaluate } from './evaluator.js';
export type { EvaluateOptions, EvaluationResult, QuestionOutcome } from './evaluator.js';
export { questionFromRow } from './questions.js';
export { loadPredictionFile } from './predictions.js';
export type { PredictionRow } from './predictions.js';

export { RandomResponder } from './responders/random-responder.js';
export type { RandomResponderOptions } from './responders/random-responder.js';
export { LongestOptionResponder, longestOptionIndex, optionBody } from './responders/longest-option-responder.js';
export { MemoryResponder, defaultMemoryWeights } from './responders/memory-responder.js';
export type { MemoryWeights, OptionScore } from './responders/memory-responder.js';
export { UserMemory, MemoryView } from './memory/user-memory.js';
export type { PreferenceState, PreferenceTimeline, StatementSegment } from './memory/user-memory.js';
export { extractPreferenceClaims } from './memory/preference-claims.js';
export type { PreferenceClaim } from './memory/preference-claims.js';

export { wilsonInterval, intervalContains } from './report/wilson.js';
export type { AccuracyCell } from './report/wilson.js';
export { buildRunReport, longestOptionIsCorrect, defaultDistanceBuckets } from './report/accuracy-report.js';
export type { RunReport, BreakdownReport, DistanceBucket } from './report/accuracy-report.js';
export { renderMarkdown, svgAccuracyByDistance, formatCell } from './report/render-report.js';
export { published128k, published32k } from './report/published.js';
export type { PublishedScore } from './report/published.js';

export { generateBenchmark, questionTypes, estimateTokens } from './generator/generate-benchmark.js';
export type { GenerateBenchmarkOptions, GeneratedBenchmark, QuestionRow, QuestionType } from './generator/generate-benchmark.js';
export { writeBenchmark, questionsToCsv, contextsToJsonl } from './generator/write-benchmark.js';
export { topics as catalogTopics, reasonsToStart, reasonsToStop, facts as catalogFacts } from './generator/catalog.js';
