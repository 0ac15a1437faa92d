import { PersonalabError, type Item } from '@personalab/core';
import { buildTaste, defaultStatedHalfAt, isStatedHalfAt, profileFit, statedTasteShare, tagStems, tasteEvidence } from './taste.js';
import type { RankedItem, Refinement, Reranker, RerankInput } from './types.js';

/**
 * How many of the genres the session asked for an item has (0 when it asked for none). Of genres asked as alternatives
 * ("horror or comedy"), an item with one has what was asked: it counts as having them all.
 */
export function askedGenreCount(item: Item, refinement: Refinement | undefined): number {
  const asked = refinement?.asked;
  if (asked === undefined) return 0;
  const keys = tagStems(item);
  const wanted = Object.keys(asked.genres);
  const count = wanted.filter((key) => keys.includes(key)).length;
  return asked.either === true && count > 0 ? wanted.length : count;
}

/**
 * Orders ranked items so that those with more of the genres the session asked for come first (all of
 * them, then some, then none), then those a change to the turn's examples leans to ("like Fargo but funnier":
 * comedies), each group by score: an asked genre is a request, not a nudge, so a comedy asked for is not
 * outscored by a drama the model likes more. Without either, by score.
 */
export function byAskedGenresThenScore(refinement: Refinement | undefined): (a: RankedItem, b: RankedItem) => number {
  return (a, b) =>
    askedGenreCount(b.item, refinement) - askedGenreCount(a.item, refinement) ||
    Number(leansAsAsked(b.item, refinement)) - Number(leansAsAsked(a.item, refinement)) ||
    b.score - a.score ||
    a.item.id.localeCompare(b.item.id);
}

/** How much a film like the examples a turn names is lifted at most, for its kind (`exampleFit`). */
export const EXAMPLE_WEIGHT = 1.6;
/** How much more a film sharing a genre with every one of several examples is lifted ("a mix of Star Wars and Toy Story"). */
export const MIX_WEIGHT = 0.8;

/**
 * How much a film is like the examples a turn names (`Refinement.examples`): `EXAMPLE_WEIGHT` × the mean, over the
 * examples, of the share of genres it and the example (with the genres a change leans to) have that both have (Jaccard),
 * plus, with several examples, `MIX_WEIGHT` × the share of the examples beyond the first it shares a genre with. A share,
 * not a sum per genre: a weight per genre had favoured films with many genres ("if I liked Titanic" listed The Empire
 * Strikes Back first, with six; "a mix of Star Wars and Toy Story" Return of the Jedi, with five of Star Wars's and none
 * of Toy Story's).
 */
export function exampleFit(item: Item, examples: Refinement['examples']): number {
  if (examples === undefined || examples.genres.length === 0) return 0;
  const tags = new Set(tagStems(item));
  const lean = examples.lean ?? [];
  let kind = 0;
  let shared = 0;
  for (const genres of examples.genres) {
    const wanted = new Set([...genres, ...lean]);
    const both = [...tags].filter((tag) => wanted.has(tag)).length;
    kind += both / Math.max(1, new Set([...tags, ...wanted]).size);
    if (genres.some((tag) => tags.has(tag))) shared++;
  }
  const count = examples.genres.length;
  const mix = count < 2 || shared === 0 ? 0 : (MIX_WEIGHT * (shared - 1)) / (count - 1);
  return (EXAMPLE_WEIGHT * kind) / count + mix;
}

/** Whether an item has a genre a change to the turn's examples leans to ("but funnier": comedy); such films come first. */
export function leansAsAsked(item: Item, refinement: Refinement | undefined): boolean {
  const lean = refinement?.examples?.lean;
  return lean !== undefined && lean.length > 0 && tagStems(item).some((tag) => lean.includes(tag));
}

/**
 * Defaults are the weights chosen on a validation split of MovieLens 100K's training set
 * (experiments/chatrec): profileWeight 0.25, yearWeight 0.3, ratingWeight 1, shareWeight 1;
 * statedGenreWeight 0.6 scaled by c / (c + n), statedHalfAt c = 20 (experiments/chatrec/stated-tastes.ts).
 */
export interface OfflineRerankerOptions {
  /** Weight of the profile fit against the model score (0: model only, 1: profile only). */
  profileWeight?: number;
  /** Weight of a stated preference against ratings-derived affinity. */
  statedWeight?: number;
  /**
   * Weight of the genres the user said they like or dislike ("I love sci-fi movies"), added to the blended score
   * per stated genre of the item, times the preference's strength, a liked genre's share divided among the genres the
   * user says they like (one stated genre keeps it whole), scaled down by `statedHalfAt` (default 0.6; 0
   * leaves them to the profile fit alone). Inside the profile fit, min-max normalised over the candidates, one named film's genres (each on all of
   * a one-film history) outweighed the stated taste, and the model's picks for that film filled the list.
   */
  statedGenreWeight?: number;
  /**
   * The number of films the user likes or watched (`tasteEvidence` of the history) at which `statedGenreWeight` is
   * halved: it is scaled by c / (c + n) (default `defaultStatedHalfAt`, chosen on validation; `Infinity` keeps it
   * whole). A stated taste weighs most when little else is known, little once the user's ratings speak.
   */
  statedHalfAt?: number;
  /** Weights of consumption share and relative rating in the tag affinity. */
  shareWeight?: number;
  ratingWeight?: number;
  /** Weight of era (release year) closeness in the fit. */
  yearWeight?: number;
  /** How model scores become [0, 1]: min-max of the values, or their rank among the candidates. */
  scoreNormalisation?: 'minmax' | 'rank';
}

/** Rank among the values, 1 for the best and 0 for the worst. */
function rankNormalise(values: readonly number[]): number[] {
  const order = values.map((value, index) => ({ value, index })).sort((a, b) => b.value - a.value);
  const out = new Array<number>(values.length).fill(0);
  order.forEach((entry, rank) => (out[entry.index] = values.length === 1 ? 1 : 1 - rank / (values.length - 1)));
  return out;
}

/** Min-max to [0, 1]; all-equal values map to 0.5. */
function normalise(values: readonly number[]): number[] {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((value) => (high - low < 1e-12 ? 0.5 : (value - low) / (high - low)));
}

/**
 * Chat-Rec's re-ranking step without an LLM: blends the candidate generator's score with how
 * well each item fits the user's profile (ratings-derived tag affinity plus stated preferences),
 * then applies the turn's refinement ("something lighter") on top. Genres the session asked for
 * in so many words order the list first (`byAskedGenresThenScore`).
 */
export class OfflineReranker implements Reranker {
  readonly name = 'offline-blend';
  readonly profileWeight: number;
  readonly statedGenreWeight: number;
  readonly statedHalfAt: number;
  private readonly options: OfflineRerankerOptions;

  constructor(options: OfflineRerankerOptions = {}) {
    this.profileWeight = options.profileWeight ?? 0.25;
    this.statedGenreWeight = options.statedGenreWeight ?? 0.6;
    this.statedHalfAt = options.statedHalfAt ?? defaultStatedHalfAt;
    if (!isStatedHalfAt(this.statedHalfAt)) throw new PersonalabError('invalid_argument', `statedHalfAt must be a number of films (0 or more, or Infinity), got ${this.statedHalfAt}`);
    this.options = options;
  }

  async rerank(input: RerankInput): Promise<RankedItem[]> {
    if (input.candidates.length === 0) return [];
    const taste = buildTaste(input.profile, input.history, undefined, {
      statedWeight: this.options.statedWeight ?? 0.8,
      shareWeight: this.options.shareWeight ?? 1,
      ratingWeight: this.options.ratingWeight ?? 1,
    });
    const raw = input.candidates.map((candidate) => candidate.score);
    const modelScores = this.options.scoreNormalisation === 'rank' ? rankNormalise(raw) : normalise(raw);
    const fitOptions = { yearWeight: this.options.yearWeight ?? 0.3 };
    const fits = input.candidates.map((candidate) => profileFit(candidate.item, taste, undefined, fitOptions));
    const fitScores = normalise(fits);
    const statedWeight = this.statedGenreWeight * statedTasteShare(tasteEvidence(input.history), this.statedHalfAt);
    // A liked genre weighs less the more genres the user says they like: "I love horror" singles horror out, "I usually like
    // dramas, comedies and thrillers" names most of the catalogue (a stated dislike keeps its whole weight).
    const likedStated = new Set([...taste.statedByTag.values()].filter((entry) => entry.polarity === 'like').map((entry) => entry.subject)).size;
    const likedShare = 1 / Math.max(1, likedStated);
    const ranked = input.candidates.map((candidate, index): RankedItem => {
      const refinementFit = input.refinement
        ? tagStems(candidate.item).reduce((sum, tag) => sum + (input.refinement?.tagWeights[tag] ?? 0), 0) + exampleFit(candidate.item, input.refinement.examples)
        : 0;
      const statedFit =
        taste.stated.size === 0
          ? 0
          : statedWeight *
            tagStems(candidate.item).reduce((sum, tag) => {
              const value = taste.stated.get(tag) ?? 0;
              return sum + (value > 0 ? value * likedShare : value);
            }, 0);
      const modelScore = modelScores[index] ?? 0;
      const fit = fitScores[index] ?? 0;
      return {
        item: candidate.item,
        score: (1 - this.profileWeight) * modelScore + this.profileWeight * fit + statedFit + refinementFit,
        modelScore,
        profileFit: (fits[index] ?? 0) + statedFit + refinementFit,
        source: candidate.source,
      };
    });
    ranked.sort(byAskedGenresThenScore(input.refinement));
    return ranked.slice(0, input.k);
  }
}
