import { z } from 'zod';

/** A non-empty string identifier (users, items, messages, sessions). */
export const idSchema = z.string().min(1).max(256);

/** Milliseconds since the Unix epoch. */
export const timestampSchema = z.number().int().nonnegative();

/** Where a profile field came from: the message (or event) that supports it. */
export const evidenceSchema = z.object({
  /** Id of the message or interaction that supports the field. */
  messageId: idSchema,
  /** The supporting words, when short enough to keep. */
  quote: z.string().max(2000).optional(),
  /** When the evidence was produced. */
  timestamp: timestampSchema.optional(),
});
export type Evidence = z.infer<typeof evidenceSchema>;
