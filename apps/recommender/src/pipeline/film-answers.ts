import { spokenTitle } from '@personalab/datasets';
import type { Item } from '@personalab/core';
import { feels, type FilmAspect } from './film-questions.js';
import { describeReception } from './offline-explainer.js';
import { tagGenres, tagKey } from './taste.js';
import type { ItemReception } from './types.js';
import { wordList } from './word-list.js';

/** A film's title as people write it, with its year, which tells apart films of the same name ("Sabrina (1954)", not Sabrina (1995)). */
export const writtenTitle = (item: Item): string => (item.year === undefined ? spokenTitle(item.title) : `${spokenTitle(item.title)} (${item.year})`);

/** What the recommender knows of a film for one user: what the catalogue says, how it was received, and what the user rated or would rate it. */
export interface FilmFacts {
  item: Item;
  /** How the film has been received here (ratings, likes, rank among the most liked). */
  reception?: ItemReception | undefined;
  /** The user's own rating of it, when they rated it. */
  rated?: number | undefined;
  /** The rating the recommender expects the user to give it (`ChatRec.predictRating`). */
  expected?: number | undefined;
}

/** What an answer about films is told besides the facts: whether the user has ratings the expectation reads, the year now, and films like the one asked about. */
export interface AnswerContext {
  /** The user has rated films: the expectation is theirs, and worth saying. */
  personal: boolean;
  /** The current year, for a film's age. */
  year?: number | undefined;
  /** Films like the one asked about, best first, for answers that cannot give what was asked. */
  similar?: readonly Item[] | undefined;
  /** A genre key's name as the catalogue spells it ("comed" → "Comedy"), for a genre the film does not have. */
  genreName?: ((key: string) => string | undefined) | undefined;
}

/** What the catalogue holds of a film without a description, said where an answer has to say what it cannot know. */
export const KNOWN = 'I know only the titles, years, genres and ratings of films';
/** A film's description as an answer quotes it: its first 300 characters, ending as a sentence. */
const DESCRIPTION_LIMIT = 300;
const described = (item: Item) => {
  const text = (item.description ?? '').trim().slice(0, DESCRIPTION_LIMIT);
  return /[.!?]$/.test(text) ? text : `${text}…`;
};
const childrenKeys = ['children', tagKey('Family')];

/** An item's genres by key, with the name the item spells each with. */
function genreNames(item: Item): Map<string, string> {
  const names = new Map<string, string>();
  for (const tag of item.tags) for (const genre of tagGenres(tag)) if (!names.has(genre.key)) names.set(genre.key, genre.name);
  return names;
}

/** "Crime, Drama and Thriller". */
const genresInWords = (item: Item) => wordList([...genreNames(item).values()]);
/** "It is listed as Crime, Drama and Thriller, made in 1996." (or with the film's title for "It"). */
function listedAs(item: Item, subject = 'It'): string {
  const genres = genreNames(item).size > 0 ? `listed as ${genresInWords(item)}` : 'listed without a genre';
  return `${subject} is ${genres}${item.year === undefined ? '' : `, made in ${item.year}`}.`;
}
/** "Films like it here: The Silence of the Lambs (1991), Pulp Fiction (1994) and Heat (1995)." */
const similarInWords = (similar: readonly Item[] | undefined) => (similar === undefined || similar.length === 0 ? undefined : `Films like it here: ${wordList(similar.map(writtenTitle))}.`);
const rating = (value: number) => (Number.isInteger(value) ? `${value}` : value.toFixed(1));

/** What the user rated or would rate the film, in a sentence; undefined when there is nothing of theirs to say. */
function personalNote(facts: FilmFacts, context: AnswerContext): string | undefined {
  if (facts.rated !== undefined) return `You rated it ${rating(facts.rated)} of 5 yourself.`;
  if (context.personal && facts.expected !== undefined) return `From your ratings I would expect you to rate it about ${facts.expected.toFixed(1)} of 5.`;
  return undefined;
}

/**
 * How well liked a film is here, in words a person uses of a mean rating on a 1–5 scale (MovieLens 100K's mean is 3.5):
 * a lot from 4, liked from 3.5, lukewarm from 3, else mostly not. Undefined for a film too few people rated to say.
 */
function likedInWords(reception: ItemReception | undefined): string | undefined {
  const ratings = reception?.ratings;
  if (ratings === undefined || ratings.mean === undefined || ratings.count < MIN_RATINGS_TO_JUDGE) return undefined;
  if (ratings.mean >= 4) return 'People here like it a lot';
  if (ratings.mean >= 3.5) return 'People here like it';
  if (ratings.mean >= 3) return 'People here are lukewarm on it';
  return 'People here mostly do not like it';
}
/** Below this many ratings a mean says little of a film (a single 5 would make it "liked a lot"). */
const MIN_RATINGS_TO_JUDGE = 5;

/**
 * How well a film is liked here and by the user, in sentences: "People here like it a lot. 508 people here rated it, 4.2 of
 * 5 on average. … You rated it 5 of 5 yourself." `personal`: only the user's part (its ratings here were said already).
 */
export function howLiked(facts: FilmFacts, context: AnswerContext, part: 'all' | 'personal' = 'all'): string {
  const liked = part === 'all' ? likedInWords(facts.reception) : undefined;
  const reception = part === 'all' ? (describeReception(facts.reception) ?? 'Nobody here has rated it yet.') : undefined;
  return [liked === undefined ? undefined : `${liked}.`, reception, personalNote(facts, context)].filter((sentence) => sentence !== undefined).join(' ');
}

/**
 * The answer to a question about one film from what the catalogue knows (genres, year, ratings here, the user's own
 * rating): its age, its genres, whether its genres make it scary or funny, whether it is listed for children, how well it
 * is liked. What it cannot know (story, cast, running time, age rating) is said plainly, never made up, with what it knows
 * instead and films like it.
 */
export function answerFilmQuestion(question: { aspect: FilmAspect; word?: string | undefined; genres?: readonly string[] | undefined }, facts: FilmFacts, context: AnswerContext): string {
  const { item } = facts;
  const title = writtenTitle(item);
  const reception = describeReception(facts.reception);
  const similar = similarInWords(context.similar);
  const sentences = (...parts: (string | undefined)[]) => parts.filter((part) => part !== undefined && part !== '').join(' ');
  const names = genreNames(item);
  switch (question.aspect) {
    // A catalogue with descriptions has the film's own words to give (MovieLens has none).
    case 'plot':
      return item.description
        ? sentences(`Here is what I have on ${title}: ${described(item)}`, listedAs(item), reception, similar)
        : sentences(`I cannot tell you what ${title} is about: ${KNOWN}, not their stories.`, listedAs(item), reception, similar);
    case 'people':
      return item.description
        ? sentences(`I have no cast or crew list for ${title}, only its description: ${described(item)}`, listedAs(item), similar)
        : sentences(`I cannot tell you who is in ${title} or who made it: ${KNOWN}, not their cast or crew.`, listedAs(item), reception, similar);
    case 'length':
      return sentences(`I cannot tell you how long ${title} is: I do not know films' running times.`, listedAs(item), similar);
    case 'year': {
      if (item.year === undefined) return sentences(`I do not know when ${title} was made.`, listedAs(item));
      const ago = context.year !== undefined && context.year > item.year ? `, ${context.year - item.year} years ago` : '';
      return sentences(`${title} was made in ${item.year}${ago}.`, names.size > 0 ? `It is listed as ${genresInWords(item)}.` : undefined);
    }
    case 'genre': {
      const asked = question.genres ?? [];
      if (asked.length === 0) return listedAs(item, title);
      const missing = asked.filter((key) => !names.has(key));
      if (missing.length === 0) return `Yes: ${title} is listed as ${genresInWords(item)}.`;
      return `No: ${title} is not listed as ${wordList(missing.map((key) => context.genreName?.(key) ?? key), 'or')}; it is listed as ${genresInWords(item)}.`;
    }
    case 'feel':
      return sentences(feelAnswer(item, question.word ?? ''), question.word !== undefined && feels[question.word]?.genres.length === 0 ? reception : undefined);
    case 'children': {
      const forChildren = childrenKeys.some((key) => names.has(key));
      return forChildren
        ? `${title} is listed as a children's film (${genresInWords(item)}). I do not know its age rating, so check that it suits your child.`
        : `${title} is not listed as a children's film: it is ${genresInWords(item)}. I do not know its age rating, so I cannot tell you it suits children.`;
    }
    case 'quality':
      return `${title}: ${howLiked(facts, context)}`;
    // A recommender has no views of its own: it says so, and what it knows of the film, as "tell me about" says it (how it is
    // liked, its genres and year, films like it): "what do you think of the second one?" had answered with less than before.
    case 'opinion':
      return sentences(`I do not watch films myself, but I know how people here rate them. ${title}: ${howLiked(facts, context)}`, listedAs(item), similar);
  }
}

/** Whether a film's genres make it feel as asked ("scary": Horror), in a sentence that claims only what its genres tell. */
function feelAnswer(item: Item, word: string): string {
  const title = writtenTitle(item);
  const feel = feels[word];
  const names = genreNames(item);
  if (feel === undefined || feel.genres.length === 0) return `I cannot tell how ${word} ${title} is: I know only its genres (${genresInWords(item)}) and ratings.`;
  const matched = feel.genres.filter((key) => names.has(key)).map((key) => names.get(key) ?? key);
  if (matched.length > 0) return `${title} is listed as ${wordList([...new Set(matched)])}, so expect it to be ${feel.said}; I cannot tell you how ${feel.said} from its genres alone.`;
  return `Nothing in its genres suggests ${title} is ${feel.said}: it is listed as ${genresInWords(item)}. I know only its genres, so I cannot be sure.`;
}

/**
 * The answer to a choice between films ("Alien or Aliens?", "which of these is the best?"): by a feel their genres tell
 * ("scarier": the one listed as Horror), by age, or else by what the user rated or would rate them, with how people here
 * rate each. Ties and near ties are said to be close.
 */
export function compareFilms(films: readonly FilmFacts[], by: string | undefined, context: AnswerContext): string {
  if (by === 'older' || by === 'newer') return byAge(films, by);
  const feel = by === undefined ? undefined : feels[by];
  if (feel === undefined) return pickByScore(films, context);
  if (feel.genres.length === 0) return `I cannot tell which is more ${feel.said}: I know only the genres and ratings of ${wordList(films.map((facts) => writtenTitle(facts.item)))}. ${pickByScore(films, context)}`;
  const carrying = films.filter((facts) => [...genreNames(facts.item).keys()].some((key) => feel.genres.includes(key)));
  const others = films.filter((facts) => !carrying.includes(facts));
  const [only] = carrying;
  if (only !== undefined && others.length > 0) {
    const listed = (group: readonly FilmFacts[]) => `${wordList(group.map((facts) => writtenTitle(facts.item)))} ${group.length === 1 ? 'is' : 'are'}`;
    return `${listed(carrying)} listed as ${feel.named} and ${listed(others)} not, so I would expect ${carrying.length === 1 ? writtenTitle(only.item) : 'those'} to be more ${feel.said}. I know only their genres, so I cannot tell you more.`;
  }
  const all = others.length === 0 ? `${films.length === 2 ? 'both' : 'all'} are listed as ${feel.named}` : `none is listed as ${feel.named}`;
  return `I cannot tell which is more ${feel.said} from what I know: ${all}. ${pickByScore(films, context)}`;
}

/** The oldest or newest of the films, by year (their titles say each one's). */
function byAge(films: readonly FilmFacts[], by: 'older' | 'newer'): string {
  const titles = wordList(films.map((facts) => writtenTitle(facts.item)));
  const dated = films.filter((facts) => facts.item.year !== undefined).sort((a, b) => ((a.item.year ?? 0) - (b.item.year ?? 0)) * (by === 'older' ? 1 : -1));
  const [first] = dated;
  if (first === undefined || dated.length < films.length) return `I do not know when each of ${titles} was made.`;
  const word = films.length === 2 ? by : by === 'older' ? 'oldest' : 'newest';
  return `Of ${titles}, ${writtenTitle(first.item)} is the ${word}.`;
}

/** Differences of score below this are a near tie: a tenth of a star. */
const CLOSE = 0.1;

/**
 * The pick among films by the user's own rating where they gave one, else the rating expected of them, with how people
 * here rate each ("4.0 of 5 from 291 ratings"): the best first.
 */
function pickByScore(films: readonly FilmFacts[], context: AnswerContext): string {
  const score = (facts: FilmFacts) => facts.rated ?? facts.expected ?? facts.reception?.ratings?.mean ?? 0;
  const ranked = [...films].sort((a, b) => score(b) - score(a));
  const [best, next] = ranked;
  if (best === undefined) return '';
  const crowd = (facts: FilmFacts) => {
    const ratings = facts.reception?.ratings;
    return ratings === undefined || ratings.mean === undefined || ratings.count === 0 ? 'not rated here yet' : `${ratings.mean.toFixed(precision(films))} of 5 from ${ratings.count} ${ratings.count === 1 ? 'rating' : 'ratings'}`;
  };
  const each = ranked.map((facts) => `${writtenTitle(facts.item)} ${crowd(facts)}`);
  const rated = films.filter((facts) => facts.rated !== undefined);
  const sentences: string[] = [];
  if (rated.length === films.length) {
    // Every film rated: the user's own ratings decide, and they know the films.
    const ratings = wordList(ranked.map((facts) => `${writtenTitle(facts.item)} ${rating(facts.rated ?? 0)}`));
    const tie = next !== undefined && next.rated === best.rated;
    sentences.push(tie ? `You rated ${films.length === 2 ? 'both' : 'all of them'} the same (${ratings}), so either is a safe choice.` : `You have rated ${films.length === 2 ? 'both' : 'all of them'} (${ratings} of 5), so ${writtenTitle(best.item)} is the one you liked most.`);
    sentences.push(`People here rate them: ${wordList(each)}.`);
    return sentences.join(' ');
  }
  const close = next !== undefined && score(best) - score(next) < CLOSE;
  const reason = context.personal ? 'for you' : 'by how people here rate them';
  sentences.push(close ? `It is close, but ${reason} I would pick ${writtenTitle(best.item)}.` : `I would pick ${writtenTitle(best.item)}${films.length > 2 ? ` ${reason}` : ''}.`);
  sentences.push(`People here rate ${films.length === 2 ? 'them' : 'these'}: ${wordList(each)}.`);
  if (context.personal) {
    const expected = ranked.filter((facts) => facts.rated === undefined && facts.expected !== undefined).map((facts) => `${writtenTitle(facts.item)} about ${(facts.expected ?? 0).toFixed(1)}`);
    if (expected.length > 0) sentences.push(`From your ratings I expect ${wordList(expected)} of 5 from you.`);
    for (const facts of rated) sentences.push(`You have seen ${writtenTitle(facts.item)} (you rated it ${rating(facts.rated ?? 0)}).`);
  }
  if (films.length === 2) sentences.push(`${films.map((facts) => `${writtenTitle(facts.item)} is ${genresInWords(facts.item)}`).join('; ')}.`);
  return sentences.join(' ');
}

/** Decimals that tell the films' mean ratings apart: one, or two where one would show a tie that is none (4.03 and 3.95). */
function precision(films: readonly FilmFacts[]): number {
  const means = films.flatMap((facts) => (facts.reception?.ratings?.mean === undefined ? [] : [facts.reception.ratings.mean]));
  const shown = means.map((mean) => mean.toFixed(1));
  return new Set(shown).size < new Set(means).size ? 2 : 1;
}
