/** Contractions expanded before pattern matching, so "i'm", "im" and "i am" look alike. */
const contractions: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bi'm\b|\bim\b/g, 'i am'],
  [/\bi've\b|\bive\b/g, 'i have'],
  [/\bi'd\b/g, 'i would'],
  [/\bi'll\b/g, 'i will'],
  // "we're big fans of westerns": a taste the speaker shares (`sharedTaste`).
  [/\bwe're\b/g, 'we are'],
  [/\bwe've\b/g, 'we have'],
  [/\bcan't\b|\bcant\b/g, 'cannot'],
  [/\bwon't\b/g, 'will not'],
  [/\bain't\b/g, 'am not'],
  [/\b(do|does|did|is|are|was|were|have|has|had|would|could|should)n't\b/g, '$1 not'],
  [/\b(do|does|did)nt\b/g, '$1 not'],
  [/\bfavourite/g, 'favorite'],
  [/\bcolour/g, 'color'],
];

/**
 * Lower-cases a message, expands first-person contractions and closes the spaces that
 * pre-tokenised corpora put before punctuation ("work , i" → "work, i").
 */
export function normalizeUtterance(text: string): string {
  let result = text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  // A curly quote whose JSON escape lost its backslash ("itu2019s", as in PersonaMem's contexts) is an apostrophe too.
  if (result.includes('u201')) result = result.replace(/(?<=[a-z])u201[89](?=[a-z])/g, "'");
  // `(?<!\s)`: a match starts only where a run of whitespace starts; without it each space of a long run rescanned the
  // rest of the run (quadratic: 200,000 spaces took seconds). The leftmost match starts there anyway.
  result = result.replace(/(?<!\s)\s+([,.!?;:])/g, '$1').replace(/(?<!\s)\s+'\s*/g, "'");
  for (const [pattern, replacement] of contractions) result = result.replace(pattern, replacement);
  return result.replace(/\s+/g, ' ').trim();
}
