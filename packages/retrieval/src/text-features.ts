/** The kinds of hashed text features, each normalised and weighted on its own. */
export type FeatureGroup = 'word' | 'bigram' | 'character';

export interface TextFeatureGroup {
  group: FeatureGroup;
  features: string[];
}

const tokenPattern = /[\p{L}\p{N}]+/gu;

/** Lower-cased NFKC word tokens (letters and digits; punctuation separates). */
export function tokenize(text: string): string[] {
  return text.normalize('NFKC').toLowerCase().match(tokenPattern) ?? [];
}

/**
 * Word unigrams, word bigrams, and character 3–5-grams of each word padded with spaces (as in
 * fastText), so "guitar" and "guitars" share most of their features.
 */
export function textFeatures(text: string, minimumGram = 3, maximumGram = 5): TextFeatureGroup[] {
  const words = tokenize(text);
  const bigrams: string[] = [];
  for (let index = 1; index < words.length; index++) bigrams.push(`${words[index - 1]} ${words[index]}`);
  const characters: string[] = [];
  for (const word of words) {
    const padded = ` ${word} `;
    for (let size = minimumGram; size <= maximumGram; size++) {
      for (let start = 0; start + size <= padded.length; start++) characters.push(padded.slice(start, start + size));
    }
  }
  return [
    { group: 'word', features: words },
    { group: 'bigram', features: bigrams },
    { group: 'character', features: characters },
  ];
}
