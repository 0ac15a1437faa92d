/** Small text utilities for the offline memory: sentences, content words, bigrams. */

const stopwords = new Set(
  'the a an and or but so of to in on at for with from by as is are was were be been being it its this that these those i me my mine you your yours we our they them their he she his her him what which who whom how why when where there here than then also just very really quite more most much many some any all each every both few other such only own same too can could would should will shall may might must do does did done have has had having not no nor yes about into over after before again once because since while until against between through during above below up down out off under further let lets get got make makes made one ever even still well way thing things'.split(
    ' ',
  ),
);

/** Sentences, split after ., ! or ? followed by space. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

/** A crude stem, enough to meet "fascinated" with "fascinates" and "headache" with "headaches". */
export function stem(word: string): string {
  let base = word;
  if (base.length > 4 && base.endsWith('ies')) base = `${base.slice(0, -3)}y`;
  else if (base.length > 5 && base.endsWith('ing')) base = base.slice(0, -3);
  else if (base.length > 4 && (base.endsWith('ed') || base.endsWith('es'))) base = base.slice(0, -2);
  else if (base.length > 3 && base.endsWith('s') && !base.endsWith('ss')) base = base.slice(0, -1);
  if (base.length > 4 && base.endsWith('e')) base = base.slice(0, -1);
  return base;
}

/** Content words of a text: lower case, stemmed, stopwords and words under three letters removed. */
export function contentWords(text: string): string[] {
  const words = text.toLowerCase().match(/[a-z0-9]+(?:'[a-z]+)?/g) ?? [];
  return words.filter((word) => word.length >= 3 && !stopwords.has(word) && !word.includes("'")).map(stem);
}

/** Adjacent pairs of content words, as "a b". */
export function bigrams(words: readonly string[]): Set<string> {
  const pairs = new Set<string>();
  for (let index = 1; index < words.length; index++) pairs.add(`${words[index - 1]} ${words[index]}`);
  return pairs;
}
