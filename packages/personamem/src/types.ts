import type { ChatMessage, ResponderQuestion } from '@personalab/core';

/** The option letters, in order. */
export const optionLetters = ['a', 'b', 'c', 'd'] as const;
export type OptionLetter = (typeof optionLetters)[number];

/**
 * One PersonaMem question as the evaluator needs it. Field names follow the released CSV
 * (`questions_{32k,128k}.csv`); the datasets package's loader output is adapted to this shape.
 */
export interface BenchmarkQuestion {
  id: string;
  personaId?: string;
  type: string;
  topic: string;
  /** The user's message the assistant must answer (`user_question_or_message`). */
  question: string;
  /** The four options, each still prefixed "(a) " .. "(d) " as in the CSV. */
  options: readonly string[];
  /** `all_options` exactly as written in the CSV, when known: the official prompt embeds it verbatim. */
  optionsText?: string;
  /** Gold letter, lower case. */
  correct: OptionLetter;
  sharedContextId: string;
  /** Exclusive end of the slice of the shared context the question sees (official: `context[:end_index]`). */
  endIndex: number;
  contextLengthInTokens?: number;
  distanceInBlocks?: number;
  distanceInTokens?: number;
}

/** Where a question's context comes from, so responders can cache work per shared context. */
export interface ContextSource {
  contextId: string;
  /** The whole shared context, read once and shared by every question that points at it. */
  messages: readonly ChatMessage[];
  /** The question sees `messages[0 .. endIndex)`. */
  endIndex: number;
}

/**
 * What the evaluator hands a responder: the core question plus the PersonaMem metadata and the
 * shared context it is cut from. `context` is materialised lazily, so controls copy nothing.
 */
export interface PersonaMemResponderQuestion extends ResponderQuestion {
  topic: string;
  /** `all_options` as written in the CSV, for the verbatim official prompt. */
  optionsText?: string;
  source?: ContextSource;
}

/** True when a responder question carries its shared-context source. */
export function hasSource(question: ResponderQuestion): question is PersonaMemResponderQuestion & { source: ContextSource } {
  return (question as PersonaMemResponderQuestion).source !== undefined;
}
