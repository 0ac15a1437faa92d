import { z } from 'zod';
import { PersonalabError, formatZodError } from '@personalab/core';

/**
 * Where settings come from: a constructor's `options` (refused with `invalid_argument`) or the `config` of a saved
 * `model.json` (refused with `corrupt_file`; `BaseRecommender.load` prefixes the file's path).
 */
export type SettingsSource = 'options' | 'config';

/** A whole number ≥ `min`. */
export const countSetting = (min: number) => z.number().int().min(min);
/** A finite number ≥ 0. */
export const nonNegativeSetting = z.number().min(0);
/** A finite number > 0. */
export const positiveSetting = z.number().positive();
/** A seed: any whole number. */
export const seedSetting = z.number().int();
/**
 * Early stopping's patience: a whole number ≥ `min`, or Infinity (train every epoch; the training loop's own setting),
 * which JSON saves as null.
 */
export const patienceSetting = (min: number) => z.union([countSetting(min), z.literal(Number.POSITIVE_INFINITY), z.null().transform(() => Number.POSITIVE_INFINITY)]);

/**
 * `settings` checked against `schema`, laid over `base`: keys the schema does not know and keys whose value is
 * undefined keep `base`'s value, so a save made before a key existed loads with `base`'s (the default). A bad value is
 * an error `<model>: <source>.<key>: <what is wrong>`, before anything is changed. Unchecked, a saved `"layers": "2"`
 * had loaded and scored about 0, and a string λ or mean had loaded as NaN.
 */
export function checkedSettings<Schema extends z.ZodObject>(model: string, schema: Schema, base: object, settings: object, source: SettingsSource): z.output<Schema> {
  const known = Object.entries(settings).filter(([key, value]) => value !== undefined && key in schema.shape);
  const parsed = z.object({ [source]: schema }).safeParse({ [source]: { ...base, ...Object.fromEntries(known) } });
  if (!parsed.success) throw new PersonalabError(source === 'options' ? 'invalid_argument' : 'corrupt_file', `${model}: ${formatZodError(parsed.error)}`);
  return (parsed.data as Record<SettingsSource, z.output<Schema>>)[source];
}
