import { type Random, type Responder, type ResponderAnswer, type ResponderQuestion, createRandom, hashString } from '@personalab/core';
import { finalAnswerReply } from '../scoring.js';
import { optionLetters } from '../types.js';

export interface RandomResponderOptions {
  seed?: number;
}

/**
 * Control that reads nothing: picks an option uniformly at random. Seeded per question id, so
 * the pick does not depend on concurrency or on the order answers arrive in.
 */
export class RandomResponder implements Responder {
  readonly name = 'random';
  private readonly seed: number;

  constructor(options: RandomResponderOptions = {}) {
    this.seed = options.seed ?? 0;
  }

  async answer(question: ResponderQuestion): Promise<ResponderAnswer> {
    const random: Random = createRandom(hashString(question.id, this.seed ^ 0x811c9dc5));
    const letter = optionLetters[random.int(Math.min(optionLetters.length, question.options.length))] ?? 'a';
    return { reply: finalAnswerReply(letter) };
  }
}
