import type { ChatMessage } from '../schemas/message.js';

/** One PersonaMem-style multiple-choice question with the context it may read. */
export interface ResponderQuestion {
  id: string;
  type: string;
  /** The user's message the assistant must respond to. */
  question: string;
  /** Options in order (a), (b), (c), (d). */
  options: readonly string[];
  /** The conversation history the question sees (already cut at its end index). */
  context: readonly ChatMessage[];
}

export interface ResponderAnswer {
  /** The full reply text; scored by the official rule (text after `<final_answer>`). */
  reply: string;
}

/** Answers a multiple-choice question about a long user history. */
export interface Responder {
  readonly name: string;
  answer(question: ResponderQuestion, options?: { signal?: AbortSignal }): Promise<ResponderAnswer>;
}
