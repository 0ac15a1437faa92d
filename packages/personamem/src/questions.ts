import type { QuestionRow } from './generator/generate-benchmark.js';
import type { OptionLetter, BenchmarkQuestion } from './types.js';

/** A generated question row as the evaluator's question. */
export function questionFromRow(row: QuestionRow): BenchmarkQuestion {
  return {
    id: row.question_id,
    personaId: String(row.persona_id),
    type: row.question_type,
    topic: row.topic,
    question: row.user_question_or_message,
    options: JSON.parse(row.all_options) as string[],
    optionsText: row.all_options,
    correct: row.correct_answer.replace(/[()\s]/g, '').toLowerCase() as OptionLetter,
    sharedContextId: row.shared_context_id,
    endIndex: row.end_index_in_shared_context,
    contextLengthInTokens: row.context_length_in_tokens,
    distanceInBlocks: row.distance_to_ref_in_blocks,
    distanceInTokens: row.distance_to_ref_in_tokens,
  };
}
