import { createHash } from 'node:crypto';
import { changedKeys } from '@personalab/core';

/** Longest settings part of a file name; longer ones (a long --weights) are shortened with a hash. */
const MAX_SETTINGS_LENGTH = 80;

/** A value as a file-name part: letters, digits, dots and dashes only (`{"persona":0.9}` → `persona-0.9`). */
function namePart(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.replace(/[^A-Za-z0-9.]+/g, '-').replace(/^-+|-+$/g, '') || 'none';
}

/**
 * The name of a run's result files: `base` for the headline settings; otherwise `base` followed by each
 * option that differs from the headline run and its value (`movielens--seed-2--users-40`), so that runs with
 * other settings write different files instead of overwriting each other. The same settings give the same
 * name: a rerun replaces its own earlier result (each file is written atomically).
 */
export function resultName(base: string, values: Readonly<Record<string, unknown>>, headline: Readonly<Record<string, unknown>>): string {
  const parts = changedKeys(values, headline)
    .sort()
    .map((key) => `${namePart(key)}-${values[key] === undefined ? 'unset' : namePart(values[key])}`);
  if (parts.length === 0) return base;
  const settings = parts.join('--');
  if (settings.length <= MAX_SETTINGS_LENGTH) return `${base}--${settings}`;
  const hash = createHash('sha256').update(settings).digest('hex').slice(0, 10);
  return `${base}--${settings.slice(0, MAX_SETTINGS_LENGTH - 12).replace(/-+$/, '')}--${hash}`;
}
