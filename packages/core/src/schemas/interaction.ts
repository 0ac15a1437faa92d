import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';

/** An explicit rating on a numeric scale. */
export const ratingInteractionSchema = z.object({
  kind: z.literal('rating'),
  userId: idSchema,
  itemId: idSchema,
  /** The rating value (MovieLens: 1 to 5). */
  value: z.number().finite(),
  timestamp: timestampSchema,
});

/** An implicit event: a view, a click, a purchase. */
export const implicitInteractionSchema = z.object({
  kind: z.literal('event'),
  userId: idSchema,
  itemId: idSchema,
  event: z.enum(['view', 'click', 'like', 'dislike', 'purchase', 'skip']),
  /** Event weight, 1 unless the source says otherwise. */
  weight: z.number().finite().default(1),
  timestamp: timestampSchema,
});

export const interactionSchema = z.discriminatedUnion('kind', [ratingInteractionSchema, implicitInteractionSchema]);
export type RatingInteraction = z.infer<typeof ratingInteractionSchema>;
export type ImplicitInteraction = z.infer<typeof implicitInteractionSchema>;
export type Interaction = z.infer<typeof interactionSchema>;
