import type { Item } from '@personalab/core';
import { buildTaste, seedsNothing, tagGenres, tagKey, tagStems } from './taste.js';
import type { AskedFor, ExplainInput, Explainer, ItemReception, Refinement } from './types.js';
import { wordList } from './word-list.js';

const list = (words: readonly string[]) => wordList(words);

/** An item's genres, key → the name the item spells it with (a tag listing two genres gives both). */
function genreNames(item: Item): Map<string, string> {
  const names = new Map<string, string>();
  for (const tag of item.tags) for (const genre of tagGenres(tag)) if (!names.has(genre.key)) names.set(genre.key, genre.name);
  return names;
}

/** The most words of a stated preference an explanation quotes; a longer one is a run-on, not a subject. */
const MAX_QUOTED_WORDS = 6;

/**
 * A stated preference as an explanation may quote it: cut where a first-person clause starts ("alien i loved
 * alien i loved …" → "alien", "sci-fi movies that i can watch with my kids" → "sci-fi movies"), and left out
 * when still longer than six words. The profile keeps its subject as extracted.
 */
export function quotableSubject(subject: string): string | undefined {
  const cut = subject.replace(/(?:^|\s+)(?:(?:and|but|so|that|which|when|as)\s+)?(?:i|we|i'm|i've|i'd|i'll|we're|we've)\b.*$/i, '').trim();
  const words = cut.split(/\s+/).filter(Boolean);
  return words.length === 0 || words.length > MAX_QUOTED_WORDS ? undefined : cut;
}

/** The years asked for, in words ("1990 to 1999", "from 1995 on", "up to 1970"). */
function yearsInWords(years: NonNullable<AskedFor['years']>): string {
  if (years.from !== undefined && years.to !== undefined) return years.from === years.to ? `${years.from}` : `${years.from} to ${years.to}`;
  if (years.from !== undefined) return `from ${years.from} on`;
  return years.to !== undefined ? `up to ${years.to}` : 'any year';
}

/** Tag keys that mark an item as made for children (as the session constraints read the audience). */
const childrenKeys = ['children', tagKey('Family')];

/**
 * What is true of an item against what the session asked for: the parts it meets ("Comedy", "made in
 * 1995", "for children", "not War" when War was ruled out) and the parts it misses ("not Romance",
 * "made in 1977, not 1990 to 1999", "Horror, which you ruled out").
 */
export function requestFit(item: Item, asked: AskedFor): { met: string[]; missed: string[] } {
  const names = genreNames(item);
  const met: string[] = [];
  const missed: string[] = [];
  // "For children" already says the children's genre.
  const genres = Object.keys(asked.genres).filter((key) => !(asked.audience === 'children' && childrenKeys.includes(key)));
  const has = genres.filter((key) => names.has(key));
  const lacks = genres.filter((key) => !names.has(key));
  if (has.length > 0) met.push(list(has.map((key) => names.get(key) ?? asked.genres[key] ?? key)));
  // Of genres asked as alternatives ("horror or comedy"), one is enough.
  if (lacks.length > 0 && !(asked.either === true && has.length > 0)) missed.push(`not ${wordList(lacks.map((key) => asked.genres[key] ?? key), 'or')}`);
  const { years } = asked;
  if (years !== undefined && (years.from !== undefined || years.to !== undefined)) {
    if (item.year === undefined) missed.push('of an unknown year');
    else if ((years.from !== undefined && item.year < years.from) || (years.to !== undefined && item.year > years.to)) missed.push(`made in ${item.year}, not ${yearsInWords(years)}`);
    // "Made in": under "up to 1995", "from 1994" had read as the request's own "from 1994 on".
    else met.push(`made in ${item.year}`);
  }
  if (asked.audience === 'children') {
    if (childrenKeys.some((key) => names.has(key))) met.push('for children');
    else missed.push('not made for children');
  }
  const carried = Object.keys(asked.ruledOut).filter((key) => names.has(key));
  const clear = Object.keys(asked.ruledOut).filter((key) => !names.has(key));
  if (clear.length > 0) met.push(`not ${wordList(clear.map((key) => asked.ruledOut[key] ?? key), 'or')}`);
  if (carried.length > 0) missed.push(`${list(carried.map((key) => names.get(key) ?? key))}, which you ruled out`);
  return { met, missed };
}

/**
 * What an item meets of the turn's request, in sentences that claim only what is true of it: the
 * session's explicit request part by part, saying plainly what it misses, and the genres a mood
 * ("something lighter") moves that it carries. Undefined when there is nothing to say. An item not
 * offered (`offered: false`: "why Heat?" about one the list never had) is not said to be offered.
 */
export function describeRequestFit(item: Item, refinement: Refinement | undefined, options: { offered?: boolean | undefined } = {}): string | undefined {
  if (refinement === undefined) return undefined;
  const sentences: string[] = [];
  const asked = refinement.asked;
  if (asked !== undefined) {
    const { met, missed } = requestFit(item, asked);
    if (missed.length === 0 && met.length > 0) sentences.push(`It is what you asked for: ${met.join(', ')}.`);
    else if (met.length === 0 && missed.length > 0)
      sentences.push(options.offered === false ? `It is not what you asked for: it is ${list(missed)}.` : `It is offered although it misses what you asked for: it is ${list(missed)}.`);
    else if (met.length > 0) sentences.push(`It is ${list(met)} as you asked, but ${list(missed)}.`);
  }
  // A mood's genres: the weights the explicit request did not set.
  const explicit = new Set([...Object.keys(asked?.genres ?? {}), ...Object.keys(asked?.ruledOut ?? {})]);
  const mood = Object.entries(refinement.tagWeights).filter(([key, weight]) => weight !== 0 && !explicit.has(key));
  if (mood.length > 0) {
    const names = genreNames(item);
    const toward = mood.filter(([key, weight]) => weight > 0 && names.has(key)).map(([key]) => names.get(key) ?? key);
    const away = mood.filter(([key, weight]) => weight < 0 && names.has(key)).map(([key]) => names.get(key) ?? key);
    // The turn's own words are quoted only when they are all the refinement is.
    const request = asked === undefined ? `"${refinement.phrase}"` : 'the mood you asked for';
    if (toward.length > 0 && away.length === 0) sentences.push(`It suits ${request}: ${list(toward)}.`);
    else if (toward.length > 0) sentences.push(`It suits ${request} (${list(toward)}), though it is also ${list(away)}.`);
    else if (away.length > 0) sentences.push(`It is ${list(away)}, which ${request} steers away from.`);
    // A mood that only steers away ("no horror") is met by an item without those genres: nothing to add.
    else if (mood.some(([, weight]) => weight > 0)) sentences.push(`Its genres do not match ${request}.`);
  }
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

/** Ranks up to which an item is said to be among the most liked ("among the 50 most liked titles here"). */
const likedTiers = [10, 50, 100];

/**
 * How an item has been received here, in sentences that are true of it: its ratings (count and mean)
 * when counted, else its likes, and its tier among the most liked when it is in one. Undefined
 * without anything known.
 */
export function describeReception(reception: ItemReception | undefined): string | undefined {
  if (reception === undefined) return undefined;
  const sentences: string[] = [];
  const ratings = reception.ratings;
  const people = (count: number) => `${count} ${count === 1 ? 'person' : 'people'}`;
  if (ratings !== undefined && ratings.count > 0 && ratings.mean !== undefined) sentences.push(`${people(ratings.count)} here rated it, ${ratings.mean.toFixed(1)} of 5 on average.`);
  else if (ratings !== undefined && ratings.count === 0 && reception.likes === 0) sentences.push('Nobody here has rated it yet.');
  else if (reception.likes > 0) sentences.push(`${people(reception.likes)} here liked it.`);
  const tier = reception.rank === undefined ? undefined : likedTiers.find((limit) => (reception.rank ?? Infinity) <= limit);
  if (tier !== undefined) sentences.push(`It is among the ${tier} most liked titles here.`);
  return sentences.length > 0 ? sentences.join(' ') : undefined;
}

/**
 * Explains a recommendation from evidence alone: the item's attributes that match the profile,
 * the liked history items that share them, and what it meets of the user's request.
 */
export class OfflineExplainer implements Explainer {
  readonly name = 'offline-evidence';

  async explain(input: ExplainInput): Promise<string> {
    const { item } = input;
    const taste = buildTaste(input.profile, input.history);
    const keys = tagStems(item);
    const names = genreNames(item);
    const liked = keys.filter((key) => (taste.tags.get(key) ?? 0) > 0).sort((a, b) => (taste.tags.get(b) ?? 0) - (taste.tags.get(a) ?? 0));
    const parts: string[] = [];
    // MovieLens titles carry their year already ("Heat (1995)").
    const year = item.year === undefined || /\(\d{4}\)\s*$/.test(item.title) ? '' : ` (${item.year})`;
    // Tags the user asked for this session come first, so what it meets sits in sight (Star Wars lists Sci-Fi fourth).
    const asked = (tag: string) => tagGenres(tag).some((genre) => (input.refinement?.tagWeights[genre.key] ?? 0) > 0);
    const ordered = [...item.tags.filter(asked), ...item.tags.filter((tag) => !asked(tag))];
    const tags = ordered.length > 0 ? `: ${ordered.slice(0, 3).join(' / ')}` : '';
    parts.push(`${item.title}${year}${tags}.`);
    const stated = liked.map((key) => taste.statedByTag.get(key)).filter((value) => value?.polarity === 'like');
    const quoted = [...new Set(stated.map((value) => quotableSubject(value?.subject ?? '')).filter((value) => value !== undefined))];
    if (quoted.length > 0) parts.push(`You said you like ${list(quoted)}.`);
    // A liked item supports only the genres it shares with this one (a "K-Drama" shares nothing with a "Drama").
    const supporting = liked.flatMap((key) => (taste.likedByTag.get(key) ?? []).map((other) => ({ other, key }))).filter(({ other }) => other.id !== item.id);
    const cited: { other: Item; key: string }[] = [];
    for (const entry of supporting) if (cited.length < 2 && !cited.some(({ other }) => other.id === entry.other.id)) cited.push(entry);
    if (cited.length > 0) {
      // "It shares Western with High Noon and Action with The Rock", each item with the genre it shares.
      const byGenre = new Map<string, string[]>();
      for (const { other, key } of cited) byGenre.set(key, [...(byGenre.get(key) ?? []), other.title]);
      const shares = [...byGenre].map(([key, titles]) => `${names.get(key) ?? key} with ${list(titles)}`);
      parts.push(`It shares ${list(shares)}, which you liked.`);
    }
    const offered = input.offered ?? true;
    const fit = describeRequestFit(item, input.refinement, { offered });
    if (fit !== undefined) parts.push(fit);
    if (input.reason) parts.push(input.reason);
    if (parts.length === 1) {
      if (item.description) parts.push(item.description.slice(0, 200));
      // Only of an item offered from what the user rated: "why Heat?" about any film is no such claim. Titles
      // the user only said they dislike (or found just ok) seed nothing, so they are no similarity to cite.
      else if (offered && input.history.some((entry) => !seedsNothing(entry))) parts.push('People whose ratings resemble yours rated it highly.');
      // What is true of its reception, never "one of the most liked" unless it is ("Mortal Kombat: Annihilation" had been).
      const reception = describeReception(input.reception);
      if (reception !== undefined) parts.push(reception);
    }
    return parts.join(' ');
  }
}
