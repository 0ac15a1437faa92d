import type { Interaction } from '../schemas/interaction.js';
import type { Item } from '../schemas/item.js';
import type { User } from '../schemas/user.js';

export interface TrainingData {
  interactions: readonly Interaction[];
  items: readonly Item[];
  users?: readonly User[];
}

export interface FitOptions {
  /** Held-out interactions for early stopping / model selection. */
  validation?: readonly Interaction[];
  seed?: number;
  quiet?: boolean;
  signal?: AbortSignal;
}

export interface RecommendOptions {
  /** A known user, or ... */
  userId?: string;
  /** ... an explicit history (a new user), oldest first. */
  history?: readonly string[];
  k: number;
  /** Item ids never to return (already seen). */
  exclude?: ReadonlySet<string> | readonly string[];
}

export interface ScoredItem {
  itemId: string;
  score: number;
}

/** A model's score of every item it knows for one query (`Recommender.scoreAll`). */
export interface CatalogueScores {
  /** The model's items, in its own order (its tie-break order: at equal scores the earlier item ranks first). */
  itemIds: readonly string[];
  /** Item id → position in `itemIds` and `scores`. */
  index: ReadonlyMap<string, number>;
  /** Higher is better; the scale of `recommend` and `score`. */
  scores: Float32Array;
}

/** A model that ranks items for a user. */
export interface Recommender {
  readonly name: string;
  fit(data: TrainingData, options?: FitOptions): Promise<void>;
  recommend(options: RecommendOptions): Promise<ScoredItem[]>;
  /** Scores of the given items for a user (same scale as `recommend`). */
  score(options: { userId?: string; history?: readonly string[]; itemIds: readonly string[] }): Promise<number[]>;
  /**
   * Optional: every item's score for one query, from one scoring pass. A caller that both ranks and scores other
   * items for the same query (Chat-Rec's candidate generator) scores once instead of twice.
   */
  scoreAll?(options: { userId?: string; history?: readonly string[] }): Promise<CatalogueScores>;
  save(directory: string): Promise<void>;
  load(directory: string): Promise<void>;
}
