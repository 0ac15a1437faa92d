import { join } from 'node:path';
import type { ChatModel, Clock, Embedder, IdGenerator, Interaction, Item, ProfileExtractor, Recommender, User, VectorIndex } from '@personalab/core';
import { Metrics } from './http/metrics.js';
import { CandidateGenerator } from './pipeline/candidate-generator.js';
import { ChatRec } from './pipeline/chat-rec.js';
import { ItemCatalog } from './pipeline/item-catalog.js';
import { ItemTextIndex, itemTextEmbedder, type OpenResult } from './pipeline/item-text-index.js';
import { LlmCircuitBreaker, type CircuitChange, type CircuitState, type LlmCircuitBreakerOptions } from './pipeline/llm-circuit-breaker.js';
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
  /** Candidate places kept for the model's best films of the genres a user said they like (see `CandidateGeneratorOptions.statedSlots`; 0 turns them off). */
  statedSlots?: number;
  /** The number of films a user likes or watched at which those places are halved (see `CandidateGeneratorOptions.statedHalfAt`). */
  statedHalfAt?: number;
  /** Keep what the user asked for across a chat session's turns (default true; false is the ablation). */
  sessionConstraints?: boolean;
  /** The most one LLM step of a chat turn may take before the offline path answers (ChatRec's `llmStepDeadlineMs`). */
  llmStepDeadlineMs?: number;
  /**
   * The circuit breaker of the chat's LLM steps (only with a chat model): after `failureThreshold` (3) steps in a row
   * failed within `windowMs` (60 s) with the endpoint unreachable, a 5xx, a 429 or a timeout, LLM steps are skipped
   * for `cooldownMs` (30 s), then one probe is let through. `false` turns it off (every step is tried). Its clock is
   * `clock`'s unless given.
   */
  llmCircuit?: Omit<LlmCircuitBreakerOptions, 'onStateChange'> | false | undefined;
  /** Called when the circuit opens or closes (the main job logs it). */
  onLlmCircuitChange?: ((change: CircuitChange) => void) | undefined;
  clock?: Clock;
  ids?: IdGenerator;
  onIndexProgress?: (done: number, total: number) => void;
  /** Imported when the store has no items yet (a fresh state directory). */
  initialData?: { users: readonly User[]; items: readonly Item[]; interactions: readonly Interaction[] } | undefined;
}

/** `personalab_llm_circuit_state`'s value for each state. */
const circuitGaugeValue: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };

/** Everything the API needs, opened and ready. */
export interface RecommenderService {
  store: RecommenderStore;
  catalog: ItemCatalog;
  textIndex: ItemTextIndex;
  chatRec: ChatRec;
  metrics: Metrics;
  /** The LLM steps' circuit breaker; undefined without a chat model or with `llmCircuit: false`. */
  llmCircuit: LlmCircuitBreaker | undefined;
  /** Whether the item index was loaded from disk or rebuilt from the store (and why). */
  indexStatus: OpenResult;
  /** Closes the store. */
  close(): void;
}

/** Opens the store, loads (or rebuilds) the item index and assembles the Chat-Rec pipeline. */
export async function openRecommenderService(options: RecommenderServiceOptions): Promise<RecommenderService> {
  // Before the store opens: settings it refuses leave nothing open.
  const llmCircuit =
    options.chatModel && options.llmCircuit !== false
      ? new LlmCircuitBreaker({ ...(options.clock ? { clock: options.clock } : {}), ...options.llmCircuit, onStateChange: options.onLlmCircuitChange })
      : undefined;
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
  // Ratings and events written through the API (or read from chat) change it: recounted for the items they name.
  catalog.trackPopularity({ changes: () => store.takeLikeChanges(), counts: (ids) => store.likeCountsOf(ids), all: () => store.likeCounts() });
  // Who likes what, read on the first genre request (not at start): how typical of a genre each film is.
  catalog.trackAudiences({ likedPairs: () => store.likedPairs() });
  const textIndex = new ItemTextIndex({ embedder: options.embedder ?? itemTextEmbedder(items), createIndex: options.createIndex, directory: inMemory ? undefined : join(options.stateDir, 'item-index') });
  const indexStatus = await textIndex.open(items, options.onIndexProgress);
  const metrics = new Metrics();
  const candidates = new CandidateGenerator({
    recommender: options.recommender,
    modelItemIds: options.modelItemIds,
    textIndex,
    getItem: (id) => catalog.get(id),
    popular: () => catalog.popular(),
    likeCounts: () => catalog.likes(),
    genreTypicality: (id, stem) => catalog.genreTypicality(id, stem),
    ...(options.minSeedRating === undefined ? {} : { minSeedRating: options.minSeedRating }),
    ...(options.statedSlots === undefined ? {} : { statedSlots: options.statedSlots }),
    ...(options.statedHalfAt === undefined ? {} : { statedHalfAt: options.statedHalfAt }),
  });
  metrics.gauge('personalab_llm_circuit_state', 'Circuit breaker of the chat LLM steps: 0 closed (LLM used, or none configured), 1 half-open (next step probes), 2 open (LLM skipped)', () =>
    circuitGaugeValue[llmCircuit?.state ?? 'closed'],
  );
  metrics.define('personalab_llm_circuit_skips_total', 'counter', 'LLM steps skipped while the circuit was open, answered offline');
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
    llmCircuit,
    onCircuitSkip: (step) => metrics.increment('personalab_llm_circuit_skips_total', { step }),
  });
  return { store, catalog, textIndex, chatRec, metrics, llmCircuit, indexStatus, close: () => store.close() };
}
