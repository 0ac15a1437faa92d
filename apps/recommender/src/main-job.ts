import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  PersonalabError,
  createProgress,
  writeFileAtomic,
  type Interaction,
  type Item,
  type PersonalabConfig,
  type Recommender,
  type User,
} from '@personalab/core';
import { fetchDataset, findDataset, generateSyntheticWorld, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { candidateModelKey, defaultCandidateModel, describeCandidateModel, openCandidateModel, type CandidateModelName } from '@personalab/user-embedding';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.js';
import { RecommenderStore } from './store/store.js';
import { openRecommenderService, type RecommenderService } from './service.js';

/** Where the served data came from. */
export type DataSourceKind = 'movielens-100k' | 'synthetic';

export interface ServeOptions {
  config: PersonalabConfig;
  /** `--data-dir`. */
  dataDir?: string | undefined;
  /** `auto`: MovieLens 100K when present (fetched when online), else the synthetic world. */
  dataset?: 'auto' | DataSourceKind;
  /**
   * Fetches MovieLens 100K when it is missing and resolves to its folder; `false` never fetches.
   * Default: the official archive, checksummed, into the data directory (`./datasets` when none is set).
   */
  fetchMovieLens?: (() => Promise<string | undefined>) | false;
  port?: number;
  host?: string;
  /** Train the model even when a saved one matches the data. */
  retrain?: boolean;
  /**
   * The candidate model (`candidateModels` of @personalab/user-embedding): `context-ease` (default; context-EASE's
   * closed form, EASE with rating pages plus GF-CF's ideal low-pass, the best P1 ranker) or `page-ease` (EASE with
   * rating pages, about 2.5× faster to train). Both score in plain TypeScript.
   */
  model?: CandidateModelName;
  quiet?: boolean;
  /** Lines for the person running the command (stderr by default). */
  log?: (line: string) => void;
  /** Called with the app before it listens (benchmarks add a bare route here). */
  beforeListen?: (app: FastifyInstance) => void | Promise<void>;
}

export interface RunningServer {
  app: FastifyInstance;
  service: RecommenderService;
  url: string;
  apiKey: string;
  source: DataSourceKind;
  close(): Promise<void>;
}

interface StateMeta {
  source: DataSourceKind;
  detail: string;
}

/** Picks and loads the data to serve: MovieLens 100K if present or fetchable, else the synthetic world. */
async function loadSource(options: ServeOptions, log: (line: string) => void): Promise<{ meta: StateMeta; users: User[]; items: Item[]; interactions: Interaction[] }> {
  const wanted = options.dataset ?? 'auto';
  if (wanted !== 'synthetic') {
    let directory = findDataset('movielens-100k', { dataDir: options.dataDir, environmentDataDir: options.config.dataDir });
    const fetcher = options.fetchMovieLens === undefined ? defaultFetcher(options) : options.fetchMovieLens;
    if (directory === undefined && fetcher) {
      log('MovieLens 100K is not here; trying to fetch it from grouplens.org…');
      try {
        directory = await fetcher();
      } catch (error) {
        log(`could not fetch it (${(error as Error).message}): offline?`);
      }
    }
    if (directory !== undefined) {
      const data = await loadMovieLens100k(directory);
      log(`data: MovieLens 100K from ${directory} (${data.users.length} users, ${data.items.length} items, ${data.ratings.length} ratings)`);
      return { meta: { source: 'movielens-100k', detail: directory }, users: data.users, items: data.items, interactions: data.ratings };
    }
    if (wanted === 'movielens-100k') throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k')}`);
    log(`data: MovieLens 100K not found and not fetched (${howToGet('movielens-100k')}); using the synthetic world instead`);
  }
  const world = generateSyntheticWorld({ seed: 42, users: 200, items: 400, ratingsPerUser: 30 });
  log(`data: synthetic world, seed 42 (${world.users.length} users, ${world.items.length} items, ${world.ratings.length} ratings)`);
  return { meta: { source: 'synthetic', detail: 'seed 42' }, users: world.users, items: world.items, interactions: world.ratings };
}

/** Downloads MovieLens 100K into the data directory with a progress bar; gives up after 60 s. */
function defaultFetcher(options: ServeOptions): () => Promise<string | undefined> {
  return async () => {
    const dataDirectory = options.dataDir ?? options.config.dataDir ?? 'datasets';
    let bar: ReturnType<typeof createProgress> | undefined;
    try {
      const result = await fetchDataset('movielens-100k', {
        dataDirectory,
        signal: AbortSignal.timeout(60_000),
        onProgress: (received, total) => {
          bar ??= createProgress({ label: 'downloading MovieLens 100K', total: total ?? 5_000_000, quiet: options.quiet ?? false });
          bar.update(received);
        },
      });
      return result.directory;
    } finally {
      bar?.stop();
    }
  };
}

/** The API key: from the config, or one generated on first start and kept in the state directory. */
function apiKeys(config: PersonalabConfig, stateDir: string): string[] {
  if (config.server.apiKeys.length > 0) return config.server.apiKeys;
  const path = join(stateDir, 'api-key');
  // Readable by the owner only (keys written by older versions were 0644).
  if (existsSync(path)) {
    chmodSync(path, 0o600);
    return [readFileSync(path, 'utf8').trim()];
  }
  const key = randomBytes(18).toString('base64url');
  writeFileAtomic(path, `${key}\n`, { mode: 0o600 });
  return [key];
}

/** Trains the candidate model on the store's ratings, or loads the saved one if the data has not changed. */
async function trainOrLoad(store: RecommenderStore, stateDir: string, options: ServeOptions, log: (line: string) => void): Promise<{ recommender: Recommender; itemIds: Set<string> }> {
  const interactions = store.allRatings();
  const items = store.listItems();
  const kind = options.model ?? defaultCandidateModel;
  // The settings are part of the signature, so a model saved with other settings is retrained; the
  // ratings are hashed whole, since a newer rating replacing an older one keeps their count.
  const digest = createHash('sha256');
  for (const rating of interactions) digest.update(`${rating.userId}\t${rating.itemId}\t${rating.kind === 'rating' ? rating.value : rating.event}\t${rating.timestamp}\n`);
  const signature = `${interactions.length}:${items.length}:${digest.digest('hex').slice(0, 16)}:${candidateModelKey(kind)}`;
  const directory = join(stateDir, 'model');
  const metaPath = join(directory, 'data.json');
  const recommender = await openCandidateModel(kind, { preferred: options.config.tfBackend, log });
  const label = describeCandidateModel(kind);
  const itemIds = new Set(items.map((item) => item.id));
  if (!options.retrain && existsSync(metaPath)) {
    try {
      const saved = JSON.parse(readFileSync(metaPath, 'utf8')) as { signature?: string };
      if (saved.signature === signature) {
        await recommender.load(directory);
        log(`model: loaded ${label} from ${directory}`);
        return { recommender, itemIds };
      }
      log('model: the data or the model settings changed since the saved model; retraining');
    } catch (error) {
      log(`model: the saved model could not be loaded (${(error as Error).message}); retraining`);
    }
  }
  const progress = createProgress({ label: `training ${kind}`, total: 3, quiet: options.quiet ?? false, fields: ['step'] });
  progress.update(0, { step: 'interaction matrix' });
  const started = Date.now();
  progress.update(1, { step: 'closed-form solve' });
  await recommender.fit({ interactions, items }, { quiet: true });
  progress.update(2, { step: 'saving' });
  await recommender.save(directory);
  writeFileAtomic(metaPath, JSON.stringify({ signature, trainedAt: new Date().toISOString() }));
  progress.update(3, { step: 'done' });
  progress.stop();
  log(`model: trained ${label} on ${interactions.length} ratings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { recommender, itemIds };
}

/**
 * The main job: pick the data (MovieLens 100K, fetched when possible, else the synthetic world),
 * seed the store on first start, train or load the model, open the item index, and listen.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const { config } = options;
  const stateDir = join(config.stateDir, 'recommender');
  const metaPath = join(stateDir, 'state.json');

  // Seed the store on first start; afterwards it is the source of truth (events added through the API included).
  let meta: StateMeta;
  let model: { recommender: Recommender; itemIds: Set<string> };
  const store = new RecommenderStore({ path: join(stateDir, 'recommender.db') });
  try {
    if (store.itemCount() === 0 || !existsSync(metaPath)) {
      const source = await loadSource(options, log);
      store.importDataset(source);
      meta = source.meta;
      writeFileAtomic(metaPath, JSON.stringify(meta));
    } else {
      meta = JSON.parse(readFileSync(metaPath, 'utf8')) as StateMeta;
      log(`data: ${meta.source === 'synthetic' ? 'synthetic world' : 'MovieLens 100K'} (${meta.detail}), from the store in ${stateDir}: ${store.userCount()} users, ${store.itemCount()} items, ${store.eventCount()} events`);
    }
    model = await trainOrLoad(store, stateDir, options, log);
  } finally {
    store.close();
  }

  const chatModel = createChatModelFromConfig(config);
  log(chatModel ? `LLM: ${config.llm.chatModel} at ${config.llm.baseURL ?? 'api.openai.com'} re-ranks and explains (offline fallback on failure)` : 'LLM: none configured; offline re-ranking and explanations');
  let bar: ReturnType<typeof createProgress> | undefined;
  const service = await openRecommenderService({
    stateDir,
    createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 4096 }),
    recommender: model.recommender,
    modelItemIds: model.itemIds,
    profileExtractor: new HeuristicProfileExtractor(),
    chatModel,
    onIndexProgress: (done, total) => {
      bar ??= createProgress({ label: 'indexing items', total, quiet: options.quiet ?? false });
      bar.update(done);
    },
  });
  bar?.stop();
  log(`item index: ${service.indexStatus.status}${service.indexStatus.reason ? ` (${service.indexStatus.reason})` : ''}, ${service.textIndex.size} items`);

  const keys = apiKeys(config, stateDir);
  const app = await buildApp({ ...service, apiKeys: keys, rateLimitPerMinute: config.server.rateLimitPerMinute, logLevel: config.server.logLevel === 'info' ? 'warn' : config.server.logLevel });
  await options.beforeListen?.(app);
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  const address = await app.listen({ host, port });
  const apiKey = keys[0] as string;
  const url = `${address}/#key=${encodeURIComponent(apiKey)}`;
  return {
    app,
    service,
    url,
    apiKey,
    source: meta.source,
    close: async () => {
      await app.close();
      service.close();
    },
  };
}
