import type { Item } from '@personalab/core';
import { stopWords } from '@personalab/profile';

/** A word of a normalised message (lower-case letters and digits): its text and where it starts there. */
export interface MessageWord {
  text: string;
  at: number;
}

/**
 * A catalogue title a message names loosely: `misspelled` ("the godfater", "Shawshenk Redemption"), or
 * `shortened` to its opening words ("Shawshank" for The Shawshank Redemption, "Dr Strangelove").
 */
export interface LooseMatch {
  item: Item;
  kind: 'misspelled' | 'shortened';
  /** Index of the first and last message word it covers. */
  first: number;
  last: number;
  /** Index of its first word that is not an article ("the Shawshank": the second): where a capital shows it is written as a title. */
  titleWord: number;
  /**
   * Shortened to one word ("Shawshank"), which may be any capitalised word ("Christmas", "Halloween"): the caller
   * takes it only where the message speaks of a film (`watchedOrJudged`).
   */
  oneWord: boolean;
}

const articles = new Set(['the', 'a', 'an']);

/**
 * The optimal string alignment distance of two words (Levenshtein with adjacent transpositions: "fagro" →
 * "fargo" is 1), or `limit + 1` once it is sure to exceed `limit`.
 */
export function editDistance(left: string, right: string, limit: number): number {
  if (Math.abs(left.length - right.length) > limit) return limit + 1;
  let previousRow: number[] = [];
  let row = Array.from({ length: right.length + 1 }, (_, index) => index);
  for (let i = 1; i <= left.length; i++) {
    const twoBack = previousRow;
    previousRow = row;
    row = [i];
    let best = i;
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1;
      let value = Math.min((previousRow[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previousRow[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && left[i - 1] === right[j - 2] && left[i - 2] === right[j - 1]) value = Math.min(value, (twoBack[j - 2] ?? 0) + 1);
      row[j] = value;
      best = Math.min(best, value);
    }
    if (best > limit) return limit + 1;
  }
  return row[right.length] ?? limit + 1;
}

/** How far a word may be from a title's word to be taken for it: one edit from five letters on, two from nine (a digit never). */
function allowedEdits(word: string): number {
  if (/\d/.test(word) || word.length < 5) return 0;
  return word.length >= 9 ? 2 : 1;
}

/** The same word in the singular or plural ("giants" / "giant", "assassin" / "assassins"): another word, not a misspelling. */
const inflected = (left: string, right: string) => left.replace(/e?s$/, '') === right.replace(/e?s$/, '');

/** A word that says something (not "the", "of", "this"). */
const substantial = (word: string) => !stopWords.has(word) && !articles.has(word);

/**
 * Where a title's main name ends and its subtitle starts, as normalised openings: "Dr. Strangelove or: How I
 * Learned…" → "dr strangelove", "Terminator 2: Judgment Day" → "terminator 2", "Seven (Se7en)" → "seven".
 */
function mainNames(title: string): string[] {
  const plain = title.replace(/\s*\(\d{4}\)\s*$/, '');
  const names: string[] = [];
  for (const match of plain.matchAll(/\s+or:\s+|:\s+|\s+[-–]\s+|\s*\(/g)) {
    const name = plain.slice(0, match.index).toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
    if (name !== '') names.push(name, `the ${name}`);
  }
  return names;
}

/**
 * Finds catalogue titles a message names loosely, for what the exact reader misses:
 * - `misspelled`: words of a title each written as it is or a letter or two off ("the godfater", "Titanc",
 *   "Terminater 2"): at most one word in two, never a plural for a singular ("Giants" is not "Giant"), and a
 *   five-letter word only beside an exact word of substance ("Toy Stroy"), so "Spain" is not "Spawn";
 * - `shortened`: a title's main name without its subtitle ("Dr Strangelove", "Terminator 2"), or one long word
 *   that opens one title and is in no other ("Shawshank"; "Christmas" is in two).
 * The caller decides which it takes (one word only when written as a title, and where the message speaks of films).
 */
export class LooseTitleIndex {
  /** Variants by their first word. */
  private readonly byFirstWord = new Map<string, { item: Item; words: string[] }[]>();
  /** Title words by first letter and length, to look up near spellings. */
  private readonly vocabulary = new Map<string, string[]>();
  /** How many items' titles hold each word. */
  private readonly itemsWithWord = new Map<string, number>();
  /** Shortened forms (a main name, or a title's first long word) → the items they may name. */
  private readonly shortened = new Map<string, Set<Item>>();
  private readonly whole = new Set<string>();
  /** The first words of the shortened forms: most message words open none, and are passed by at once. */
  private readonly shortenedHeads = new Set<string>();
  private longestShortened = 0;

  /** `entries`: every written form of every title, normalised (`titleVariants`); `alternate` forms ("se7en") are matched only whole. */
  constructor(entries: Iterable<{ item: Item; variant: string; alternate: boolean }>) {
    const wordsOfItem = new Map<Item, Set<string>>();
    const add = (form: string, item: Item) => {
      this.shortened.set(form, (this.shortened.get(form) ?? new Set()).add(item));
      this.shortenedHeads.add(form.split(' ')[0] ?? '');
      this.longestShortened = Math.max(this.longestShortened, form.split(' ').length);
    };
    for (const { item, variant, alternate } of entries) {
      const words = variant.split(' ');
      const first = words[0] ?? '';
      const sameFirst = this.byFirstWord.get(first);
      if (sameFirst) sameFirst.push({ item, words });
      else this.byFirstWord.set(first, [{ item, words }]);
      this.whole.add(variant);
      const seen = wordsOfItem.get(item) ?? new Set<string>();
      wordsOfItem.set(item, seen);
      for (const word of words) {
        seen.add(word);
        if (this.itemsWithWord.has(word)) continue;
        this.itemsWithWord.set(word, 0);
        const key = `${word[0] ?? ''}${word.length}`;
        const sameKey = this.vocabulary.get(key);
        if (sameKey) sameKey.push(word);
        else this.vocabulary.set(key, [word]);
      }
      if (alternate) continue;
      // "shawshank" of "shawshank redemption", "the shawshank" of "the shawshank redemption".
      const opening = words[0] !== undefined && articles.has(words[0]) ? words.slice(0, 2) : words.slice(0, 1);
      if (opening.length < words.length) add(opening.join(' '), item);
    }
    for (const words of wordsOfItem.values()) for (const word of words) this.itemsWithWord.set(word, (this.itemsWithWord.get(word) ?? 0) + 1);
    for (const item of wordsOfItem.keys()) for (const name of mainNames(item.title)) add(name, item);
  }

  /** Title words a message word may be a misspelling of (same first letter: people rarely miss that one). */
  private corrections(word: string, cache: Map<string, string[]>): string[] {
    const cached = cache.get(word);
    if (cached) return cached;
    const found: string[] = [];
    const limit = allowedEdits(word);
    if (limit > 0 && !this.itemsWithWord.has(word)) {
      for (let length = word.length - limit; length <= word.length + limit; length++) {
        for (const candidate of this.vocabulary.get(`${word[0] ?? ''}${length}`) ?? []) {
          const allowed = Math.min(limit, allowedEdits(candidate));
          if (allowed > 0 && !inflected(word, candidate) && editDistance(word, candidate, allowed) <= allowed) found.push(candidate);
        }
      }
    }
    cache.set(word, found);
    return found;
  }

  /** Whether the words of a loose match may stand for `title`'s words: misspelled words of five letters need an exact word of substance beside them. */
  private static fair(written: readonly string[], title: readonly string[]): { edits: number } | undefined {
    let edits = 0;
    let short = false;
    let anchored = false;
    for (const [index, word] of written.entries()) {
      const wanted = title[index] ?? '';
      if (word === wanted) anchored ||= substantial(word);
      else {
        edits++;
        short ||= word.length < 6 || wanted.length < 6;
      }
    }
    if (edits > Math.max(1, Math.floor(title.length / 2)) || (short && !anchored)) return undefined;
    return { edits };
  }

  /**
   * The loose titles in `words` (the message's words not already taken by an exact title), left to right,
   * none overlapping; at each word the one covering most words that `accept` takes.
   */
  find(words: readonly MessageWord[], accept: (match: LooseMatch) => boolean): LooseMatch[] {
    const cache = new Map<string, string[]>();
    // Words next to each other in the message (a title taken exactly between two words parts them).
    const adjacent = (index: number) => {
      const word = words[index];
      const next = words[index + 1];
      return word !== undefined && next !== undefined && next.at === word.at + word.text.length + 1;
    };
    /** The message's words from `index` that spell `title` (exactly or a letter off), or undefined. */
    const spelled = (index: number, title: readonly string[]) => {
      const written: string[] = [];
      for (const [offset, wanted] of title.entries()) {
        const word = words[index + offset]?.text;
        if (word === undefined || (offset > 0 && !adjacent(index + offset - 1))) return undefined;
        if (word !== wanted && !this.corrections(word, cache).includes(wanted)) return undefined;
        written.push(word);
      }
      return written;
    };
    const matches: LooseMatch[] = [];
    for (let index = 0; index < words.length; ) {
      const candidates: (LooseMatch & { edits: number })[] = [];
      const head = words[index]?.text ?? '';
      for (const form of [head, ...this.corrections(head, cache)]) {
        for (const { item, words: title } of this.byFirstWord.get(form) ?? []) {
          const written = spelled(index, title);
          const fair = written && LooseTitleIndex.fair(written, title);
          if (!fair || fair.edits === 0) continue;
          const titleWord = title.findIndex((word) => !articles.has(word));
          if (titleWord >= 0) candidates.push({ item, kind: 'misspelled', first: index, last: index + title.length - 1, titleWord: index + titleWord, oneWord: false, edits: fair.edits });
        }
      }
      const opensShortened = [head, ...this.corrections(head, cache)].some((form) => this.shortenedHeads.has(form));
      for (let length = 1; opensShortened && length <= this.longestShortened; length++) {
        const written = words.slice(index, index + length).map((word) => word.text);
        if (written.length < length) break;
        for (const [form, items] of this.shortenedFormsOf(written, cache)) {
          const [item] = items;
          const substance = form.split(' ').filter(substantial);
          // One word only when long and in no other title ("Shawshank"); a main name of two words of substance.
          const oneWord = substance.length === 1 && (substance[0] ?? '').length >= 8 && this.itemsWithWord.get(substance[0] ?? '') === 1;
          if (items.size !== 1 || item === undefined || this.whole.has(form) || (substance.length < 2 && !oneWord)) continue;
          const fair = LooseTitleIndex.fair(written, form.split(' '));
          if (!fair || !spelled(index, form.split(' '))) continue;
          const titleWord = form.split(' ').findIndex((word) => !articles.has(word));
          candidates.push({ item, kind: 'shortened', first: index, last: index + length - 1, titleWord: index + titleWord, oneWord, edits: fair.edits });
        }
      }
      candidates.sort((a, b) => b.last - a.last || a.edits - b.edits || Number(a.kind === 'shortened') - Number(b.kind === 'shortened'));
      const taken = candidates.find((candidate) => accept(candidate));
      if (taken) {
        matches.push({ item: taken.item, kind: taken.kind, first: taken.first, last: taken.last, titleWord: taken.titleWord, oneWord: taken.oneWord });
        index = taken.last + 1;
      } else index++;
    }
    return matches;
  }

  /** The shortened forms these written words may spell: each word as written or as a title word it misspells. */
  private shortenedFormsOf(written: readonly string[], cache: Map<string, string[]>): [string, Set<Item>][] {
    let forms = [''];
    for (const word of written) {
      const options = [word, ...this.corrections(word, cache)];
      forms = forms.flatMap((form) => options.map((option) => (form === '' ? option : `${form} ${option}`))).slice(0, 16);
    }
    return forms.flatMap((form): [string, Set<Item>][] => {
      const items = this.shortened.get(form);
      return items ? [[form, items]] : [];
    });
  }
}
