import type { Preference, Profile } from '@personalab/core';

/** A preference's current state as a first-person sentence ("my favorite color is blue", "i hate jazz"). */
export function describePreference(preference: Preference): string | undefined {
  const { subject, polarity, strength, category } = preference;
  if (polarity === 'neutral') return undefined;
  if (polarity === 'like') {
    if (strength >= 1 && category) return `my favorite ${category} is ${subject}`;
    return strength >= 0.85 ? `i love ${subject}` : `i like ${subject}`;
  }
  return strength >= 0.85 ? `i hate ${subject}` : `i do not like ${subject}`;
}

/**
 * Everything a profile asserts about the user now, as first-person sentences: facts, current
 * preferences and goals. This is what the recovery experiment compares with gold personas.
 */
export function profileStatements(profile: Profile): string[] {
  const statements = [
    ...profile.facts.map((fact) => fact.value),
    ...profile.preferences.map(describePreference).filter((value): value is string => value !== undefined),
    ...profile.goals.map((goal) => goal.description),
  ];
  return [...new Set(statements)];
}
