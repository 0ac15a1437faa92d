import type { Random } from '@personalab/core';

/**
 * Neutral turns that assert nothing, said when no candidate turn (retrieval simulator) or model reply (LLM simulator)
 * passed the checks: a greeting to open, an answer that says nothing to a question, a question after anything else.
 */
const fallbackTurns = {
  opening: ['Hi!', 'Hello there!', 'Hi, how are you?'],
  answering: ['Hmm, hard to say.', 'Good question, I am not sure.', 'I would have to think about that.'],
  other: ['That is interesting. Tell me more?', 'Oh really? How so?', 'Hmm, I see. What else?', 'Okay. What about you?'],
} as const;

/** A neutral turn of the kind the moment wants: `asked` undefined to open, true after a question, false after anything else. */
export function fallbackTurn(asked: boolean | undefined, random: Random): string {
  return random.pick(asked === undefined ? fallbackTurns.opening : asked ? fallbackTurns.answering : fallbackTurns.other);
}
