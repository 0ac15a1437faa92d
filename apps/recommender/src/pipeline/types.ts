import type { ImplicitInteraction, Item, Profile } from '@personalab/core';

/** A rated or interacted item in a user's history, with the item itself. */
export interface HistoryEntry {
  item: Item;
  /** The rating (1 to 5); 1 for a `dislike` event (it counts like a low rating); undefined for positive implicit events. */
  rating: number | undefined;
  timestamp: number;
  /** `chat`: an opinion the user stated in a chat message, not a rating they gave. */
  source?: 'chat' | undefined;
  /** The implicit event this entry stands for (`view`, `like`, `purchase`, `dislike`), when it is not a rating. */
  event?: ImplicitInteraction['event'] | undefined;
}

/**
 * What the user asked to change in this turn ("something lighter", "less violent"):
 * per-tag weights added to the profile fit, and items not to show again.
 */
export interface Refinement {
  /** Tag (lower case) to weight: positive boosts, negative penalises. */
  tagWeights: Record<string, number>;
  /** The phrase that produced it, for explanations. */
  phrase: string;
  /**
   * What the session asked for in so many words, when it did: its genres come first in the ranking,
   * and explanations say which parts of it an item meets and which it misses.
   */
  asked?: AskedFor | undefined;
  /**
   * The films the turn asks for more like ("something like Heat", "a mix of Star Wars and Toy Story", "like Fargo but
   * funnier"), for the ranking (`exampleFit`; the explanations do not read it): each one's genres, and `lean`, the genres
   * a change to them leans to (comedy for "but funnier"), whose films come first after the genres asked for.
   */
  examples?: { genres: readonly (readonly string[])[]; lean?: readonly string[] | undefined } | undefined;
}

/** A session's explicit request, as the ranking and the explanations read it. */
export interface AskedFor {
  /** Genres asked for: tag key ("comed") → the name to say ("Comedy"). */
  genres: Record<string, string>;
  /** The genres asked for are alternatives ("horror or comedy"): an item with any of them meets the request. */
  either?: boolean | undefined;
  /** Genres ruled out: tag key → name. */
  ruledOut: Record<string, string>;
  /** Release years asked for, inclusive. */
  years?: { from?: number | undefined; to?: number | undefined } | undefined;
  /** `children`: films for children. */
  audience?: 'children' | undefined;
}

/** A candidate from the candidate generator. */
export interface Candidate {
  item: Item;
  /** The generator's score (model score, or text similarity for cold-start items). */
  score: number;
  /** Where it came from: the trained model, or the text index (cold start / what the user said). */
  source: 'model' | 'text';
}

/** A re-ranked recommendation. */
export interface RankedItem {
  item: Item;
  /** The final score the ranking used. */
  score: number;
  /** The candidate generator's score, normalised to [0, 1] among the candidates. */
  modelScore: number;
  /** How well the item fits the profile and the refinement (about -1 to 1). */
  profileFit: number;
  source: Candidate['source'];
  /** Why it was chosen, when the re-ranker said (LLM). */
  reason?: string;
}

export interface RerankInput {
  profile: Profile;
  history: readonly HistoryEntry[];
  candidates: readonly Candidate[];
  k: number;
  refinement?: Refinement | undefined;
  /** What the user just said, when the request came from chat. */
  query?: string | undefined;
  /**
   * The request's hard constraints as an item test (years, audience, genres ruled out or kept out): the candidates
   * already pass it; an LLM re-ranker drops any item of its answer that does not.
   */
  accept?: ((item: Item) => boolean) | undefined;
  /** The catalogue's genre stems, for checking the genres an LLM's reasons name (see `unsupportedGenres`). */
  genreStems?: ReadonlySet<string> | undefined;
  signal?: AbortSignal;
}

/** Picks the top k of the candidates (Chat-Rec's re-ranking step). */
export interface Reranker {
  readonly name: string;
  rerank(input: RerankInput): Promise<RankedItem[]>;
}

export interface ExplainInput {
  profile: Profile;
  history: readonly HistoryEntry[];
  item: Item;
  refinement?: Refinement | undefined;
  /** A reason the re-ranker already gave. */
  reason?: string | undefined;
  /**
   * Whether the item is offered to the user (in this list, or earlier in the session); default true.
   * "Why Heat?" about a film never offered is answered without saying it was.
   */
  offered?: boolean | undefined;
  /** How the item has been received here, for an explanation with nothing else to cite. */
  reception?: ItemReception | undefined;
  /** The catalogue's genre stems, for checking the genres an LLM explanation names (see `unsupportedGenres`). */
  genreStems?: ReadonlySet<string> | undefined;
  signal?: AbortSignal;
}

/** What is known of how an item has been received here. */
export interface ItemReception {
  /** Users who liked it (rated it 4 or more, liked or bought it). */
  likes: number;
  /** Its rank among the most liked items (1 = most liked), when it has likes. */
  rank?: number | undefined;
  /** Its current ratings, when counted. */
  ratings?: { count: number; mean: number | undefined } | undefined;
}

/** Says why an item suits a user. */
export interface Explainer {
  readonly name: string;
  explain(input: ExplainInput): Promise<string>;
}
