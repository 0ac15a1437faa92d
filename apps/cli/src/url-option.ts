import { PersonalabError } from '@personalab/core';

/**
 * An http(s) URL given to `flag`, refused with a message naming the flag (fetch cannot take any other: a bad one had been
 * retried as a network error, or reported as a failed download that named no flag).
 */
export function parseHttpUrl(flag: string, value: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new PersonalabError('invalid_argument', `${flag} must be an http:// or https:// URL, got ${JSON.stringify(value)}`);
  }
  return url;
}
