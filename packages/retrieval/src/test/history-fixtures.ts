import { HashingEmbedder } from '../hashing-embedder.js';

const words = ['guitar', 'bread', 'marathon', 'jazz', 'oven', 'chords', 'knee', 'sourdough', 'band', 'race', 'pasta', 'hiking', 'alps', 'piano', 'garden', 'tomato'];

/** A distinct sentence per writer and position (its own words, so a search for it finds it first). */
export function historyTestText(writer: string, position: number): string {
  const pick = (offset: number) => words[(position * 7 + offset * 3 + writer.length) % words.length];
  return `${writer} note ${position}: ${pick(0)} ${pick(1)} and ${pick(2)} number${position}`;
}

/** The same embedder in every process (fitted on a fixed corpus, so its id matches). */
export function historyTestEmbedder(): HashingEmbedder {
  return HashingEmbedder.fit(words.map((word, position) => `I like ${word} and ${words[(position + 5) % words.length]}`));
}
