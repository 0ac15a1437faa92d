import { normalizeTitleText, spokenTitle, TitleMatcher, titleVariants } from '@personalab/datasets';
import type { ItemCatalog } from './simulated-user.js';
import { sentences as sentencesOf } from './text.js';

/** A catalogue film a text names, with the sentence (as written) that names it. */
export interface FilmMention {
  itemId: string;
  sentence: string;
}

/** Words that say a text is about films, so that a name in it is likely a film's. */
const filmWords = /\b(?:movies?|films?|flicks?|watch(?:ed|ing)?|seen|saw|cinema|theaters?|theatres?|trilogy|sequels?|actors?|actress(?:es)?|directors?)\b/i;

/**
 * What a sentence says of the film that opens it, or of the titles listed from it: that it is a classic, great, dark,
 * one of one's favourites ("Fargo is a classic.", "Casino was amazing.", "Heat, Casino and Babe are great too."), and no
 * more: not what a sentence says of anything ("Speed matters."), of another word ("Casino nights are fun.") or goes on
 * to ("Speed is great for cycling.").
 */
const filmPredicate =
  /^\W*[A-Za-z0-9']+(?:(?:\s*,\s*(?:and\s+)?|\s+and\s+)[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)*)*\s+(?:is|are|was|were)\s+(?:(?:also|really|so|very|truly|quite|pretty|just|such|still|a|an|the|my|one of (?:the|my)|real|true|absolute|total|bit|little|kind of|too)\s+)*(?:classics?|masterpieces?|gems?|must-sees?|favou?rites?|best|great|good|amazing|awesome|brilliant|excellent|fantastic|wonderful|terrific|superb|perfect|hilarious|funny|scary|dark|light|sad|moving|touching|beautiful|gripping|intense|thrilling|fun|underrated|overrated|boring|terrible|awful|bad|slow|long|short|worth (?:it|seeing))(?=\s*(?:[,;:.!?]|$)|\s+(?:too|also|as well|and|but|though)\b)/;

/** A sentence of one word and maybe "too" ("Heat too."): after a sentence naming a film, a film named alone. */
const aloneWord = /^\W*[A-Za-z0-9']+\W*(?:(?:too|as well|also)\W*)?$/i;

/** "Scream is what I did", "Twister was what we did at the party": the word opening it is a deed done, not a film. */
const deedDone = /^\W*[A-Za-z0-9']+\s+(?:is|was)\s+what\s+(?:i|we|you|he|she|they)\s+(?:did|do|does)\b/i;

/** Small words a title writes in lower case ("The Lord of the Rings", "The People vs. Larry Flynt"): not counted when asking whether it is capitalised. */
const titleSmallWords = new Set(['a', 'an', 'the', 'of', 'and', 'in', 'on', 'to', 'for', 'at', 'with', 'from', 'by', 'or', 'vs']);

/** A year in parentheses ending a title ("Toy Story (1995)"). */
const yearWritten = /\s*\((\d{4})\)\s*$/;

/** The words of a sentence as written, split as titles are normalised ("Spider-Man" → "Spider", "Man"; "I'm" → "I", "m"). */
const writtenWords = (sentence: string) => sentence.split(/[^A-Za-z0-9]+/).filter((word) => word !== '');

/**
 * The films a user's text names, read against a catalogue: the catalogue titles it names (written as a title, with
 * capitals: "Fargo", "the Empire Strikes Back", not "the game" or "my mother"), and the names it holds that are no
 * catalogue title when it speaks of films ("I love Deadpool! That movie is so funny.": a film the catalogue, MovieLens'
 * films up to 1998, does not hold).
 */
export class FilmMentions {
  private readonly matcher: TitleMatcher;
  /** The ids of each title variant: the matcher finds one id a span, and a title may be listed twice. */
  private readonly byVariant = new Map<string, string[]>();
  private readonly catalog: ItemCatalog;

  constructor(catalog: ItemCatalog) {
    this.catalog = catalog;
    const titled = [...catalog.values(), ...mainTitles(catalog)];
    this.matcher = new TitleMatcher(titled);
    for (const item of titled) for (const variant of titleVariants(item.title)) this.byVariant.set(variant, [...(this.byVariant.get(variant) ?? []), item.id]);
  }

  /** The catalogue films the text names, each with its sentence. */
  titles(text: string): FilmMention[] {
    return this.matches(text).map(({ itemId, sentence }) => ({ itemId, sentence }));
  }

  /**
   * The films a text names (as `titles` finds them), in order and once each, each with every id of its title; a one-word
   * title that only opens a sentence counts only in a sentence about films or that says what a film is, or alone after a
   * sentence naming a film, in the text or in `before` (the text it follows): "Speed matters." and "I loved Fargo. Speed
   * matters too." name no Speed, its capital is the sentence's; "Speed is a fun movie.", "Fargo is a classic." and "I
   * loved Fargo. Heat too." name Speed, Fargo and Heat.
   */
  films(text: string, before = ''): string[][] {
    const byTitle = new Map<string, string[]>();
    let afterFilm = before !== '' && this.films(before).length > 0;
    let current: string | undefined;
    for (const { itemId, sentence, variant } of this.matches(text)) {
      // A new sentence follows one that named a film once any film is named.
      if (sentence !== current) [afterFilm, current] = [afterFilm || byTitle.size > 0, sentence];
      const opening = opensOnly(variant, writtenWords(sentence));
      if (byTitle.has(variant) || (opening && (deedDone.test(sentence) || (!saysOfFilm(sentence) && !(afterFilm && aloneWord.test(sentence)))))) continue;
      byTitle.set(variant, this.byVariant.get(variant) ?? [itemId]);
    }
    return [...byTitle.values()];
  }

  /**
   * The catalogue films whose title, written as one, is the whole phrase ("Fargo", "The Godfather"; a title listed under
   * two ids gives both); none for a phrase that only holds a title ("the new Star Wars movie") or is not written as one
   * ("the game"). A year after the title, as the catalogue writes it ("Toy Story (1995)"), keeps the films of that year.
   */
  exactly(phrase: string): string[] {
    const year = yearWritten.exec(phrase)?.[1];
    const title = phrase.replace(yearWritten, '');
    const whole = normalizeTitleText(title);
    const itemIds = (this.byVariant.get(whole) ?? []).filter((itemId) => year === undefined || yearWritten.exec(this.catalog.get(itemId)?.title ?? '')?.[1] === year);
    return itemIds.length > 0 && capitalisedIn(whole, writtenWords(title)) ? itemIds : [];
  }

  /**
   * The names in a text about films that are no catalogue title: capitalised words that do not start a sentence, are not
   * "I" or an abbreviation ("TV") and are not a word of a title the text names ("Deadpool", "Fast", "Furious"). None when the text does not speak
   * of films.
   */
  unknownNames(text: string): string[] {
    if (!filmWords.test(text)) return [];
    const titleWords = new Set(this.matches(text).flatMap(({ variant }) => variant.split(' ')));
    return sentencesOf(text).flatMap((sentence) =>
      writtenWords(sentence)
        .slice(1)
        // A name is written with a capital and then small letters: not "I", not an abbreviation ("TV", "DVD").
        .filter((word) => /^[A-Z][a-z]/.test(word) && !titleWords.has(word.toLowerCase())),
    );
  }

  /** The films a text names, in the order written (the matcher tries the longest titles first). */
  private matches(text: string): Array<FilmMention & { variant: string }> {
    const found: Array<FilmMention & { variant: string }> = [];
    for (const sentence of sentencesOf(text)) {
      const written = writtenWords(sentence);
      const variants = new Map<string, string>();
      const mentions = this.matcher.find(sentence, (itemId, variant) => {
        const named = capitalisedIn(variant, written);
        if (named) variants.set(itemId, variant);
        return named;
      });
      for (const { itemId } of mentions) found.push({ itemId, sentence, variant: variants.get(itemId) ?? '' });
    }
    return found;
  }
}

/** The part of a title before "or:" or ":" ("Dr. Strangelove or: How I Learned …", "Free Willy 2: The Adventure Home"). */
const beforeSubtitle = /^(.+?)(?:,?\s+or)?:\s/;

/** A show's film ("Gilligan's Island: The Movie"): the part before it names the show. */
const showsFilm = /:\s+The Movie\b/i;

/**
 * Each film's title cut before its subtitle ("Dr. Strangelove (1963)"), as people say it, where the cut title is no
 * other film's title or cut title: "Three Colors" is three films', "Alien" (of "Alien: Resurrection") is a film itself.
 * Not a cut of one word ("Halloween", "Madonna", "2001", "Mission" are said of other things), nor a documentary's,
 * which names its subject ("Ayn Rand: A Sense of Life"), nor a show's film's ("Gilligan's Island: The Movie"). A title
 * the catalogue writes with its article last is cut as said too ("Lost World: Jurassic Park, The": "The Lost World").
 */
function mainTitles(catalog: ItemCatalog): Array<{ id: string; title: string }> {
  const cut = [...catalog.values()].flatMap((item) => {
    const main = beforeSubtitle.exec(item.title.replace(yearWritten, ''))?.[1];
    if (main === undefined || writtenWords(main).length < 2 || showsFilm.test(item.title) || item.tags.some((tag) => tag.toLowerCase() === 'documentary')) return [];
    const year = yearWritten.exec(item.title)?.[0] ?? '';
    const said = beforeSubtitle.exec(spokenTitle(item.title))?.[1] ?? main;
    return [...new Set([main, said])].map((title) => ({ id: item.id, title: `${title}${year}` }));
  });
  const whole = new Set([...catalog.values()].flatMap((item) => titleVariants(item.title)));
  const counts = new Map<string, number>();
  for (const variant of cut.flatMap((item) => titleVariants(item.title))) counts.set(variant, (counts.get(variant) ?? 0) + 1);
  return cut.filter((item) => titleVariants(item.title).every((variant) => counts.get(variant) === 1 && !whole.has(variant)));
}

/**
 * Whether a title variant ("star wars") stands in the written words with its capitals: each of its words written with a
 * capital, but for small words and single letters ("Schindler's List": "Schindler", "s", "List").
 */
function capitalisedIn(variant: string, written: readonly string[]): boolean {
  const parts = variant.split(' ');
  for (let start = 0; start + parts.length <= written.length; start++) {
    const span = written.slice(start, start + parts.length);
    if (!span.every((word, index) => word.toLowerCase() === parts[index])) continue;
    if (span.every((word, index) => titleSmallWords.has(parts[index] ?? '') || word.length === 1 || /^[A-Z0-9]/.test(word))) return true;
  }
  return false;
}

/** Whether a sentence is about films or says what a film is. */
const saysOfFilm = (sentence: string) => filmWords.test(sentence) || filmPredicate.test(sentence);

/** Whether a one-word title variant ("speed") stands in the written words only as the first, capitalised as any sentence start. */
function opensOnly(variant: string, written: readonly string[]): boolean {
  return !variant.includes(' ') && written[0]?.toLowerCase() === variant && !written.slice(1).some((word) => word.toLowerCase() === variant);
}

/** One `FilmMentions` per catalogue: each simulated user has a simulator of its own, and each had built the title matcher (about 6 ms). */
const byCatalog = new WeakMap<ItemCatalog, FilmMentions>();

/** The `FilmMentions` of a catalogue, made once. */
export function filmMentionsOf(catalog: ItemCatalog): FilmMentions {
  let films = byCatalog.get(catalog);
  if (!films) {
    films = new FilmMentions(catalog);
    byCatalog.set(catalog, films);
  }
  return films;
}
