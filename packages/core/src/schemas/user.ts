import { z } from 'zod';
import { idSchema, timestampSchema } from './common.js';

export const genderSchema = z.enum(['F', 'M', 'other', 'unknown']);

/** A user of the system; demographic fields are optional (most data sets have none). */
export const userSchema = z.object({
  id: idSchema,
  name: z.string().max(200).optional(),
  age: z.number().int().min(0).max(130).optional(),
  gender: genderSchema.optional(),
  occupation: z.string().max(200).optional(),
  /** Postal code or free-form location. */
  location: z.string().max(200).optional(),
  createdAt: timestampSchema.optional(),
  /** Source-specific attributes that have no first-class field. */
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type User = z.infer<typeof userSchema>;
