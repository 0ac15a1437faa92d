import type { Message } from '@personalab/core';

/** A rough token count (4 characters a token, plus the per-message framing). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 8;
}

/**
 * Splits a history, in order, into chunks whose estimated tokens stay within `budget`.
 * A single message larger than the budget becomes a chunk of its own rather than being cut.
 */
export function chunkMessages(messages: readonly Message[], budget: number, estimate: (text: string) => number = estimateTokens): Message[][] {
  const chunks: Message[][] = [];
  let current: Message[] = [];
  let used = 0;
  for (const message of messages) {
    const cost = estimate(message.content);
    if (current.length > 0 && used + cost > budget) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(message);
    used += cost;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
