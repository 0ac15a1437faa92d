import type { Responder, ResponderAnswer, ResponderQuestion } from '@personalab/core';
import { finalAnswerReply } from '../scoring.js';
import { optionLetters } from '../types.js';

/** The option text without its "(a) " prefix. */
export function optionBody(option: string): string {
  return option.replace(/^\s*\([a-dA-D]\)\s*/, '');
}

/** Index of the longest option (by characters, prefix removed); the first one wins ties. */
export function longestOptionIndex(options: readonly string[]): number {
  let best = 0;
  options.forEach((option, index) => {
    if (optionBody(option).length > optionBody(options[best] ?? '').length) best = index;
  });
  return best;
}

/**
 * Control that reads no context and picks the longest option. On the released 32k questions this
 * scores as well as the best published models, so every report shows it beside the responders.
 */
export class LongestOptionResponder implements Responder {
  readonly name = 'longest-option';

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    return { reply: finalAnswerReply(optionLetters[longestOptionIndex(question.options)] ?? 'a') };
  }
}
