import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';
import { messageSchema } from './message.js';

/** A conversation between one user and an assistant. */
export const sessionSchema = z.object({
  id: idSchema,
  userId: idSchema,
  startedAt: timestampSchema,
  endedAt: timestampSchema.optional(),
  messages: z.array(messageSchema),
  /** Free-form labels (data set name, topic). */
  metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Session = z.infer<typeof sessionSchema>;
