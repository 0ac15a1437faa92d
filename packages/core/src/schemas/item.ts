import { z } from 'zod';
import { idSchema } from './common.js';

/** A recommendable thing: a movie, a book, a dish. */
export const itemSchema = z.object({
  id: idSchema,
  title: z.string().min(1).max(500),
  /** Categorical tags such as genres. */
  tags: z.array(z.string().min(1).max(100)).default([]),
  /** Release year, when known. */
  year: z.number().int().min(1000).max(3000).optional(),
  /** Free text used for text embeddings of new items (cold start). */
  description: z.string().max(20000).optional(),
  /** Other attributes (numeric or categorical). */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type Item = z.infer<typeof itemSchema>;
export type ItemInput = z.input<typeof itemSchema>;
