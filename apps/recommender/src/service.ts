import { join } from 'node:path';
import type { ChatModel, Clock, Embedder, IdGenerator, Interaction, Item, ProfileExtractor, Recommender, User, VectorIndex } from '@personalab/core';
import { Metrics } from './http/metrics.js';
import { CandidateGenerator } from './pipeline/candidate-generator.js';
import { ChatRec } from './pipeline/chat-rec.js';
import { ItemCatalog } from './pipeline/item-catalog.js';
import { ItemTextIndex, itemTextEmbedder, type OpenResult } from './pipeline/item-text-index.js';
import { LlmConstraintReader } from './pipeline/llm-constraints.js';
import { LlmExplainer } from './pipeline/llm-explainer.js';
import { LlmReranker } from './pipeline/llm-reranker.js';
import { OfflineExplainer } from './pipeline/offline-explainer.js';
import { OfflineReranker } from './pipeline/offline-reranker.js';
import { RecommenderStore } from './store/store.js';
import type { Reranker } from './pipeline/types.js';

export interface RecommenderServiceOptions {
  /** Folder for `recommender.db` and the item index; `:memory:` keeps everything in memory. */
  stateDir: string;
  /** Text embedder for items and for what users say; default `itemTextEmbedder` over the store's items (hashing, IDF fitted on their texts). */
  embedder?: Embedder | undefined;
  /** Makes an empty vector index (HNSW) of a dimension. */
  createIndex: (dimension: number) => VectorIndex;
  /** The trained candidate model, and the items it knows. */
  recommender?: Recommender | undefined;
  modelItemIds?: ReadonlySet<string> | undefined;
  profileExtractor?: ProfileExtractor | undefined;
  /** With a chat model, re-ranking, explanations and chit-chat go through the LLM (offline on failure). */
  chatModel?: ChatModel | undefined;
  /** Weight of profile fit in the offline re-ranker. */
  profileWeight?: number;
  /** Replaces the offline re-ranker (experiments pass tuned weights). */
  reranker?: Reranker | undefined;
  candidateCount?: number;
  /** The least rating that seeds the model's query (default 3; see `CandidateGeneratorOptions.minSeedRating`). */
  minSeedRating?: number;
  /** Keep what the user asked for across a chat session's turns (default true; false is the ablation). */
  sessionConstraints?: boolean;
  /** The most one LLM step of a chat turn may take before the offline path answers (ChatRec's `llmStepDeadlineMs`). */
  llmStepDeadlineMs?: number;
  clock?: Clock;
  ids?: IdGenerator;
  onIndexProgress?: (done: number, total: number) => void;
  /** Imported when the store has no items yet (a fresh state directory). */
  initialData?: { users: readonly User[]; items: readonly Item[]; interactions: readonly Interaction[] } | undefined;
}

/** Everything the API needs, opened and ready. */
export interface RecommenderService {
  store: RecommenderStore;
  catalog: ItemCatalog;
  textIndex: ItemTextIndex;
  chatRec: ChatRec;
  metrics: Metrics;
  /** Whether the item index was loaded from disk or rebuilt from the store (and why). */
  indexStatus: OpenResult;
  /** Closes the store. */
  close(): void;
}

/** Opens the store, loads (or rebuilds) the item index and assembles the Chat-Rec pipeline. */
export async function openRecommenderService(options: RecommenderServiceOptions): Promise<RecommenderService> {
  const inMemory = options.stateDir === ':memory:';
  const store = new RecommenderStore({
    path: inMemory ? ':memory:' : join(options.stateDir, 'recommender.db'),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ids ? { ids: options.ids } : {}),
  });
  if (options.initialData && store.itemCount() === 0) store.importDataset(options.initialData);
  const items = store.listItems();
  const catalog = new ItemCatalog(items);
  catalog.setPopularity(store.likeCounts());
  const textIndex = new ItemTextIndex({ embedder: options.embedder ?? itemTextEmbedder(items), createIndex: options.createIndex, directory: inMemory ? undefined : join(options.stateDir, 'item-index') });
  const indexStatus = await textIndex.open(items, options.onIndexProgress);
  const metrics = new Metrics();
  const candidates = new CandidateGenerator({
    recommender: options.recommender,
    modelItemIds: options.modelItemIds,
    textIndex,
    getItem: (id) => catalog.get(id),
    popular: () => catalog.popular(),
    ...(options.minSeedRating === undefined ? {} : { minSeedRating: options.minSeedRating }),
  });
  const reranker = options.reranker ?? new OfflineReranker(options.profileWeight === undefined ? {} : { profileWeight: options.profileWeight });
  const explainer = new OfflineExplainer();
  const llm = options.chatModel
    ? {
        model: options.chatModel,
        reranker: new LlmReranker({ model: options.chatModel, fallback: reranker }),
        explainer: new LlmExplainer({ model: options.chatModel }),
        constraints: new LlmConstraintReader({ model: options.chatModel }),
      }
    : undefined;
  const chatRec = new ChatRec({
    store,
    catalog,
    candidates,
    reranker,
    explainer,
    llm,
    profileExtractor: options.profileExtractor,
    ...(options.candidateCount === undefined ? {} : { candidateCount: options.candidateCount }),
    ...(options.sessionConstraints === undefined ? {} : { sessionConstraints: options.sessionConstraints }),
    ...(options.llmStepDeadlineMs === undefined ? {} : { llmStepDeadlineMs: options.llmStepDeadlineMs }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ids ? { ids: options.ids } : {}),
    onFallback: (step) => metrics.increment('personalab_llm_fallbacks_total', { step }),
  });
  return { store, catalog, textIndex, chatRec, metrics, indexStatus, close: () => store.close() };
}
