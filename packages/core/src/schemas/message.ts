import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';

export const roleSchema = z.enum(['system', 'user', 'assistant']);
export type Role = z.infer<typeof roleSchema>;

/** One message of a conversation, with the identity and time that profile evidence cites. */
export const messageSchema = z.object({
  id: idSchema,
  role: roleSchema,
  content: z.string().max(200_000),
  timestamp: timestampSchema,
  /** The user the message belongs to (its author for user messages). */
  userId: idSchema.optional(),
  sessionId: idSchema.optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** The wire form of a chat message sent to a language model. */
export const chatMessageSchema = z.object({
  role: roleSchema,
  content: z.string(),
});
export type ChatMessage = z.infer<typeof chatMessageSchema>;
