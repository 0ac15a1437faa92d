import { emptyProfile, type Preference, type Profile } from '@personalab/core';

/** A rough key for a persona statement, so facts group like the profile package's. */
function factKey(statement: string): string {
  const text = statement.toLowerCase();
  if (/\b(work|job|career|employed|retired|student|nurse|teacher|engineer|doctor)\b/.test(text)) return 'occupation';
  if (/\b(dog|cat|pet|fish|bird|turtle|horse|hamster|rabbit)s?\b/.test(text)) return 'pet';
  if (/\b(live|lives|grew up|born|from)\b/.test(text)) return 'location';
  if (/\b(married|wife|husband|kids|children|son|daughter|mother|father|mom|dad|sister|brother|family|parents)\b/.test(text)) return 'family';
  if (/\b(\d+ years old|age)\b/.test(text)) return 'age';
  return 'other';
}

/**
 * A profile holding the given persona statements as objective facts (Persona-Chat style
 * "I have two dogs."), each its own evidence, plus explicit preferences when given.
 */
export function personaProfile(options: {
  userId: string;
  statements: readonly string[];
  preferences?: ReadonlyArray<{ subject: string; polarity: 'like' | 'dislike'; strength?: number; category?: string }>;
  now?: number;
}): Profile {
  const now = options.now ?? 0;
  const profile = emptyProfile(options.userId, now);
  profile.facts = options.statements
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '')
    .map((statement, index) => ({
      key: factKey(statement),
      value: statement,
      confidence: 1,
      firstSeen: now,
      lastUpdated: now,
      evidence: [{ messageId: `${options.userId}-persona-${index}`, quote: statement }],
    }));
  profile.preferences = (options.preferences ?? []).map(
    (preference, index): Preference => ({
      subject: preference.subject,
      ...(preference.category ? { category: preference.category } : {}),
      polarity: preference.polarity,
      strength: preference.strength ?? 0.8,
      firstSeen: now,
      lastUpdated: now,
      evidence: [{ messageId: `${options.userId}-preference-${index}` }],
      history: [],
    }),
  );
  profile.version = 1;
  return profile;
}
