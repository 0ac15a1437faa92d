import { stopWords } from './stop-words.js';

/** Lower-cased alphanumeric tokens; apostrophes split words ("don't" → "don", "t"). */
export function tokenize(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
}

/** Tokens with stop words removed: the unit token F1 is computed over. */
export function contentTokens(text: string): string[] {
  return tokenize(text).filter((token) => !stopWords.has(token));
}

/**
 * Splits a message into sentences at `.`, `!` and `?` followed by space (Persona-Chat text is
 * pre-tokenised, "work . i"), dropping pieces that hold no word.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => /[a-z0-9]/i.test(sentence));
}
