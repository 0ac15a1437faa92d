import type { Preference, Profile } from '@personalab/core';

const activityVerbs = /^(?:go|read|walk|play|watch|cook|bake|swim|run|ride|hike|travel|dance|sing|paint|draw|write|meet|visit|explore|make|eat|drink|listen|learn|spend|try|build|fish|hunt|shop|camp|knit|sew|collect|work|help|take|do|be|have|get|see|stay|sleep|relax|hang out)\b/;

/** A preference's current state as a first-person sentence ("my favorite color is blue", "i hate jazz"). */
export function describePreference(preference: Preference): string | undefined {
  const { polarity, strength, category } = preference;
  if (polarity === 'neutral') return undefined;
  // An activity reads as one: "i like to go hiking", not "i like go hiking".
  const subject = activityVerbs.test(preference.subject) ? `to ${preference.subject}` : preference.subject;
  if (polarity === 'like') {
    // Strength 1 is what a favourite gets; without a category it still reads as one.
    if (strength >= 1) return category ? `my favorite ${category} is ${subject}` : `my favorite is ${subject}`;
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
