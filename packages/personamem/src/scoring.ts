import type { OptionLetter } from './types.js';

/** The option letters a text names: those in parentheses "(b)", else bare letters as words. */
export function extractOptionLetters(text: string): Set<string> {
  const lower = text.toLowerCase();
  const inParentheses = [...lower.matchAll(/\(([a-d])\)/g)].map((match) => match[1] as string);
  if (inParentheses.length > 0) return new Set(inParentheses);
  // Python's `\b` is Unicode-aware, so letters and digits of any script count as word characters.
  return new Set([...lower.matchAll(/(?<![\p{L}\p{N}_])([a-d])(?![\p{L}\p{N}_])/gu)].map((match) => match[1] as string));
}

/** The part of a reply after the last `<final_answer>`, without a closing tag (official rule). */
export function finalAnswerText(reply: string): string {
  let answer = reply.trim();
  if (answer.includes('<final_answer>')) answer = (answer.split('<final_answer>').pop() ?? '').trim();
  if (answer.endsWith('</final_answer>')) answer = answer.slice(0, -'</final_answer>'.length).trim();
  return answer;
}

export interface ScoredReply {
  correct: boolean;
  /** The text after the final-answer token (what the official code reports as the prediction). */
  predictedText: string;
  /** The single letter the reply picked, when it named exactly one. */
  predicted: OptionLetter | undefined;
}

const single = (letters: Set<string>): OptionLetter | undefined => (letters.size === 1 ? ([...letters][0] as OptionLetter) : undefined);

/**
 * The official PersonaMem scoring (`extract_answer`): correct iff the letters named after the last
 * `<final_answer>` are exactly the gold letter, or, failing that, the letters named anywhere in the
 * whole reply are.
 */
export function scoreReply(reply: string, correctAnswer: string): ScoredReply {
  const gold = correctAnswer.toLowerCase().replace(/^[() ]+|[() ]+$/g, '');
  const predictedText = finalAnswerText(reply);
  const answerLetters = extractOptionLetters(predictedText);
  const predicted = single(answerLetters) ?? single(extractOptionLetters(reply));
  if (answerLetters.size === 1 && answerLetters.has(gold)) return { correct: true, predictedText, predicted: gold as OptionLetter };
  const replyLetters = extractOptionLetters(reply);
  if (replyLetters.size === 1 && replyLetters.has(gold)) return { correct: true, predictedText, predicted: gold as OptionLetter };
  return { correct: false, predictedText, predicted };
}

/** A reply that names one option in the official format. */
export function finalAnswerReply(letter: OptionLetter, reasoning = ''): string {
  return `${reasoning}${reasoning === '' ? '' : '\n\n'}<final_answer>(${letter})`;
}
