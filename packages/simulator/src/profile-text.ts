import type { Profile } from '@personalab/core';

/**
 * The statements a simulated user holds true: its objective facts plus its stated preferences,
 * in first-person form, as the contradiction checker and the prompts read them.
 */
export function profileStatements(profile: Profile): string[] {
  const statements = profile.facts.map((fact) => fact.value);
  for (const preference of profile.preferences) {
    if (preference.polarity === 'like') statements.push(`I like ${preference.subject}.`);
    else if (preference.polarity === 'dislike') statements.push(`I do not like ${preference.subject}.`);
  }
  return statements;
}

/** Subjects the user likes, strongest first. */
export function likedSubjects(profile: Profile, limit = 3): string[] {
  return profile.preferences
    .filter((preference) => preference.polarity === 'like')
    .sort((left, right) => right.strength - left.strength)
    .slice(0, limit)
    .map((preference) => preference.subject);
}

/** Subjects the user dislikes, strongest first. */
export function dislikedSubjects(profile: Profile, limit = 3): string[] {
  return profile.preferences
    .filter((preference) => preference.polarity === 'dislike')
    .sort((left, right) => right.strength - left.strength)
    .slice(0, limit)
    .map((preference) => preference.subject);
}

/** The genre a subject names: "comedy movies" → "comedy". */
export const genreOf = (subject: string) => subject.toLowerCase().replace(/\s+(?:movies|films)$/, '');

/** The genres the user likes, as `genreOf` names them ("comedy"). */
export function likedGenres(profile: Profile): string[] {
  return profile.preferences.filter((preference) => preference.polarity === 'like').map((preference) => genreOf(preference.subject));
}

/** The genres the user dislikes, as `genreOf` names them ("horror"). */
export function dislikedGenres(profile: Profile): string[] {
  return profile.preferences.filter((preference) => preference.polarity === 'dislike').map((preference) => genreOf(preference.subject));
}

/** "a, b and c" (or "a, b or c"). */
export function listInWords(values: readonly string[], conjunction: 'and' | 'or' = 'and'): string {
  if (values.length <= 1) return values[0] ?? '';
  return `${values.slice(0, -1).join(', ')} ${conjunction} ${values.at(-1) ?? ''}`;
}
