import { PersonalabError, type CatalogueScores, type Item, type Recommender, type ScoredItem } from '@personalab/core';
import { topK } from '@personalab/user-embedding';
import { titleKey } from './item-catalog.js';
import type { ItemTextIndex } from './item-text-index.js';
import { defaultStatedHalfAt, isStatedHalfAt, seedEntries, statedTasteShare, tagStems } from './taste.js';
import type { Candidate, HistoryEntry } from './types.js';

export interface CandidateGeneratorOptions {
  /** The trained user-embedding model (or baseline); absent before training finishes. */
  recommender?: Recommender | undefined;
  /** Items the model was trained on; any other item is cold and reaches users through its text. */
  modelItemIds?: ReadonlySet<string> | undefined;
  textIndex: ItemTextIndex;
  getItem: (id: string) => Item | undefined;
  /** Item ids by popularity, best first: the answer for a user about whom nothing is known. */
  popular?: () => readonly string[];
  /** Each item's like count, by which `popular` orders them (read with `genreTypicality`). */
  likeCounts?: () => ReadonlyMap<string, number>;
  /**
   * How typical of a genre stem a film is, from 0 to 1 (`ItemCatalog.genreTypicality`; 1 when unknown). Popular items of
   * the genres a user asks for are ordered by their likes times their typicality of those genres (the geometric mean
   * over the genres they carry), not by likes alone: Star Wars, tagged Romance and War, had led every romance and war
   * list. Without it (or `likeCounts`), by likes.
   */
  genreTypicality?: (itemId: string, stem: string) => number;
  /**
   * The least cosine similarity a text match to what the user said needs (default 0.3). Nearest
   * neighbours always exist; below this they share a stray word ("ones"), not a subject. Named
   * titles and subjects match at 0.4 to 0.8 ("alien" → Alien 0.44, "toy story" → Toy Story 0.66),
   * stray words at 0.15 to 0.25.
   */
  minTextScore?: number;
  /**
   * The cosine at which a text match names what the user said outright (default 0.4: "toy story" →
   * Toy Story 0.65, "high school" → High School High 0.88, "aliens" → Aliens 0.49). Without the
   * model's opinion of an item (a new user, a cold item) only such a match outranks popular items
   * of the genres asked for; a weaker one (a shared word: "comedy" → Cosi 0.38, "top" → Top Hat
   * 0.38) comes after them, before unrelated popular items.
   */
  strongTextScore?: number;
  /**
   * The least genre fit (see `coldFit`) a cold-start item needs to be offered from a user's liked
   * history (default 0.3: on MovieLens a new romantic comedy reaches 18 % of users, a new crime
   * thriller 4 %, an item without genres none unless its text matches).
   */
  minColdFit?: number;
  /**
   * Places among the candidates kept for the model's best items of the genres the user said they like (`statedTags`;
   * default half of them, 10 of Chat-Rec's 20, scaled down by `statedHalfAt`: chosen with the re-ranker's
   * `statedGenreWeight` on a validation split, experiments/chatrec/stated-tastes.ts; 0 keeps none). Without them,
   * once a film was named the model's picks for it filled the candidates and the stated genres had few or none.
   */
  statedSlots?: number;
  /**
   * The number of films in the model's query (the user's liked or watched history) at which the stated genres keep half
   * of `statedSlots` (c / (c + n) of them, rounded; default `defaultStatedHalfAt`, chosen on validation; `Infinity`
   * keeps them all). A returning user's ratings already say what they like.
   */
  statedHalfAt?: number;
  /**
   * The least rating a rated item needs to seed the model's query (default 3; 1 seeds every rated
   * item). The models are trained on every interaction, but asked for films a user will like, a
   * query of what they rated 3 to 5 does better: on the three P1 splits EASE's NDCG@10 on held-out
   * films rated 4 or 5 rises 0.3782 → 0.3933 (+4.0 %, every seed) without the films rated 1 or 2 in
   * the query, while on every held-out film (what they will watch) it falls 0.4784 → 0.4736 (−1.0 %)
   * (`experiments/movielens/numpy-check/low_ratings.py`, `low-ratings-results.md`). A user who rated
   * everything 1 or 2 therefore gets no model candidates: popular items and text matches, as a new user.
   */
  minSeedRating?: number;
}

/** Each genre stem's share of the liked items that carry it. */
export function likedTagShares(liked: readonly Item[]): Map<string, number> {
  const shares = new Map<string, number>();
  for (const item of liked) for (const stem of new Set(tagStems(item))) shares.set(stem, (shares.get(stem) ?? 0) + 1 / liked.length);
  return shares;
}

/** How well an item's genres fit a liked history: the mean share of liked items carrying each of its genres (0 without genres). */
export function coldFit(item: Item, shares: ReadonlyMap<string, number>): number {
  const stems = [...new Set(tagStems(item))];
  return stems.length === 0 ? 0 : stems.reduce((sum, stem) => sum + (shares.get(stem) ?? 0), 0) / stems.length;
}

export interface GenerateInput {
  /** The user, passed to the model beside the history (models with user embeddings use it). */
  userId?: string | undefined;
  history: readonly HistoryEntry[];
  /** What the user said (profile likes plus the current message), for text matching. */
  queryText?: string | undefined;
  k: number;
  exclude?: ReadonlySet<string>;
  /** Tag stems the user said they like and dislike: popular items with liked tags join the set. */
  likedTags?: ReadonlySet<string> | undefined;
  dislikedTags?: ReadonlySet<string> | undefined;
  /**
   * Genres the user said they like (the profile's, not this turn's request): when the model knows the user, its best
   * items with one of them keep `statedSlots` places among the candidates, whatever else the model ranks above them.
   */
  statedTags?: ReadonlySet<string> | undefined;
  /** What the session's constraints allow (release years, audience, genres ruled out): no other item becomes a candidate. */
  accept?: ((item: Item) => boolean) | undefined;
  /**
   * Films the request asks for more like ("more like Aliens", "something like them"): the model's best items for these
   * films alone keep half the places. A returning user's whole history had chosen the candidates, so "more like Aliens"
   * from a user with 636 ratings listed *Mr. Smith Goes to Washington* and *Ed Wood*.
   */
  examples?: readonly string[] | undefined;
  /**
   * What the request changes of its `examples` ("like Fargo but funnier"): `lean`, genres the examples' films must lean to
   * (comedy), and `avoid`, genres they must not have (horror): the examples' places go to films like them that make the
   * change, where any film like them had taken the places and the change had only re-ranked them.
   */
  exampleChange?: { lean: readonly string[]; avoid: readonly string[] } | undefined;
}

/** The candidate places kept for the stated genres' films when `statedSlots` is not set: half of them (10 of Chat-Rec's 20). */
export const defaultStatedSlots = (candidateCount: number): number => Math.ceil(candidateCount / 2);

/**
 * Of the model's films for the examples (in its order), those most like each of them (`each`: an example's genres, with
 * those a change leans to): among the first 3 × `places`, by the mean share of genres they have in common with each,
 * weighed by how telling each genre is (`weight`: −log of its share of the catalogue, so crime counts for more than
 * drama), plus half their place in the model's order. Under a filter or a change the model's order reaches far down its
 * list, and alone it had kept action thrillers (The Fugitive) over Alien 3 and Jaws 2 for "Alien meets Jaws", and war
 * films over Once Upon a Time in America for "The Godfather but in the 80s".
 */
function mostLikeEach(fitting: readonly ScoredItem[], each: readonly ReadonlySet<string>[], places: number, getItem: (id: string) => Item | undefined, weight: (tag: string) => number): ScoredItem[] {
  const pool = fitting.slice(0, places * 3);
  const sum = (tags: Iterable<string>) => [...tags].reduce((total, tag) => total + weight(tag), 0);
  const kind = (id: string) => {
    const tags = new Set(tagStems(getItem(id) ?? { id, title: '', tags: [] }));
    return each.reduce((total, genres) => total + sum([...tags].filter((tag) => genres.has(tag))) / Math.max(1e-9, sum(new Set([...tags, ...genres]))), 0) / each.length;
  };
  const scored = pool.map((entry, index) => ({ entry, value: kind(entry.itemId) + 0.5 * (1 - index / pool.length) }));
  return scored.sort((a, b) => b.value - a.value).map(({ entry }) => entry);
}

/** How far down the model's list for the examples films that keep a telling genre of theirs through a change are looked for first. */
const NEAREST = 200;
/** The most liked films a request by example with a change may reach beyond the model's nearest (films most here have heard of). */
const WELL_KNOWN = 600;

/** Min-max to [0, 1] (all equal: 1), so the model's and the text index's lists can be merged. */
const minMax = (values: readonly number[]) => {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return values.map((value) => (high - low < 1e-12 ? 1 : (value - low) / (high - low)));
};

/** Rank-based scores in (0, 1], for lists without comparable scores. */
const rankScore = (rank: number, length: number) => 1 - rank / Math.max(1, length);

/** The `k` best of a model's catalogue scores, `exclude` left out: what `recommend` returns for the same query. */
function rankCatalogue(catalogue: CatalogueScores, k: number, exclude: ReadonlySet<string>): ScoredItem[] {
  const excluded = new Set<number>();
  for (const id of exclude) {
    const index = catalogue.index.get(id);
    if (index !== undefined) excluded.add(index);
  }
  return topK(catalogue.scores, k, excluded).map((index) => ({ itemId: catalogue.itemIds[index] as string, score: catalogue.scores[index] as number }));
}

/**
 * The candidate set of Chat-Rec: the user-embedding model's top items for the user's history,
 * plus items whose text matches what the user said, plus cold-start items near the user's liked
 * items in text-embedding space.
 */
export class CandidateGenerator {
  private readonly options: CandidateGeneratorOptions;

  constructor(options: CandidateGeneratorOptions) {
    const { minSeedRating, statedSlots } = options;
    if (minSeedRating !== undefined && !(Number.isFinite(minSeedRating) && minSeedRating >= 1 && minSeedRating <= 5)) {
      throw new PersonalabError('invalid_argument', `minSeedRating must be a rating from 1 to 5, got ${minSeedRating}`);
    }
    if (statedSlots !== undefined && !(Number.isInteger(statedSlots) && statedSlots >= 0)) {
      throw new PersonalabError('invalid_argument', `statedSlots must be a whole number of candidates (0 or more), got ${statedSlots}`);
    }
    if (options.statedHalfAt !== undefined && !isStatedHalfAt(options.statedHalfAt)) {
      throw new PersonalabError('invalid_argument', `statedHalfAt must be a number of films (0 or more, or Infinity), got ${options.statedHalfAt}`);
    }
    this.options = options;
  }

  get hasModel(): boolean {
    return this.options.recommender !== undefined;
  }

  async generate(input: GenerateInput): Promise<Candidate[]> {
    const { k } = input;
    const exclude = new Set(input.exclude ?? []);
    for (const entry of input.history) exclude.add(entry.item.id);
    const liked = input.history.filter((entry) => entry.rating === undefined || entry.rating >= 4);
    // The models are trained on every interaction as a positive (the ranking protocol); the query leaves
    // out what the user rated low (the films they will like are nearer their liked ones) and titles they
    // said in chat they disliked (named, not watched and rated).
    const minSeedRating = this.options.minSeedRating ?? 3;
    const seeds = seedEntries(input.history, minSeedRating).map((entry) => entry.item.id);
    const out = new Map<string, Candidate>();
    // One film listed under two ids (MovieLens has 18) is offered once, and not at all when the user has the other one.
    const titles = new Set<string>();
    for (const id of exclude) {
      const item = this.options.getItem(id);
      if (item) titles.add(titleKey(item));
    }
    const accept = input.accept;
    const allowed = (id: string) => {
      if (accept === undefined) return true;
      const item = this.options.getItem(id);
      return item !== undefined && accept(item);
    };
    const push = (id: string, score: number, source: Candidate['source']) => {
      if (exclude.has(id) || out.has(id)) return;
      const item = this.options.getItem(id);
      if (!item || (accept !== undefined && !accept(item)) || titles.has(titleKey(item))) return;
      titles.add(titleKey(item));
      out.set(id, { item, score, source });
    };

    const recommender = this.options.recommender;
    const hasQuery = input.queryText !== undefined && input.queryText.trim() !== '';
    // Leave room for what the user said when they said something.
    const modelSlots = hasQuery ? Math.ceil(k * 0.6) : k;
    const known = this.options.modelItemIds;
    const modelHistory = recommender ? (known ? seeds.filter((id) => known.has(id)) : seeds) : [];
    const user = input.userId === undefined ? {} : { userId: input.userId };
    // The model's top scores, kept to put the other sources' candidates on the model's scale.
    let modelRange: { low: number; high: number } | undefined;
    const fromModel = new Set<string>();
    // A model that scores its whole catalogue at once is asked once: its list and the rescoring below read the same scores.
    let catalogue: CatalogueScores | undefined;
    // Candidates kept whatever their score: the model's best items of the genres the user said they like.
    const reserved = new Set<string>();
    const statedTags = input.statedTags ?? new Set<string>();
    if (recommender && modelHistory.length > 0) {
      const hasStated = (id: string) => {
        const item = statedTags.size === 0 ? undefined : this.options.getItem(id);
        return item !== undefined && tagStems(item).some((tag) => statedTags.has(tag));
      };
      // Under constraints, or with stated genres to look for, the model ranks every item it knows and the first allowed ones are kept.
      const wide = accept === undefined && statedTags.size === 0 ? modelSlots : (known?.size ?? 10_000);
      let ranked: ScoredItem[];
      if (recommender.scoreAll) {
        catalogue = await recommender.scoreAll({ ...user, history: modelHistory });
        ranked = rankCatalogue(catalogue, wide, exclude);
      } else {
        ranked = await recommender.recommend({ ...user, history: modelHistory, k: wide, exclude: [...exclude] });
      }
      const fitting = accept === undefined ? ranked : ranked.filter((entry) => allowed(entry.itemId));
      const scored = fitting.slice(0, modelSlots);
      // Keep the model's score gaps (min-max, not ranks): the re-ranker blends on them.
      const raw = scored.map((entry) => entry.score);
      const scaled = minMax(raw);
      scored.forEach((entry, rank) => {
        push(entry.itemId, scaled[rank] ?? 0, 'model');
        fromModel.add(entry.itemId);
      });
      if (raw.length > 1) modelRange = { low: Math.min(...raw), high: Math.max(...raw) };
      // Fewer places the more the user's own films say: c / (c + n) of them.
      const fullSlots = statedTags.size === 0 ? 0 : (this.options.statedSlots ?? defaultStatedSlots(k));
      const statedSlots = Math.round(fullSlots * statedTasteShare(modelHistory.length, this.options.statedHalfAt ?? defaultStatedHalfAt));
      const disliked = input.dislikedTags ?? new Set<string>();
      let added = 0;
      for (const entry of fitting) {
        if (reserved.size >= statedSlots) break;
        const item = this.options.getItem(entry.itemId);
        if (!item || !hasStated(entry.itemId) || tagStems(item).some((tag) => disliked.has(tag))) continue;
        if (fromModel.has(entry.itemId)) {
          reserved.add(entry.itemId);
          continue;
        }
        // Below the model's top list its scale is clipped to 0: a small score in the model's order instead, so they are
        // not tied with each other (the re-ranker broke such ties by id, not by the model) nor with other sources' items at 0.
        push(entry.itemId, 0.05 * (1 - added / statedSlots), 'model');
        if (!out.has(entry.itemId)) continue;
        reserved.add(entry.itemId);
        fromModel.add(entry.itemId);
        added++;
      }
    }
    if (recommender) await this.addExamples(recommender, input.examples ?? [], { k, exclude, allowed, filtered: accept !== undefined, change: input.exampleChange, push, out, reserved, fromModel });
    if (hasQuery) {
      const minScore = this.options.minTextScore ?? 0.3;
      const strongScore = this.options.strongTextScore ?? 0.4;
      const hits = (await this.options.textIndex.searchText(input.queryText ?? '', k, (id) => !exclude.has(id) && !out.has(id) && allowed(id))).filter((hit) => hit.score >= minScore);
      // A match that names the request outright leads (above popular items of a liked genre, at most 0.9); one that
      // shares a word with it follows them (a new user's "a comedy" had led with Cosi and Ed, rated by 4 and 6 people).
      const strong = hits.filter((hit) => hit.score >= strongScore);
      const weak = hits.filter((hit) => hit.score < strongScore);
      strong.forEach((hit, rank) => push(hit.id, 0.9 + 0.05 * rankScore(rank, strong.length), 'text'));
      weak.forEach((hit, rank) => push(hit.id, 0.3 + 0.1 * rankScore(rank, weak.length), 'text'));
    }
    // What the user said they like, among popular items (a new user's main source).
    const likedTags = input.likedTags ?? new Set<string>();
    if (likedTags.size > 0 && this.options.popular) this.addLikedGenres(input, likedTags, exclude, out, allowed, push);
    // Cold-start items: those the model never saw, when they fit the liked history. Nearest neighbours
    // always exist, and the text centroid barely tells a user's held-out films from random ones (median
    // cosine 0.15 vs 0.11 on MovieLens), so a cold item needs genres that make up a good part of what the
    // user liked (`coldFit`, the mean share of liked items carrying each of its genres) or a real text match.
    if (known && liked.length > 0 && this.options.textIndex.size > known.size) {
      const centroid = await this.options.textIndex.centroid(liked.slice(-20).map((entry) => entry.item));
      if (centroid) {
        const minFit = this.options.minColdFit ?? 0.3;
        const minText = this.options.minTextScore ?? 0.3;
        const shares = likedTagShares(liked.map((entry) => entry.item));
        const near = this.options.textIndex.searchVector(centroid, 50, (id) => !known.has(id) && !exclude.has(id) && allowed(id));
        const fitting = near
          .map((hit) => {
            const item = this.options.getItem(hit.id);
            return { id: hit.id, fit: Math.max(item ? coldFit(item, shares) : 0, hit.score >= minText ? hit.score : 0) };
          })
          .filter((entry) => entry.fit >= minFit)
          .sort((a, b) => b.fit - a.fit)
          .slice(0, Math.max(2, Math.floor(k / 5)));
        for (const entry of fitting) push(entry.id, 0.4 + 0.4 * Math.min(1, entry.fit), 'text');
      }
    }
    if (out.size < k && this.options.popular) {
      const popular = this.options.popular();
      for (const [rank, id] of popular.entries()) {
        if (out.size >= k) break;
        push(id, 0.3 * rankScore(rank, popular.length), 'model');
      }
    }
    if (recommender && modelRange) await this.rescoreByModel(recommender, { ...user, history: modelHistory }, modelRange, fromModel, out, catalogue);
    const ranked = [...out.values()].sort((a, b) => b.score - a.score);
    if (reserved.size === 0) return ranked.slice(0, k);
    const kept = ranked.filter((candidate) => reserved.has(candidate.item.id)).slice(0, k);
    const others = ranked.filter((candidate) => !reserved.has(candidate.item.id)).slice(0, k - kept.length);
    return [...kept, ...others].sort((a, b) => b.score - a.score);
  }

  /**
   * Popular items with the genres the user said they like or asks for: those with more of them first ("a romantic
   * comedy": romance and comedy before either alone), then by likes times how typical of those genres each is
   * (`genreTypicality`; by likes without it). The score mixes coverage and that standing, so the re-ranker sees the same
   * order. A new user's `k` places (`k / 4` once they have 5 films).
   */
  private addLikedGenres(
    input: GenerateInput,
    likedTags: ReadonlySet<string>,
    exclude: ReadonlySet<string>,
    out: ReadonlyMap<string, Candidate>,
    allowed: (id: string) => boolean,
    push: (id: string, score: number, source: Candidate['source']) => void,
  ): void {
    const popular = this.options.popular?.() ?? [];
    const disliked = input.dislikedTags ?? new Set<string>();
    const slots = input.history.length < 5 ? input.k : Math.ceil(input.k / 4);
    const counts = this.options.genreTypicality === undefined ? undefined : this.options.likeCounts?.();
    const typicality = counts === undefined ? undefined : this.options.genreTypicality;
    const matches: { id: string; rank: number; coverage: number; standing: number; fit: number }[] = [];
    // The standings of the items with every liked genre, best first.
    const complete: number[] = [];
    for (const [rank, id] of popular.entries()) {
      const likes = counts?.get(id) ?? 0;
      // Once `slots` items carry every liked genre and stand above this item's likes, no later (less liked) item can
      // displace them: typicality only lowers a standing.
      if (complete.length >= slots && (typicality === undefined || (complete[slots - 1] ?? 0) >= likes)) break;
      const item = this.options.getItem(id);
      if (!item || exclude.has(id) || out.has(id) || !allowed(id)) continue;
      const stems = new Set(tagStems(item));
      if ([...disliked].some((tag) => stems.has(tag))) continue;
      const covered = [...likedTags].filter((tag) => stems.has(tag));
      if (covered.length === 0) continue;
      // A value out of [0, 1] is clipped into it, one that is no number counts as 1 (unknown).
      const typical = (tag: string) => {
        const value = typicality?.(id, tag) ?? 1;
        return Number.isNaN(value) ? 1 : Math.max(1e-6, Math.min(1, value));
      };
      const fit = typicality === undefined ? 1 : covered.reduce((product, tag) => product * typical(tag), 1) ** (1 / covered.length);
      const standing = likes * fit;
      matches.push({ id, rank, coverage: covered.length / likedTags.size, standing, fit });
      if (covered.length === likedTags.size) {
        const at = complete.findIndex((value) => value < standing);
        complete.splice(at === -1 ? complete.length : at, 0, standing);
      }
    }
    matches.sort((a, b) => b.coverage - a.coverage || b.standing - a.standing || a.rank - b.rank);
    // An item a genre fits less ranks where its standing would put it among the popular items' likes.
    let likesByRank: number[] | undefined;
    const rankOf = (match: (typeof matches)[number]) => {
      if (match.fit >= 1 || counts === undefined) return match.rank;
      likesByRank ??= popular.map((id) => counts.get(id) ?? 0);
      let low = 0;
      let high = likesByRank.length;
      while (low < high) {
        const middle = (low + high) >> 1;
        if ((likesByRank[middle] ?? 0) > match.standing) low = middle + 1;
        else high = middle;
      }
      return Math.max(match.rank, low);
    };
    for (const match of matches.slice(0, slots)) push(match.id, (0.9 * (match.coverage + rankScore(rankOf(match), popular.length))) / 2, 'model');
  }

  /**
   * The model's best items for the films a request asks for more like, asked with those films alone (not the user's
   * whole history), that are like them in kind: up to half the places, kept whatever else the model ranks above them,
   * and the turn's lean to the examples' genres orders them. In kind: one example's films share two of its genres (one,
   * if it has one); several examples' films share a genre with each of them ("a mix of Star Wars and Toy Story": Men in
   * Black, E.T., not Return of the Jedi); with a change (`change`: "but funnier") they have a genre it leans to, none it
   * avoids, and mostly genres of the examples or of the change (Raising Arizona for "like Fargo but funnier", not Toy
   * Story). The model ranks every item it knows, so that the first that fit are found ("like The Godfather but in the
   * 80s" had found few 80s films among the 200 nearest).
   */
  private async addExamples(
    recommender: Recommender,
    examples: readonly string[],
    into: {
      k: number;
      exclude: ReadonlySet<string>;
      allowed: (id: string) => boolean;
      filtered: boolean;
      change: { lean: readonly string[]; avoid: readonly string[] } | undefined;
      push: (id: string, score: number, source: Candidate['source']) => void;
      out: Map<string, Candidate>;
      reserved: Set<string>;
      fromModel: Set<string>;
    },
  ): Promise<void> {
    const known = this.options.modelItemIds;
    const seeds = examples.filter((id) => known === undefined || known.has(id));
    if (seeds.length === 0) return;
    const genresOf = (id: string) => new Set(tagStems(this.options.getItem(id) ?? { id, title: '', tags: [] }));
    const each = seeds.map(genresOf);
    // Like them in kind too: a film sharing fewer genres is the model's neighbour only by who rated both ("more like Aliens"
    // had found Pink Floyd - The Wall by "War").
    const counts = new Map<string, number>();
    for (const genres of each) for (const tag of genres) counts.set(tag, (counts.get(tag) ?? 0) + 1);
    const common = new Set([...counts].filter(([, count]) => count * 2 >= seeds.length).map(([tag]) => tag));
    const need = Math.min(2, common.size);
    const lean = new Set(into.change?.lean ?? []);
    const avoid = new Set(into.change?.avoid ?? []);
    const ofEach = (tags: ReadonlySet<string>) => seeds.length === 1 || each.every((genres) => [...genres].some((tag) => tags.has(tag)));
    const likeThem = (tags: ReadonlySet<string>) => {
      if ([...tags].some((tag) => avoid.has(tag)) || !ofEach(tags)) return false;
      if (lean.size > 0) {
        if (![...tags].some((tag) => lean.has(tag))) return false;
        return [...tags].filter((tag) => counts.has(tag) || lean.has(tag)).length * 2 >= tags.size;
      }
      return [...tags].filter((tag) => common.has(tag)).length >= need;
    };
    const places = Math.ceil(into.k / 2);
    const narrowed = into.filtered || lean.size > 0 || avoid.size > 0 || seeds.length > 1;
    // The whole list the model knows: a returning user has rated most of a film's 200 nearest (user 1 had one drama
    // sci-fi film left among Twelve Monkeys's).
    const ranked = await recommender.recommend({ history: seeds, k: known?.size ?? 10_000, exclude: [...into.exclude, ...seeds] });
    const fits = (entry: ScoredItem, test: (tags: ReadonlySet<string>) => boolean) => {
      return this.options.getItem(entry.itemId) !== undefined && into.allowed(entry.itemId) && test(genresOf(entry.itemId));
    };
    // Each genre's share of the catalogue the model knows: drama is every other film's genre, and says little of a film.
    const share = new Map<string, number>();
    for (const entry of ranked) for (const tag of genresOf(entry.itemId)) share.set(tag, (share.get(tag) ?? 0) + 1 / ranked.length);
    const telling = (tag: string) => (share.get(tag) ?? 0) <= 0.25;
    // With a change, films that also keep a telling genre of the examples come first (a crime comedy for "like Fargo but
    // funnier", not any comedy drama), then films that only make the change.
    const keepsOne = (tags: ReadonlySet<string>) => likeThem(tags) && [...tags].some((tag) => counts.has(tag) && !lean.has(tag) && telling(tag));
    // (Among the model's nearest: further down its list they are films few have seen.)
    const near = ranked.slice(0, NEAREST);
    const first = lean.size === 0 ? [] : near.filter((entry) => fits(entry, keepsOne));
    // Too few of them among the nearest (a returning user's "like Fargo but funnier", then "older": the nearest older crime
    // comedies were rated or shown), the well-known ones further down follow (Some Like It Hot, Charade), before films that
    // only make the change (comedy dramas of any kind, which the reply had called "Films like Fargo").
    if (first.length < places && lean.size > 0) {
      const known = new Set((this.options.popular?.() ?? []).slice(0, WELL_KNOWN));
      const inFirst = new Set(first.map((entry) => entry.itemId));
      first.push(...ranked.slice(NEAREST).filter((entry) => known.has(entry.itemId) && !inFirst.has(entry.itemId) && fits(entry, keepsOne)).slice(0, places - first.length));
    }
    const taken = new Set(first.map((entry) => entry.itemId));
    const fitting = [...first, ...ranked.filter((entry) => !taken.has(entry.itemId) && fits(entry, likeThem))];
    // Too few left (a returning user has rated most drama sci-fi films like Twelve Monkeys): then films with the examples'
    // less common genre (one a quarter of the catalogue or less has), most of whose genres are theirs (Dr. Strangelove:
    // Sci-Fi, War), not any drama (Casablanca, Ransom: drama is every other film's genre).
    if (fitting.length < places && need > 1 && lean.size === 0) {
      const nearly = (tags: ReadonlySet<string>) => ![...tags].some((tag) => avoid.has(tag)) && ofEach(tags) && [...tags].some((tag) => common.has(tag) && telling(tag)) && [...tags].filter((tag) => common.has(tag)).length * 2 >= tags.size;
      fitting.push(...ranked.filter((entry) => !taken.has(entry.itemId) && fits(entry, nearly)).slice(0, places - fitting.length));
    }
    let kept = 0;
    const kinds = each.map((genres) => new Set([...genres, ...lean]));
    const weight = (tag: string) => -Math.log(Math.max(share.get(tag) ?? 0, 1 / Math.max(2, ranked.length)));
    for (const entry of narrowed ? mostLikeEach(fitting, kinds, places, this.options.getItem, weight) : fitting) {
      if (kept >= places) break;
      // Asked for outright, they score in the upper half of the user's own list (0.9 down to 0.5, in the examples' order),
      // not by the user's whole history, which had put them all at 0 below its own top list; one the user's own list has
      // too keeps the better of the two (Men in Black, fourth for "a mix of Star Wars and Toy Story", had kept 0.21 there).
      const score = 0.9 - (0.4 * kept) / places;
      const already = into.out.get(entry.itemId);
      if (already === undefined) {
        into.push(entry.itemId, score, 'model');
        if (!into.out.has(entry.itemId)) continue;
        into.fromModel.add(entry.itemId);
      } else if (already.score < score && into.fromModel.has(entry.itemId)) {
        into.out.set(entry.itemId, { ...already, score });
      }
      into.reserved.add(entry.itemId);
      kept++;
    }
  }

  /**
   * Text matches and popular items with a liked tag are proposed for what the user said, but when
   * the model knows the user and the item, the model's opinion of the item is the better score:
   * each such candidate gets the model's score on the same min-max scale as the model's own top
   * list (clipped to [0, 1]), so a match the model ranks low stays below the model's picks unless
   * the re-ranker's profile fit or the turn's refinement lifts it. Cold items keep their text score.
   */
  private async rescoreByModel(
    recommender: Recommender,
    query: { userId?: string; history: readonly string[] },
    range: { low: number; high: number },
    fromModel: ReadonlySet<string>,
    out: Map<string, Candidate>,
    catalogue: CatalogueScores | undefined,
  ): Promise<void> {
    const known = this.options.modelItemIds;
    const others = [...out.values()].filter((candidate) => !fromModel.has(candidate.item.id) && (known === undefined || known.has(candidate.item.id)));
    if (others.length === 0 || range.high - range.low < 1e-12) return;
    // As `score` answers: an item the model does not know scores −∞ (clipped to 0 below).
    const scores = catalogue
      ? others.map((candidate) => {
          const index = catalogue.index.get(candidate.item.id);
          return index === undefined ? Number.NEGATIVE_INFINITY : (catalogue.scores[index] as number);
        })
      : await recommender.score({ ...query, itemIds: others.map((candidate) => candidate.item.id) });
    others.forEach((candidate, index) => {
      const scaled = ((scores[index] ?? range.low) - range.low) / (range.high - range.low);
      out.set(candidate.item.id, { ...candidate, score: Math.max(0, Math.min(1, scaled)) });
    });
  }
}
