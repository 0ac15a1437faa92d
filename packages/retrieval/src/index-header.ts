import { z } from 'zod';

/** Metadata values as persisted: the `VectorMetadata` shape, or null for none. */
export const persistedMetadataSchema = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).nullable();

/** The part of an index file's header every index kind shares. */
export const commonHeaderShape = {
  dimension: z.number().int().positive(),
  metric: z.enum(['cosine', 'ip', 'l2']),
  count: z.number().int().nonnegative(),
  ids: z.array(z.string()),
  metadata: z.array(persistedMetadataSchema),
};
