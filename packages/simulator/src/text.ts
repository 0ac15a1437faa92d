/** Small text statistics shared by the simulators and the fidelity metrics. */
import { countWords } from '@personalab/profile';

const contractions: ReadonlyArray<readonly [RegExp, string]> = [
  [/\bcan't\b/g, 'can not'],
  [/\bwon't\b/g, 'will not'],
  [/\bain't\b/g, 'am not'],
  [/n't\b/g, ' not'],
  [/\bi'm\b/g, 'i am'],
  [/'re\b/g, ' are'],
  [/'ve\b/g, ' have'],
  [/'ll\b/g, ' will'],
  [/'d\b/g, ' would'],
];

/** Lower-cases, unifies apostrophes and expands English contractions ("don't" → "do not"). */
export function normalizeText(text: string): string {
  // Whitespace is collapsed first: the joins below, run over a long stretch of spaces, had taken time quadratic in it
  // (a second for 40,000 spaces).
  // Persona-Chat is tokenised with spaces around apostrophes ("ca n't", "i ' m"); join them back first.
  let result = text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\u2018\u2019`]/g, "'")
    .replace(/ (n't)\b/g, '$1')
    .replace(/ ' ?(?=[a-z])/g, "'");
  for (const [pattern, replacement] of contractions) result = result.replace(pattern, replacement);
  return result.trim();
}

/** Word tokens (letters, digits, inner apostrophes) of a text, lower-cased. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
}

/**
 * Number of words in a text, counted as the profile's style counts them (Unicode word boundaries), so a profile's
 * `meanLength` and a corpus turn's length are in one unit, and text without spaces (Chinese, Japanese) has words.
 */
export function wordCount(text: string): number {
  return countWords(text);
}

/** A text with its first letter in upper case. */
export const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

/** Whether a message asks something: a question mark, or an opening question word. */
export function isQuestion(text: string): boolean {
  // Fullwidth (Chinese, Japanese) and Arabic question marks too.
  if (/[?\uFF1F\u061F]/u.test(text)) return true;
  return /^(what|who|where|when|why|how|do|does|did|are|is|can|could|would|will|have|has)\b[^.!]*$/i.test(text.trim());
}

/**
 * Where sentences end: after . ! ? but not after an abbreviation that goes before a name ("Mr. Holland's Opus", "Dr.
 * Smith", "St. Elmo's Fire", "Kramer vs. Kramer"), and at line breaks. A street's "St." (after a name: "I live on Elm
 * St. My …") and "Jr." go after a name and may end one.
 */
const sentenceBreak = /(?<=[.!?])(?<!\b(?:[Mm]rs?|[Mm]s|[Dd]r|[Ss]t|[Vv]s)\.)\s+|(?<=(?<!^|[.!?]\s+)\b[A-Z][a-z]+\s+St\.)\s+|\n+/;

/** Sentences of a text (split on . ! ? and new lines). */
export function sentences(text: string): string[] {
  return text
    .split(sentenceBreak)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

export const stopWords: ReadonlySet<string> = new Set(
  (
    'a an the and or but if of to in on at for with from by about as into over after before than then so too very ' +
    'i me my mine myself you your yours we our us he him his she her it its they them their this that these those ' +
    'am is are was were be been being have has had having do does did doing will would can could should shall may might must ' +
    'just also really not no never yes yeah oh well like so what who where when why how which there here all any some ' +
    'one lot much many more most get got go going make made want know think say said thing things time good great nice'
  ).split(' '),
);

/** Crude singular form, so "dogs" matches "dog" (not a full stemmer: it only needs to be consistent). */
export function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

/** Content words of a text: stop words and negations removed, singularised. */
export function contentWords(text: string): string[] {
  return words(normalizeText(text))
    .filter((word) => !stopWords.has(word) && word.length > 1)
    .map(singular);
}

/** Distinct-n: distinct n-grams over all n-grams of the given texts (Li et al., 2016). */
export function distinctN(texts: readonly string[], n: number): number {
  const seen = new Set<string>();
  let total = 0;
  for (const text of texts) {
    const tokens = words(text);
    for (let start = 0; start + n <= tokens.length; start++) {
      seen.add(tokens.slice(start, start + n).join(' '));
      total++;
    }
  }
  return total === 0 ? 0 : seen.size / total;
}

/** Jaccard overlap of two word sets. */
export function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 && right.size === 0) return 0;
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}
