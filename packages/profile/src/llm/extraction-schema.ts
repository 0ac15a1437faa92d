import { z } from 'zod';

const traitNames = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;

/**
 * The JSON an LLM returns for one chunk. The JSON Schema sent to the server restricts
 * `message_ids` to a non-empty list of the chunk's user message ids (servers that enforce
 * schemas then cannot cite anything else), but validation accepts any list of strings: an
 * item citing an unknown id, an assistant's message or nothing is dropped by the extractor
 * (`citedEvidence`), not a reason to reject the whole reply and every valid item in it.
 * Optional values are nullable rather than absent, as strict JSON-schema modes require.
 */
export function extractionSchema(userMessageIds: readonly [string, ...string[]]) {
  const messageIds = z.array(z.string()).meta({ items: { type: 'string', enum: [...userMessageIds] }, minItems: 1 });
  return z.object({
    facts: z.array(
      z.object({
        key: z.string().min(1).max(100),
        statement: z.string().min(1).max(1000),
        confidence: z.number().min(0).max(1),
        message_ids: messageIds,
      }),
    ),
    preferences: z.array(
      z.object({
        subject: z.string().min(1).max(500),
        category: z.string().max(100).nullable(),
        polarity: z.enum(['like', 'dislike', 'neutral']),
        strength: z.number().min(0).max(1),
        tense: z.enum(['present', 'past']),
        reason: z.string().max(2000).nullable(),
        message_ids: messageIds,
      }),
    ),
    goals: z.array(
      z.object({
        description: z.string().min(1).max(1000),
        status: z.enum(['active', 'achieved', 'abandoned']),
        message_ids: messageIds,
      }),
    ),
    personality: z.array(
      z.object({
        trait: z.enum(traitNames),
        score: z.number().min(0).max(1),
        confidence: z.number().min(0).max(1),
        message_ids: messageIds,
      }),
    ),
  });
}

export type ChunkExtraction = z.infer<ReturnType<typeof extractionSchema>>;

/**
 * The ids an item cites when they are all user messages of its chunk; undefined (drop the item)
 * when it cites none, or any id that is not one: an invented id, or an assistant's message.
 */
export function citedEvidence(messageIds: readonly string[], userMessageIds: ReadonlySet<string>): string[] | undefined {
  if (messageIds.length === 0 || !messageIds.every((id) => userMessageIds.has(id))) return undefined;
  return [...new Set(messageIds)];
}
