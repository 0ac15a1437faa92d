import { Option } from 'commander';
import { parseInteger, type IntegerRange } from '@personalab/core';

// The parsing rules live in core, shared with the experiment scripts.
export { parseInteger, parseIntegerList } from '@personalab/core';
export type { IntegerRange } from '@personalab/core';

/**
 * A commander option whose value is an integer in `range`, validated as it is parsed (before the
 * command runs), with a message that names the option. The default, when given, is not parsed.
 */
export function integerOption(flags: string, description: string, range: IntegerRange, defaultValue?: number): Option {
  const option = new Option(flags, description);
  const name = option.long ?? flags;
  option.argParser((value: string) => parseInteger(name, value, range));
  if (defaultValue !== undefined) option.default(defaultValue);
  return option;
}

/** Options that take a positive count (`--limit`, `--k`, `--concurrency`). */
export const positive: IntegerRange = { min: 1 };
/** Seeds: any non-negative integer. */
export const seedRange: IntegerRange = { min: 0, max: 2 ** 32 - 1 };
