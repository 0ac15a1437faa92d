import { z } from 'zod';

const traitNames = ['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism'] as const;

/**
 * The JSON an LLM returns for one chunk. `message_ids` is an enum of the chunk's user message
 * ids, so a reply that cites anything else fails validation and is repaired or rejected whole.
 * Optional values are nullable rather than absent, as strict JSON-schema modes require.
 */
export function extractionSchema(userMessageIds: readonly [string, ...string[]]) {
  const messageIds = z.array(z.enum(userMessageIds)).min(1);
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
