import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { FitOptions, TrainingData } from '@personalab/core';
import type { ScoringQuery } from './base-recommender.js';
import { matMulTransposeFree } from './fast-matmul.js';
import type { InteractionMatrix } from './interaction-matrix.js';
import { checkedSettings, countSetting, nonNegativeSetting, patienceSetting, positiveSetting, seedSetting } from './settings-check.js';
import { TfRecommender } from './tf-recommender.js';
import { runTrainingLoop, type TrainingSummary } from './training-loop.js';
import { earlyStoppingHeldOut, validationNdcg } from './validation.js';
import { checkVocabulary, weightsOfShapes, type WeightMap } from './weights-io.js';

export interface LightGcnOptions {
  dimension?: number;
  /** Propagation layers; the final vectors are the mean of layers 0..layers. */
  layers?: number;
  /** Full-batch Adam steps per epoch (one step sees every user); early stopping and the progress bar count epochs. */
  stepsPerEpoch?: number;
  /** Maximum epochs. */
  epochs?: number;
  learningRate?: number;
  /** L2 on every ego (layer-0) vector: the loss adds l2 · Σ e². */
  l2?: number;
  /** Standard deviation of the initial ego vectors. */
  initScale?: number;
  patience?: number;
  seed?: number;
  /**
   * Adam steps that fit a history-only user's missing ego vector (the training loss for that one user, item vectors
   * fixed); 0 folds the user in by propagation alone.
   */
  foldInSteps?: number;
  /**
   * Whether the fold-in of a known user given a history other than their stored one (`ScoringQuery.knownUser`) starts
   * its ego vector from the one they learned (else from zero, as a new user's).
   */
  foldInWarmStart?: boolean;
}

const defaults: Required<LightGcnOptions> = { dimension: 256, layers: 2, stepsPerEpoch: 25, epochs: 40, learningRate: 5e-3, l2: 3e-4, initScale: 0.1, patience: 4, seed: 42, foldInSteps: 50, foldInWarmStart: true };

/**
 * The settings as given or as saved in `model.json`: a string or negative `layers` had loaded and scored NaN or wrong
 * scores without an error. Missing keys keep their defaults (saves made before `foldInSteps` have none).
 */
const settingsSchema = z.object({
  dimension: countSetting(1),
  layers: countSetting(1),
  stepsPerEpoch: countSetting(1),
  epochs: countSetting(0),
  learningRate: positiveSetting,
  l2: nonNegativeSetting,
  initScale: nonNegativeSetting,
  patience: patienceSetting(0),
  seed: seedSetting,
  foldInSteps: countSetting(0),
  foldInWarmStart: z.boolean(),
} satisfies Record<keyof LightGcnOptions, z.ZodType>);

/** Adam's rate for the fold-in's ego vectors. */
const foldInRate = 0.05;
// tfjs variable names must be unique per process.
let foldInCounter = 0;
/** How many fitted fold-in vectors a model keeps. */
const foldInCacheSize = 4096;

/** The training graph: the symmetric-normalised user × item matrix D_u^{-1/2} X D_i^{-1/2} and its transpose, as plain arrays. */
interface Graph {
  matrix: InteractionMatrix;
  forward: Float32Array;
  backward: Float32Array;
  users: number;
  items: number;
  itemDegree: Float32Array;
  /** Users with at least one item (the training loss averages over them). */
  activeUsers: number;
}

function normalisedAdjacency(matrix: InteractionMatrix): Graph {
  const users = matrix.userIds.length;
  const items = matrix.itemIds.length;
  const itemDegree = new Float32Array(items);
  const sets = matrix.histories.map((history) => [...new Set(history)]);
  for (const set of sets) for (const item of set) itemDegree[item] = (itemDegree[item] as number) + 1;
  const forward = new Float32Array(users * items);
  const backward = new Float32Array(items * users);
  sets.forEach((set, user) => {
    const userScale = set.length > 0 ? 1 / Math.sqrt(set.length) : 0;
    for (const item of set) {
      const value = userScale / Math.sqrt(itemDegree[item] as number);
      forward[user * items + item] = value;
      backward[item * users + user] = value;
    }
  });
  return { matrix, forward, backward, users, items, itemDegree, activeUsers: Math.max(1, sets.filter((set) => set.length > 0).length) };
}

/**
 * y = M·x for a constant matrix M, whose gradient (Mᵀ·dy) uses the transposed copy kept beside it: no gradient is
 * computed for M, and no transposed matMul runs (wasm runs those outside XNNPACK; see fast-matmul.ts).
 */
function constantProduct(matrix: tf.Tensor2D, transposed: tf.Tensor2D): (x: tf.Tensor2D) => tf.Tensor2D {
  return tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x] = inputs as [tf.Tensor2D];
    return { value: tf.matMul(matrix, x), gradFunc: (dy) => [tf.matMul(transposed, dy as tf.Tensor2D)] };
  }) as (x: tf.Tensor2D) => tf.Tensor2D;
}

/**
 * LightGCN (He et al. 2020) in tfjs: user and item ego vectors propagated over the symmetric-normalised user-item
 * graph without weights or non-linearities, the final vector of each node being the mean of its layers 0..K; score =
 * user · item. Trained full-batch with a multinomial (full softmax over the catalogue) log-likelihood of each user's
 * items and L2 on the ego vectors, Adam, early stopping on validation NDCG@10 (one check per `stepsPerEpoch` steps).
 * The softmax loss instead of the paper's BPR: on MovieLens-100K's P1 inner split it reached what the PyTorch screen
 * measured (`experiments/movielens/numpy-check/gpu-screen-results.md`). A new user given only a history is folded in
 * through the same propagation: layers 1..K of a node linked to the history's items, and an ego vector fitted to the
 * history by a few Adam steps on that user's term of the training loss. A known user given a history other than their
 * stored one is folded in the same way, from that history, their ego vector starting from the learned one.
 */
export class LightGcnRecommender extends TfRecommender {
  readonly name = 'lightgcn';
  readonly options: Required<LightGcnOptions>;
  summary: TrainingSummary | undefined;
  /** Propagated (final) user and item vectors, derived from the ego vectors and the training graph. */
  private propagated: { users: Float32Array; items: Float32Array; itemLayers: Float32Array[]; foldIns: Map<string, Float32Array> } | undefined;
  /** The graph of the vocabulary the model was fitted on or loaded with (built once; the histories do not change). */
  private graphCache: Graph | undefined;

  constructor(options: LightGcnOptions = {}) {
    super();
    this.options = checkedSettings(this.name, settingsSchema, defaults, options, 'options');
  }

  protected async fitModel(data: TrainingData, options: FitOptions): Promise<void> {
    const settings = this.options;
    const seed = options.seed ?? settings.seed;
    const matrix = this.adoptTrainingData(data);
    const d = settings.dimension;
    const graph = this.graph();
    this.setVariables({
      userEmbedding: tf.randomNormal([graph.users, d], 0, settings.initScale, 'float32', seed),
      itemEmbedding: tf.randomNormal([graph.items, d], 0, settings.initScale, 'float32', seed + 1),
    });
    const adjacency = tf.tensor2d(graph.forward, [graph.users, graph.items]);
    const adjacencyT = tf.tensor2d(graph.backward, [graph.items, graph.users]);
    const binary = new Float32Array(graph.users * graph.items);
    matrix.histories.forEach((history, user) => {
      for (const item of history) binary[user * graph.items + item] = 1;
    });
    const targets = tf.tensor2d(binary, [graph.users, graph.items]);
    const toUsers = constantProduct(adjacency, adjacencyT);
    const toItems = constantProduct(adjacencyT, adjacency);
    const activeUsers = graph.activeUsers;
    const heldOut = earlyStoppingHeldOut(matrix, options.validation);
    const optimizer = tf.train.adam(settings.learningRate);
    let best: WeightMap | undefined;
    this.propagated = undefined;
    try {
      this.summary = await runTrainingLoop({
        ...this.loopSettings(settings, options),
        stepsPerEpoch: settings.stepsPerEpoch,
        examplesPerStep: activeUsers,
        step: () => {
          const loss = optimizer.minimize(() => {
            const [users, items] = this.propagate(this.variable('userEmbedding'), this.variable('itemEmbedding'), toUsers, toItems);
            const logits = matMulTransposeFree(users, tf.transpose(items));
            const likelihood = tf.div(tf.sum(tf.mul(targets, tf.logSoftmax(logits))), -activeUsers);
            const penalty = tf.mul(settings.l2, tf.add(tf.sum(tf.square(this.variable('userEmbedding'))), tf.sum(tf.square(this.variable('itemEmbedding')))));
            return tf.add(likelihood, penalty) as tf.Scalar;
          }, true);
          const value = loss?.dataSync()[0] ?? Number.NaN;
          loss?.dispose();
          this.propagated = undefined;
          return value;
        },
        ...(heldOut ? { validate: () => validationNdcg(matrix, heldOut, (queries) => this.scoreQueries(queries)) } : {}),
        onImprovement: () => {
          if (heldOut) best = this.snapshot();
        },
      });
    } finally {
      optimizer.dispose();
      tf.dispose([adjacency, adjacencyT, targets]);
    }
    if (best) this.restore(best);
    this.propagated = undefined;
    // Propagated now (about 0.1 s on MovieLens 100K on wasm), not by the first query.
    this.final();
  }

  /** Final user and item vectors: the mean of layers 0..K of the propagation. */
  private propagate(userEgo: tf.Tensor, itemEgo: tf.Tensor, toUsers: (x: tf.Tensor2D) => tf.Tensor2D, toItems: (x: tf.Tensor2D) => tf.Tensor2D): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D[]] {
    let users = userEgo as tf.Tensor2D;
    let items = itemEgo as tf.Tensor2D;
    const userLayers = [users];
    const itemLayers = [items];
    for (let layer = 0; layer < this.options.layers; layer++) {
      [users, items] = [toUsers(items), toItems(users)];
      userLayers.push(users);
      itemLayers.push(items);
    }
    const scale = 1 / (this.options.layers + 1);
    return [tf.mul(tf.addN(userLayers), scale) as tf.Tensor2D, tf.mul(tf.addN(itemLayers), scale) as tf.Tensor2D, itemLayers];
  }

  private graph(): Graph {
    if (this.graphCache?.matrix !== this.data) this.graphCache = normalisedAdjacency(this.data);
    return this.graphCache;
  }

  /** The propagated vectors, computed once per set of weights (at the end of `fit`, and by `load`). */
  private final(): NonNullable<LightGcnRecommender['propagated']> {
    if (this.propagated) return this.propagated;
    const graph = this.graph();
    // The tidy returns tensors, read after it: a tidy walks every property of what it returns looking for tensors, and
    // over these typed arrays (about two million numbers on MovieLens 100K) that walk took a second, the propagation 80 ms.
    const tensors = tf.tidy(() => {
      const adjacency = tf.tensor2d(graph.forward, [graph.users, graph.items]);
      const adjacencyT = tf.tensor2d(graph.backward, [graph.items, graph.users]);
      const [finalUsers, finalItems, layers] = this.propagate(
        this.variable('userEmbedding'),
        this.variable('itemEmbedding'),
        (x) => tf.matMul(adjacency, x),
        (x) => tf.matMul(adjacencyT, x),
      );
      return [finalUsers, finalItems, ...layers];
    });
    const [users, items, ...itemLayers] = tensors.map((tensor) => tensor.dataSync() as Float32Array);
    // Layer 0 of the items is the ego variable itself: the model's, not to be freed.
    tf.dispose(tensors.filter((tensor) => !(tensor instanceof tf.Variable)));
    this.propagated = { users: users as Float32Array, items: items as Float32Array, itemLayers, foldIns: new Map() };
    return this.propagated;
  }

  /**
   * The final vector of a known user, or of a new node linked to a history's items: layer k + 1 of that node is the
   * degree-normalised sum of the items' layer k, and its ego vector, which only training gives, is fitted to the
   * history (`foldInSteps` Adam steps on that user's term of the training loss, item vectors fixed, starting from zero,
   * or from the learned ego vector of the known user a `knownUser` query names (`foldInWarmStart`); with 0 steps the
   * mean runs over layers 1..K alone).
   */
  userVectors(queries: readonly ScoringQuery[]): Float32Array[] {
    const d = this.options.dimension;
    const { users, foldIns: cache } = this.final();
    const result: Float32Array[] = new Array(queries.length);
    const cold: { row: number; items: number[]; start: number | undefined }[] = [];
    queries.forEach((query, row) => {
      if (query.user !== undefined) result[row] = users.slice(query.user * d, (query.user + 1) * d);
      else cold.push({ row, items: [...new Set(query.history)], start: this.options.foldInWarmStart && this.options.foldInSteps > 0 ? query.knownUser : undefined });
    });
    if (cold.length === 0) return result;
    // A chat asks again with the same history until the user adds to it: fitted vectors are kept per set of items and
    // start (until the weights change), the most recently used `foldInCacheSize`.
    const keyOf = (entry: { items: number[]; start: number | undefined }) => `${this.options.foldInSteps}:${entry.start ?? ''}:${[...entry.items].sort((a, b) => a - b).join(',')}`;
    const missing = cold.filter((entry) => !cache.has(keyOf(entry)));
    const fitted = missing.length > 0 ? this.foldIn(missing.map((entry) => entry.items), missing.map((entry) => entry.start)) : [];
    missing.forEach((entry, index) => cache.set(keyOf(entry), fitted[index] as Float32Array));
    for (const entry of cold) {
      const key = keyOf(entry);
      const vector = cache.get(key) as Float32Array;
      cache.delete(key);
      cache.set(key, vector);
      result[entry.row] = vector.slice();
    }
    while (cache.size > foldInCacheSize) cache.delete(cache.keys().next().value as string);
    return result;
  }

  /** Final vectors of new nodes linked to each history's items, ego vectors starting from `starts`' learned ones or zero (see `userVectors`). */
  private foldIn(histories: number[][], starts: readonly (number | undefined)[] = []): Float32Array[] {
    const d = this.options.dimension;
    const layers = this.options.layers;
    const { items, itemLayers } = this.final();
    const { itemDegree, activeUsers } = this.graph();
    const n = this.data.itemIds.length;
    // Layers 1..K of each new node, summed: the propagated part of its final vector (before the mean over K + 1 layers).
    const propagated = histories.map((history) => {
      const vector = new Float32Array(d);
      for (let layer = 0; layer < layers; layer++) {
        const source = itemLayers[layer] as Float32Array;
        for (const item of history) {
          const weight = 1 / Math.sqrt(history.length * Math.max(1, itemDegree[item] as number));
          for (let k = 0; k < d; k++) vector[k] = (vector[k] as number) + weight * (source[item * d + k] as number);
        }
      }
      return vector;
    });
    if (this.options.foldInSteps <= 0) return propagated.map((vector) => vector.map((value) => value / layers));
    const targets = new Float32Array(histories.length * n);
    histories.forEach((history, row) => {
      for (const item of history) targets[row * n + item] = 1;
    });
    // The training loss is −(1/U)·Σ log p + l2·Σ e², so one user's share, times U, weighs its ego vector by U·l2.
    const penalty = this.options.l2 * activeUsers;
    const scale = 1 / (layers + 1);
    const start = starts.some((user) => user !== undefined) ? tf.tensor2d(this.learnedEgo(starts, histories.length), [histories.length, d]) : tf.zeros([histories.length, d]);
    const ego = tf.variable(start, true, `${this.name}/fold-in/${(foldInCounter += 1)}`);
    start.dispose();
    const optimizer = tf.train.adam(foldInRate);
    const constants = tf.tidy(() => ({
      base: tf.mul(tf.tensor2d(propagated.flatMap((vector) => Array.from(vector)), [histories.length, d]), scale),
      itemsT: tf.transpose(tf.tensor2d(items, [n, d])),
      targets: tf.tensor2d(targets, [histories.length, n]),
    }));
    try {
      for (let step = 0; step < this.options.foldInSteps; step++) {
        const loss = optimizer.minimize(() => {
          const vectors = tf.add(constants.base, tf.mul(ego, scale)) as tf.Tensor2D;
          const likelihood = tf.neg(tf.sum(tf.mul(constants.targets, tf.logSoftmax(matMulTransposeFree(vectors, constants.itemsT as tf.Tensor2D)))));
          return tf.add(likelihood, tf.mul(penalty, tf.sum(tf.square(ego)))) as tf.Scalar;
        }, false, [ego]);
        loss?.dispose();
      }
      const final = tf.tidy(() => tf.add(constants.base, tf.mul(ego, scale)));
      const values = final.dataSync() as Float32Array;
      final.dispose();
      return histories.map((history, row) => (history.length === 0 ? new Float32Array(d) : values.slice(row * d, (row + 1) * d)));
    } finally {
      optimizer.dispose();
      ego.dispose();
      tf.dispose([constants.base, constants.itemsT, constants.targets]);
    }
  }

  /** Rows of the learned user ego vectors of `users` (zero where undefined): a fold-in's warm start. */
  private learnedEgo(users: readonly (number | undefined)[], rows: number): Float32Array {
    const d = this.options.dimension;
    const learned = this.variable('userEmbedding').dataSync() as Float32Array;
    const values = new Float32Array(rows * d);
    for (let row = 0; row < rows; row++) {
      const user = users[row];
      if (user !== undefined) values.set(learned.subarray(user * d, (user + 1) * d), row * d);
    }
    return values;
  }

  override scoreQueries(queries: readonly ScoringQuery[]): Float32Array[] {
    const n = this.data.itemIds.length;
    const d = this.options.dimension;
    const vectors = this.userVectors(queries);
    const scores = tf.tidy(() => {
      const users = tf.tensor2d(vectors.flatMap((vector) => Array.from(vector)), [queries.length, d]);
      return tf.matMul(users, tf.transpose(tf.tensor2d(this.final().items, [n, d])));
    });
    const values = scores.dataSync() as Float32Array;
    scores.dispose();
    return queries.map((_, row) => values.slice(row * n, (row + 1) * n));
  }

  scoreQuery(query: ScoringQuery): Float32Array {
    return this.scoreQueries([query])[0] as Float32Array;
  }

  /** Final item vectors by item index (no biases: the score is a plain inner product). */
  itemVectors(): { vectors: Float32Array[]; biases: Float32Array } {
    const d = this.options.dimension;
    const { items } = this.final();
    return { vectors: this.data.itemIds.map((_, index) => items.slice(index * d, (index + 1) * d)), biases: new Float32Array(this.data.itemIds.length) };
  }

  protected exportState(): { config: Record<string, unknown>; weights: WeightMap } {
    return { config: { ...this.options }, weights: this.snapshot() };
  }

  protected importState(state: { config: Record<string, unknown>; weights: WeightMap }): void {
    checkVocabulary(this.data);
    // Every check before anything is replaced: a failed load leaves the model as it was.
    const settings = checkedSettings(this.name, settingsSchema, defaults, state.config, 'config');
    const d = settings.dimension;
    const weights = weightsOfShapes(state.weights, { userEmbedding: [this.data.userIds.length, d], itemEmbedding: [this.data.itemIds.length, d] });
    Object.assign(this.options, settings);
    this.variablesFromWeights(weights);
    this.propagated = undefined;
    // A loaded model is about to serve: its first query should not pay for the propagation.
    this.final();
  }

  override restore(weights: WeightMap): void {
    super.restore(weights);
    this.propagated = undefined;
  }

  /** Also drops the propagated vectors (a disposed model had kept serving them). */
  override dispose(): void {
    this.propagated = undefined;
    this.graphCache = undefined;
    super.dispose();
  }
}
