/** Words as a sentence lists them: "A", "A and B", "A, B and C" (or with another conjunction: "A, B or C"). */
export function wordList(words: readonly string[], conjunction = 'and'): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1] ?? ''}`;
}
