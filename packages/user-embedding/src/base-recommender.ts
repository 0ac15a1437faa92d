import { z } from 'zod';
import {
  PersonalabError,
  formatZodError,
  type CatalogueScores,
  type FitOptions,
  type RecommendOptions,
  type Recommender,
  type ScoredItem,
  type TrainingData,
} from '@personalab/core';
import { buildInteractionMatrix, checkTrainingData, historyIndices, type InteractionMatrix } from './interaction-matrix.js';
import { topK } from './top-k.js';
import { loadError, loadModelDirectory, saveModelDirectory, type WeightMap } from './weights-io.js';

/** Who to score: a known user (by dense index), and the history the model should read. */
export interface ScoringQuery {
  /**
   * Dense index of a known user scored from what the model learned of them, or undefined for a query scored from its
   * history alone (a new user, or a known user whose explicit history is not their stored one: see `knownUser`).
   */
  user: number | undefined;
  /** Item indices, oldest first. */
  history: number[];
  /**
   * Set (with `user` undefined) when a known user came with an explicit history holding an item they were not learned
   * with, or an empty one: they are scored from `history` as a new user is (fold-in). It names them for what the history does not
   * give: the two-tower's demographics, context-EASE's rating period, a fold-in's warm start (LightGCN's ego vector,
   * biased MF's p_u and b_u), and the stored predictions of the rating models that cannot read a history.
   */
  knownUser?: number;
}

/** Whether every item of `history` is one of `stored`'s (the history adds nothing the model learned the user without). */
function addsNothing(history: readonly number[], stored: readonly number[]): boolean {
  const items = new Set(stored);
  return history.every((item) => items.has(item));
}

/** Training interactions per item, by item index, once per vocabulary. */
const itemCounts = new WeakMap<InteractionMatrix, Float32Array>();
function popularity(matrix: InteractionMatrix): Float32Array {
  let counts = itemCounts.get(matrix);
  if (!counts) {
    counts = new Float32Array(matrix.itemIds.length);
    for (const history of matrix.histories) for (const item of history) counts[item] = (counts[item] as number) + 1;
    itemCounts.set(matrix, counts);
  }
  return counts;
}

/** Whether every finite score is the same (a model that can say nothing of the query). */
function flat(scores: ArrayLike<number>): boolean {
  let first: number | undefined;
  for (let index = 0; index < scores.length; index++) {
    const value = scores[index] as number;
    if (!Number.isFinite(value)) continue;
    if (first === undefined) first = value;
    else if (value !== first) return false;
  }
  return true;
}

const vocabularySchema = z.object({
  userIds: z.array(z.string()),
  itemIds: z.array(z.string()),
  histories: z.array(z.array(z.number().int().nonnegative())),
});

const topologySchema = z.object({
  kind: z.string(),
  version: z.literal(1),
  config: z.record(z.string(), z.unknown()),
  vocabulary: vocabularySchema,
  extra: z.record(z.string(), z.unknown()).optional(),
});

/**
 * What every model here shares: dense ids, user histories, full-catalogue scoring, top-k with
 * exclusions, and persistence as `model.json` + `weights.bin` through a tfjs IO handler.
 */
export abstract class BaseRecommender implements Recommender {
  abstract readonly name: string;
  protected matrix: InteractionMatrix | undefined;
  /** Why there is no vocabulary (while `matrix` is undefined): never fitted or loaded, disposed, or a fit failed part-way. */
  private unfitted: 'new' | 'disposed' | 'failed fit' = 'new';
  /** Set once the running fit has begun replacing the model (`adoptTrainingData`): from then on a failure unfits it. */
  private fitStarted = false;

  /**
   * Fits the model on `data`. A fit refused before it changes anything (an interaction naming an unknown item, a
   * non-finite rating, no items) leaves the model as it was; one that fails later (cancelled, a diverging loss)
   * leaves it unfitted, its tfjs memory freed: half-replaced weights had scored the new vocabulary with the old model.
   */
  async fit(data: TrainingData, options: FitOptions = {}): Promise<void> {
    checkTrainingData(this.name, data);
    this.fitStarted = false;
    try {
      await this.fitModel(data, options);
    } catch (error) {
      if (this.fitStarted) {
        this.dispose();
        this.unfitted = 'failed fit';
      }
      throw error;
    } finally {
      this.fitStarted = false;
    }
  }

  /** The model's own training (`fit` runs it, and unfits the model if it fails after `adoptTrainingData`). */
  protected abstract fitModel(data: TrainingData, options: FitOptions): Promise<void>;

  /** Scores of every item (indexed like `itemIds`) for one query; higher is better. */
  abstract scoreQuery(query: ScoringQuery): Float32Array;

  /**
   * Frees what the model holds outside the JavaScript heap (tfjs memory; the plain-TypeScript models hold none) and
   * leaves it unfitted: `recommend`, `score` and `save` then fail with `invalid_argument` until a `fit` or `load`
   * (a disposed tfjs model had thrown a bare Error, and its `save` had written a model.json without weights).
   */
  dispose(): void {
    this.matrix = undefined;
    this.unfitted = 'disposed';
  }

  /** Whether the model is fitted or loaded (not new, disposed, or left unfitted by a failed fit). */
  get fitted(): boolean {
    return this.matrix !== undefined;
  }

  /** The error for using a model that is not fitted, saying why. */
  protected unfittedError(): PersonalabError {
    const reason = { new: 'fit or load the model first', disposed: 'the model was disposed; fit or load it again', 'failed fit': 'its last fit failed, which left it unfitted; fit or load it again' }[this.unfitted];
    return new PersonalabError('invalid_argument', `${this.name}: ${reason}`);
  }

  /** Marks the running fit as having begun replacing the model (a failure from here on unfits it). */
  protected beginFit(): void {
    this.fitStarted = true;
  }

  /** Scores for many queries at once; models with batched inference override this. */
  scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    return queries.map((query) => this.scoreQuery(query));
  }

  /** The fitted id maps and histories; throws if the model is not fitted or loaded. */
  get data(): InteractionMatrix {
    if (!this.matrix) throw this.unfittedError();
    return this.matrix;
  }

  /** Builds the id maps and histories of the training data and makes them this model's vocabulary (the fit has begun). */
  protected adoptTrainingData(data: TrainingData): InteractionMatrix {
    const matrix = buildInteractionMatrix(data.interactions, data.items, data.users);
    this.beginFit();
    this.matrix = matrix;
    return matrix;
  }

  get itemIds(): readonly string[] {
    return this.data.itemIds;
  }

  get userIds(): readonly string[] {
    return this.data.userIds;
  }

  /**
   * Resolves `userId` and/or `history` into dense indices; an explicit history wins over the stored one. Its unknown
   * ids are dropped and a repeated item counts once (its first place kept). A known user whose explicit history adds
   * nothing to their stored items (all of them in any order, or some: the recommender service leaves out the films
   * they disliked) is scored from their learned parameters, as with `userId` alone (the history, in the order given,
   * goes to the models that read one); a history with an item the model did not learn them with (a chat that adds the
   * films the user just named), or an empty one, is what they are scored from, as a new user is, and `knownUser`
   * names them (BPR, LightGCN and the rating models had scored the learned vector alone and ignored the added films).
   */
  resolveQuery(options: { userId?: string | undefined; history?: readonly string[] | undefined }): ScoringQuery {
    const matrix = this.data;
    const user = options.userId === undefined ? undefined : matrix.userIndex.get(options.userId);
    if (options.history !== undefined) {
      const history = [...new Set(historyIndices(matrix, options.history))];
      if (user === undefined || (history.length > 0 && addsNothing(history, matrix.histories[user] ?? []))) return { user, history };
      return { user: undefined, history, knownUser: user };
    }
    if (user === undefined) {
      if (options.userId === undefined) throw new PersonalabError('invalid_argument', `${this.name}: give a userId or a history`);
      throw new PersonalabError('not_found', `${this.name}: unknown user ${options.userId}; pass their history instead`);
    }
    return { user, history: matrix.histories[user] ?? [] };
  }

  async recommend(options: RecommendOptions): Promise<ScoredItem[]> {
    // A fractional k had returned the next whole number of items.
    if (!Number.isInteger(options.k) || options.k < 0) throw new PersonalabError('invalid_argument', `${this.name}: k must be a non-negative integer, got ${options.k}`);
    const query = this.resolveQuery(options);
    const scores = this.scoreQuery(query);
    const excluded = new Set<number>();
    for (const id of options.exclude ?? []) {
      const index = this.data.itemIndex.get(id);
      if (index !== undefined) excluded.add(index);
    }
    // A model that scores every item alike had listed the catalogue's first items: a user with nothing yet (new, or known
    // without interactions) under EASE or item-KNN (0 everywhere), or a history-only user under AutoRec (the global mean);
    // they are ranked by how often they were chosen instead.
    const ranking = flat(scores) ? popularity(this.data).map((count, index) => (Number.isFinite(scores[index] as number) ? count : Number.NEGATIVE_INFINITY)) : scores;
    return topK(ranking, options.k, excluded).map((index) => ({ itemId: this.data.itemIds[index] as string, score: scores[index] as number }));
  }

  async scoreAll(options: { userId?: string; history?: readonly string[] }): Promise<CatalogueScores> {
    return { itemIds: this.data.itemIds, index: this.data.itemIndex, scores: this.scoreQuery(this.resolveQuery(options)) };
  }

  async score(options: { userId?: string; history?: readonly string[]; itemIds: readonly string[] }): Promise<number[]> {
    const scores = this.scoreQuery(this.resolveQuery(options));
    return options.itemIds.map((id) => {
      const index = this.data.itemIndex.get(id);
      return index === undefined ? Number.NEGATIVE_INFINITY : (scores[index] as number);
    });
  }

  /** Config and weights to persist; the vocabulary is added by `save`. */
  protected abstract exportState(): { config: Record<string, unknown>; weights: WeightMap; extra?: Record<string, unknown> };

  /** Restores what `exportState` returned. */
  protected abstract importState(state: { config: Record<string, unknown>; weights: WeightMap; extra: Record<string, unknown> }): void | Promise<void>;

  async save(directory: string): Promise<void> {
    const matrix = this.data;
    const state = this.exportState();
    const topology = {
      kind: this.name,
      version: 1 as const,
      config: state.config,
      vocabulary: { userIds: matrix.userIds, itemIds: matrix.itemIds, histories: matrix.histories },
      extra: state.extra ?? {},
    };
    await saveModelDirectory(directory, topology, state.weights);
  }

  /** Loads a saved model; on failure the model is left as it was and the error names the file. */
  async load(directory: string): Promise<void> {
    const previous = this.matrix;
    try {
      await this.loadInto(directory);
    } catch (error) {
      this.matrix = previous;
      throw loadError(directory, error);
    }
  }

  private async loadInto(directory: string): Promise<void> {
    const { topology, weights } = await loadModelDirectory(directory);
    const parsed = topologySchema.safeParse(topology);
    if (!parsed.success) throw new PersonalabError('corrupt_file', `${directory}/model.json: ${formatZodError(parsed.error)}`, { details: { file: `${directory}/model.json` } });
    if (parsed.data.kind !== this.name) {
      throw new PersonalabError('invalid_argument', `${directory} holds a ${parsed.data.kind} model, not ${this.name}`);
    }
    const { userIds, itemIds, histories } = parsed.data.vocabulary;
    this.matrix = {
      userIds,
      itemIds,
      userIndex: new Map(userIds.map((id, index) => [id, index])),
      itemIndex: new Map(itemIds.map((id, index) => [id, index])),
      histories,
      values: histories.map((history) => history.map(() => 1)),
    };
    await this.importState({ config: parsed.data.config, weights, extra: parsed.data.extra ?? {} });
  }
}

/** Reads the kind of model saved in a directory (to pick the class to load it with). */
export async function readModelKind(directory: string): Promise<string> {
  const { topology } = await loadModelDirectory(directory);
  const parsed = topologySchema.pick({ kind: true }).safeParse(topology);
  if (!parsed.success) throw new PersonalabError('corrupt_file', `${directory}/model.json: ${formatZodError(parsed.error)}`);
  return parsed.data.kind;
}
