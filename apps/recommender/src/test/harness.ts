import { createManualClock, createSequentialIds, type ChatModel, type Clock, type Interaction, type Item, type User } from '@personalab/core';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { type HashingEmbedder, HnswIndex } from '@personalab/retrieval';
import { EaseRecommender, pageEaseOptions } from '@personalab/user-embedding';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../http/app.js';
import type { IdempotencyOptions } from '../http/idempotency.js';
import { itemTextEmbedder } from '../pipeline/item-text-index.js';
import { openRecommenderService, type RecommenderService, type RecommenderServiceOptions } from '../service.js';
import { tinyWorld } from './tiny-catalogue.js';

export const testKey = 'test-key-0123456789';

export interface TinyService {
  service: RecommenderService;
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The text embedder the tests use: hashing, IDF fitted on the catalogue's texts (the tiny one's unless given, as the main job fits it on its catalogue). */
export function tinyEmbedder(items: readonly Item[] = tinyWorld().items): HashingEmbedder {
  return itemTextEmbedder(items, 64);
}

/**
 * The recommender over a real catalogue (MovieLens 100K as `loadMovieLens100k` reads it) in memory: HNSW item index, the
 * heuristic profile extractor, popularity and text candidates, and the model when given (`recommender`, `modelItemIds`).
 */
export function openCatalogueService(
  data: { users: User[]; items: Item[]; ratings: Interaction[] },
  options: Pick<RecommenderServiceOptions, 'recommender' | 'modelItemIds'> = {},
): Promise<RecommenderService> {
  return openRecommenderService({
    stateDir: ':memory:',
    createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 2048 }),
    ...options,
    profileExtractor: new HeuristicProfileExtractor(),
    initialData: { users: data.users, items: data.items, interactions: data.ratings },
  });
}

/**
 * `openCatalogueService` with a model that fits in about a second: page-EASE over the 400 most rated films and every
 * western (seed 42), as the real-catalogue conversation tests of users with many ratings use it.
 */
export async function openCatalogueServiceWithModel(data: { users: User[]; items: Item[]; ratings: Interaction[] }): Promise<RecommenderService> {
  const counts = new Map<string, number>();
  for (const rating of data.ratings) counts.set(rating.itemId, (counts.get(rating.itemId) ?? 0) + 1);
  const known = new Set([...counts].sort((a, b) => b[1] - a[1]).slice(0, 400).map(([id]) => id));
  for (const item of data.items) if (item.tags.includes('Western')) known.add(item.id);
  const recommender = new EaseRecommender(pageEaseOptions);
  const interactions = data.ratings.filter((rating) => known.has(rating.itemId));
  await recommender.fit({ interactions, items: data.items.filter((item) => known.has(item.id)), users: data.users }, { seed: 42, quiet: true });
  return openCatalogueService(data, { recommender, modelItemIds: known });
}

/**
 * One user's chat over a service, as the conversation tests hold it: `say` goes on in the current session, `again` starts
 * the next; each turn with its recommended items. The user is created unless `existing` (a MovieLens user of the store).
 */
export function chatVisits(service: RecommenderService, userId: string, options: { existing?: boolean } = {}) {
  if (options.existing !== true) service.store.createUser({ id: userId });
  let sessionId: string | undefined;
  const say = async (message: string) => {
    const turn = await service.chatRec.chat({ userId, message, k: 5, ...(sessionId ? { sessionId } : {}) });
    sessionId = turn.sessionId;
    return { ...turn, items: turn.recommendations.map((entry) => entry.item) };
  };
  const again = (message: string) => {
    sessionId = undefined;
    return say(message);
  };
  return { say, again, userId };
}

/**
 * The recommender over the tiny catalogue, with the real pieces: EASE candidates, HNSW item
 * index over hashing embeddings, the heuristic profile extractor; an LLM only when given.
 */
export async function openTinyService(
  options: {
    stateDir?: string;
    chatModel?: ChatModel;
    rateLimitPerMinute?: number;
    bodyLimitBytes?: number;
    llmStepDeadlineMs?: number;
    llmCircuit?: RecommenderServiceOptions['llmCircuit'];
    clock?: Clock;
    idempotency?: IdempotencyOptions;
    logLevel?: string;
    logStream?: { write(line: string): void };
    requestTimeoutMs?: number;
    /** Another small catalogue and its users (default `tinyWorld()`), for a test that needs a structure of its own. */
    world?: { users: User[]; items: Item[]; interactions: Interaction[] };
    /** Passed to the service (the offline re-ranker and the candidate generator's places for stated genres). */
    reranker?: RecommenderServiceOptions['reranker'];
    statedSlots?: number;
    statedHalfAt?: number;
  } = {},
): Promise<TinyService> {
  const world = options.world ?? tinyWorld();
  const recommender = new EaseRecommender({ lambda: 5 });
  await recommender.fit({ interactions: world.interactions, items: world.items, users: world.users });
  const service = await openRecommenderService({
    stateDir: options.stateDir ?? ':memory:',
    embedder: tinyEmbedder(world.items),
    createIndex: (dimension) => new HnswIndex({ dimension }),
    recommender,
    modelItemIds: new Set(world.items.map((item) => item.id)),
    profileExtractor: new HeuristicProfileExtractor(),
    chatModel: options.chatModel,
    ...(options.reranker === undefined ? {} : { reranker: options.reranker }),
    ...(options.statedSlots === undefined ? {} : { statedSlots: options.statedSlots }),
    ...(options.statedHalfAt === undefined ? {} : { statedHalfAt: options.statedHalfAt }),
    ...(options.llmStepDeadlineMs === undefined ? {} : { llmStepDeadlineMs: options.llmStepDeadlineMs }),
    ...(options.llmCircuit === undefined ? {} : { llmCircuit: options.llmCircuit }),
    initialData: world,
    clock: options.clock ?? createManualClock(1_700_000_000_000),
    ids: createSequentialIds('id'),
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      ...service,
      apiKeys: [testKey, 'second-key'],
      rateLimitPerMinute: options.rateLimitPerMinute ?? 10_000,
      ...(options.bodyLimitBytes === undefined ? {} : { bodyLimitBytes: options.bodyLimitBytes }),
      ...(options.idempotency === undefined ? {} : { idempotency: options.idempotency }),
      ...(options.logLevel === undefined ? {} : { logLevel: options.logLevel }),
      ...(options.logStream === undefined ? {} : { logStream: options.logStream }),
      ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
    });
  } catch (error) {
    // Options the app refuses (tests of them) leave no store open.
    service.close();
    throw error;
  }
  return {
    service,
    app,
    close: async () => {
      await app.close();
      service.close();
    },
  };
}

export const auth = { authorization: `Bearer ${testKey}` };
