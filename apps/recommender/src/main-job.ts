import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  PersonalabError,
  createProgress,
  formatZodError,
  processIsAlive,
  writeFileAtomic,
  type Interaction,
  type Item,
  type PersonalabConfig,
  type User,
} from '@personalab/core';
import { fetchDataset, findDataset, generateSyntheticWorld, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { createChatModelFromConfig } from '@personalab/llm';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { candidateModelKey, defaultCandidateModel, describeCandidateModel, openCandidateModel, type BaseRecommender, type CandidateModelName } from '@personalab/user-embedding';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildApp } from './http/app.js';
import { loadSavedModel } from './saved-model.js';
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
   * closed form, EASE with rating pages plus GF-CF's ideal low-pass), `page-ease` (EASE with rating pages, about 2.5×
   * faster to train), both scored in plain TypeScript, or `context-ease+lightgcn` (the closed form blended with a tfjs
   * LightGCN: the best P1 ranker, about 45 s more training on MovieLens 100K).
   */
  model?: CandidateModelName;
  /**
   * Serve the model saved in this folder (`personalab train --out`; any kind `loadRecommender` loads, score blends
   * included) instead of training one: loaded as it is, never retrained or written. Every item it scores must be in
   * the store's catalogue (a model trained on other data is refused); catalogue items it lacks reach users through
   * the pipeline's other sources. Not with `model` or `retrain`.
   */
  modelDir?: string;
  quiet?: boolean;
  /** Lines for the person running the command (stderr by default). */
  log?: (line: string) => void;
  /** Called with the app before it listens (benchmarks add a bare route here). */
  beforeListen?: (app: FastifyInstance) => void | Promise<void>;
  /** Heavy requests take event-loop turns (default true; `false` for the benchmark that measures them: AppOptions). */
  eventLoopTurns?: boolean;
  /**
   * Stops the start (a SIGTERM while the data loads or the model trains): checked between its steps, after which the
   * start rejects with a `cancelled` error, having closed what it opened and removed the lock, and never listens.
   */
  signal?: AbortSignal;
}

export interface RunningServer {
  app: FastifyInstance;
  service: RecommenderService;
  /** Where a browser on this machine reaches the server (`http://127.0.0.1:3000`; loopback when it listens on every interface). */
  origin: string;
  /** The chat page: `origin` with the API key in the fragment. */
  url: string;
  apiKey: string;
  source: DataSourceKind;
  /**
   * Stops listening, lets requests in flight finish, then closes the store and the lock. A connection still open
   * after `graceMs` (default 10 s: a client that stalls half-way through sending its request) is dropped, so a
   * stop never hangs; a second call with a shorter `graceMs` (`0`: at once) shortens the wait of the first.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** How long a stop waits for requests in flight before it drops their connections. */
export const defaultShutdownGraceMs = 10_000;

/** `state.json`: which data seeded the store (read on every later start, to say what is served). */
const stateMetaSchema = z.object({ source: z.enum(['movielens-100k', 'synthetic']), detail: z.string() });
type StateMeta = z.infer<typeof stateMetaSchema>;

/** The state directory's `state.json`, or a one-line `corrupt_file` error naming it and saying how to recover. */
function readStateMeta(path: string): StateMeta {
  const recover = 'it records which data seeded the store: delete it and start with the --dataset the store was seeded from (the store keeps its data)';
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PersonalabError('corrupt_file', `${path}: not JSON (${(error as Error).message}); ${recover}`, { cause: error, details: { file: path } });
  }
  const result = stateMetaSchema.safeParse(parsed);
  if (!result.success) throw new PersonalabError('corrupt_file', `${path}: ${formatZodError(result.error)}; ${recover}`, { details: { file: path } });
  return result.data;
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
    if (wanted === 'movielens-100k') throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k', { dataDir: options.dataDir })}`);
    log(`data: MovieLens 100K not found and not fetched (${howToGet('movielens-100k', { dataDir: options.dataDir })}); using the synthetic world instead`);
  }
  const world = generateSyntheticWorld({ seed: 42, users: 200, items: 400, ratingsPerUser: 30 });
  log(`data: synthetic world, seed 42 (${world.users.length} users, ${world.items.length} items, ${world.ratings.length} ratings)`);
  return { meta: { source: 'synthetic', detail: 'seed 42' }, users: world.users, items: world.items, interactions: world.ratings };
}

/**
 * Fails early, before any data or model work, when the port cannot be bound (another server holds it, or it
 * needs privileges): the check binds and releases it at once. Port 0 (any free port) needs no check.
 */
async function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((done, fail) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) => fail(listenError(error, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => done()));
  });
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') return new PersonalabError('conflict', `port ${port} on ${host} is in use (another server?): stop it, or choose another port with --port or $PORT`, { cause: error });
  if (error.code === 'EACCES') return new PersonalabError('permission_denied', `port ${port} on ${host} needs privileges: choose a port above 1023 with --port or $PORT`, { cause: error });
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') return new PersonalabError('invalid_argument', `cannot listen on ${host}: not an address of this machine (--host or $PERSONALAB_HOST)`, { cause: error });
  return error;
}

/** The lock files this process holds: another lock naming this process's id is a previous run's (see lockStateDirectory). */
const heldLocks = new Set<string>();

/** This boot of the machine (Linux), so a lock written before a reboot is known stale whatever process now has its id. */
function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * One server per state directory: a lock file holding the server's process id, created exclusively. A second
 * server on the same directory would retrain and overwrite the first one's model and index under it, so it is
 * refused; a lock left by a process that no longer runs (a crash) is taken over. So is one naming this very process
 * that this process does not hold, and one written before the machine last booted: a container restarted after a
 * SIGKILL runs as the same process id (1) with the old lock on its volume, and had been refused for good.
 */
function lockStateDirectory(stateDir: string): () => void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const path = join(stateDir, 'server.lock');
  const boot = bootId();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const descriptor = openSync(path, 'wx');
      writeSync(descriptor, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), ...(boot === undefined ? {} : { bootId: boot }) }));
      closeSync(descriptor);
      heldLocks.add(path);
      return () => {
        heldLocks.delete(path);
        rmSync(path, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: unknown; bootId?: unknown } = {};
      try {
        holder = JSON.parse(readFileSync(path, 'utf8')) as typeof holder;
      } catch {
        // Unreadable (cut short by a crash while written): stale.
      }
      const { pid } = holder;
      const sameBoot = boot === undefined || typeof holder.bootId !== 'string' || holder.bootId === boot;
      const runs = typeof pid === 'number' && sameBoot && (pid === process.pid ? heldLocks.has(path) : processIsAlive(pid));
      if (runs) {
        throw new PersonalabError('conflict', `another personalab server (process ${pid}) is serving from ${stateDir}: stop it first, or give this one its own state with PERSONALAB_STATE_DIR`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new PersonalabError('conflict', `could not take the server lock ${path}: another server is starting from the same state directory`);
}


/**
 * The state directory is its owner's alone: it holds the users' ratings and chat messages (`recommender.db`) beside the
 * key. It had been created 0755 with the database 0644, readable by every user of the machine; an older one is tightened.
 */
function makePrivate(stateDir: string, log: (line: string) => void): void {
  try {
    chmodSync(stateDir, 0o700);
  } catch (error) {
    log(`could not make ${stateDir} private to its owner (${(error as Error).message}): other users of this machine may read its data`);
  }
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

/**
 * The origin a browser on this machine opens for a listening address: an unspecified one (every interface: `0.0.0.0`,
 * `::`) is reached through loopback. The page had been printed as `http://[::]:3000/` and the docs as
 * `http://0.0.0.0:3000/docs`, which some browsers and systems do not open. `::` takes IPv4 too (dual stack).
 */
function browsableOrigin(address: string): string {
  const url = new URL(address);
  if (url.hostname === '0.0.0.0' || url.hostname === '[::]') url.hostname = '127.0.0.1';
  return url.origin;
}

/** A key a client can send as `Authorization: Bearer <key>`: visible ASCII, no spaces. */
const sendableKey = /^[\x21-\x7e]+$/;

/**
 * The API key: from the config, or one generated on first start and kept in the state directory. An emptied file gets
 * a new key (it had been served as the key "", which no request could send); a key no client can send as
 * `Authorization: Bearer <key>` (spaces, other lines, non-ASCII) is refused, naming the file.
 */
function apiKeys(config: PersonalabConfig, stateDir: string, log: (line: string) => void): string[] {
  const configured = config.server.apiKeys;
  for (const [index, key] of configured.entries()) {
    if (!sendableKey.test(key)) throw new PersonalabError('config_error', `PERSONALAB_API_KEYS: key ${index + 1} of ${configured.length} must be one word of visible ASCII characters (keys are sent as Authorization: Bearer <key>, separated by commas here)`);
  }
  if (configured.length > 0) return configured;
  const path = join(stateDir, 'api-key');
  // Readable by the owner only (keys written by older versions were 0644).
  if (existsSync(path)) {
    chmodSync(path, 0o600);
    const saved = readFileSync(path, 'utf8').trim();
    if (sendableKey.test(saved)) return [saved];
    if (saved !== '') {
      throw new PersonalabError('config_error', `${path}: the API key must be one word of visible ASCII characters (it is sent as Authorization: Bearer <key>); fix it, or delete the file to have a new one generated`);
    }
    log(`${path} was empty: generated a new API key`);
  }
  const key = randomBytes(18).toString('base64url');
  writeFileAtomic(path, `${key}\n`, { mode: 0o600 });
  return [key];
}

/** Trains the candidate model on the store's ratings, or loads the saved one if the data has not changed. */
async function trainOrLoad(store: RecommenderStore, stateDir: string, options: ServeOptions, log: (line: string) => void): Promise<{ recommender: BaseRecommender; itemIds: Set<string> }> {
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
  progress.update(1, { step: 'fitting' });
  await recommender.fit({ interactions, items }, { quiet: true });
  progress.update(2, { step: 'saving' });
  await recommender.save(directory);
  writeFileAtomic(metaPath, JSON.stringify({ signature, trainedAt: new Date().toISOString() }));
  progress.update(3, { step: 'done' });
  progress.stop();
  log(`model: trained ${label} on ${interactions.length} ratings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { recommender, itemIds };
}

/** Loads `--model-dir`'s model for the store's catalogue (refused when it scores items the catalogue lacks). */
async function loadModelDir(directory: string, store: RecommenderStore, meta: StateMeta, options: ServeOptions, log: (line: string) => void): Promise<{ recommender: BaseRecommender; itemIds: Set<string> }> {
  const catalogue = { ids: new Set(store.listItems().map((item) => item.id)), name: meta.source === 'synthetic' ? `the synthetic world, ${meta.detail}` : `MovieLens 100K from ${meta.detail}` };
  const saved = await loadSavedModel(directory, catalogue, { preferredBackend: options.config.tfBackend, log });
  const lacking = saved.unknownToModel === 0 ? '' : `; ${saved.unknownToModel} of the catalogue's ${catalogue.ids.size} items are not in it and reach users through text, genre and popularity`;
  log(`model: loaded ${saved.description} from ${saved.directory} (--model-dir: ${saved.itemIds.size} items, ${saved.recommender.userIds.length} users; served as saved, not retrained, nothing written to it${lacking})`);
  return { recommender: saved.recommender, itemIds: saved.itemIds };
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
  const host = options.host ?? config.server.host;
  const port = options.port ?? config.server.port;
  if (options.modelDir !== undefined && (options.model !== undefined || options.retrain)) {
    const other = options.model !== undefined ? `--model ${options.model}` : '--retrain';
    throw new PersonalabError('invalid_argument', `--model-dir serves the saved model as it is: it does not go with ${other} (leave --model-dir out to train the server's own model)`);
  }
  await checkPortFree(host, port);
  const unlock = lockStateDirectory(stateDir);
  makePrivate(stateDir, log);
  try {
    // Before any data or model work: a key no client can send is refused at once.
    const keys = apiKeys(config, stateDir, log);
    return await start(options, { stateDir, metaPath, host, port, log, unlock, keys });
  } catch (error) {
    unlock();
    throw error;
  }
}

async function start(
  options: ServeOptions,
  where: { stateDir: string; metaPath: string; host: string; port: number; log: (line: string) => void; unlock: () => void; keys: string[] },
): Promise<RunningServer> {
  const { stateDir, metaPath, host, port, log, unlock, keys } = where;
  const { config } = options;
  const stopIfAsked = () => {
    if (options.signal?.aborted) throw new PersonalabError('cancelled', 'stopped while starting, before serving');
  };
  // Seed the store on first start; afterwards it is the source of truth (events added through the API included).
  let meta: StateMeta;
  let model: { recommender: BaseRecommender; itemIds: Set<string> };
  const store = new RecommenderStore({ path: join(stateDir, 'recommender.db') });
  try {
    if (store.itemCount() === 0 || !existsSync(metaPath)) {
      const source = await loadSource(options, log);
      store.importDataset(source);
      meta = source.meta;
      writeFileAtomic(metaPath, JSON.stringify(meta));
    } else {
      meta = readStateMeta(metaPath);
      log(`data: ${meta.source === 'synthetic' ? 'synthetic world' : 'MovieLens 100K'} (${meta.detail}), from the store in ${stateDir}: ${store.userCount()} users, ${store.itemCount()} items, ${store.eventCount()} events`);
      if (options.dataDir !== undefined || options.dataset === 'movielens-100k' || options.dataset === 'synthetic') {
        log(`(the store was seeded on its first start and is the data from then on: --data-dir and --dataset are not read; a new PERSONALAB_STATE_DIR starts over)`);
      }
    }
    stopIfAsked();
    model = options.modelDir === undefined ? await trainOrLoad(store, stateDir, options, log) : await loadModelDir(options.modelDir, store, meta, options, log);
  } finally {
    store.close();
  }
  // The model is this server's from here: freed when the start fails after it, and when the server closes.
  let served = false;
  try {
    stopIfAsked();
    const chatModel = createChatModelFromConfig(config);
    log(
      chatModel
        ? `LLM: ${config.llm.chatModel} at ${config.llm.baseURL ?? 'api.openai.com'} re-ranks and explains (offline fallback on failure, or after ${config.server.llmStepDeadlineMs / 1000} s a step: PERSONALAB_CHAT_LLM_DEADLINE_MS; after ${config.server.llmCircuit.failureThreshold} failed steps in a row the LLM is skipped for ${config.server.llmCircuit.cooldownMs / 1000} s: PERSONALAB_CHAT_LLM_CIRCUIT_*)`
        : 'LLM: none configured; offline re-ranking and explanations',
    );
    let bar: ReturnType<typeof createProgress> | undefined;
    const service = await openRecommenderService({
      stateDir,
      createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 4096 }),
      recommender: model.recommender,
      modelItemIds: model.itemIds,
      profileExtractor: new HeuristicProfileExtractor(),
      chatModel,
      llmStepDeadlineMs: config.server.llmStepDeadlineMs,
      llmCircuit: config.server.llmCircuit,
      // A dead endpoint had cost every chat turn its steps' retries (about 13 s with a refused connection).
      onLlmCircuitChange: (change) =>
        log(
          change.state === 'open'
            ? `LLM: circuit open (${change.previous === 'half-open' ? 'the probe failed' : 'steps failed in a row'}: ${change.cause instanceof Error ? change.cause.message : String(change.cause)}); chat turns answer offline without waiting for ${change.cooldownMs / 1000} s, then one step probes`
            : 'LLM: the probe step was answered; circuit closed, chat turns use the LLM again',
        ),
      onIndexProgress: (done, total) => {
        bar ??= createProgress({ label: 'indexing items', total, quiet: options.quiet ?? false });
        bar.update(done);
      },
    });
    bar?.stop();
    log(`item index: ${service.indexStatus.status}${service.indexStatus.reason ? ` (${service.indexStatus.reason})` : ''}, ${service.textIndex.size} items`);

    // The log goes to stderr: stdout carries the start banner only (a reader of it that goes away takes no log with it).
    const app = await buildApp({ ...service, apiKeys: keys, rateLimitPerMinute: config.server.rateLimitPerMinute, idempotency: { ttlMs: config.server.idempotencyTtlMs, maxKeysPerCaller: config.server.idempotencyMaxKeys }, logLevel: config.server.logLevel === 'info' ? 'warn' : config.server.logLevel, logStream: process.stderr, eventLoopTurns: options.eventLoopTurns ?? true });
    if (options.signal?.aborted) {
      await app.close();
      service.close();
      stopIfAsked();
    }
    await options.beforeListen?.(app);
    let address: string;
    try {
      address = await app.listen({ host, port });
    } catch (error) {
      await app.close();
      service.close();
      throw listenError(error as NodeJS.ErrnoException, host, port);
    }
    const apiKey = keys[0] as string;
    const origin = browsableOrigin(address);
    const url = `${origin}/#key=${encodeURIComponent(apiKey)}`;
    let closing: Promise<void> | undefined;
    let closed = false;
    let deadline: NodeJS.Timeout | undefined;
    let deadlineAt = Infinity;
    // app.close() waits for every open request, and a client that never finishes sending one would hold it forever.
    const dropConnectionsAfter = (graceMs: number) => {
      if (closed || Date.now() + graceMs >= deadlineAt) return;
      deadlineAt = Date.now() + graceMs;
      clearTimeout(deadline);
      deadline = setTimeout(() => app.server.closeAllConnections(), graceMs);
    };
    const running: RunningServer = {
      app,
      service,
      origin,
      url,
      apiKey,
      source: meta.source,
      close: (closeOptions = {}) => {
        dropConnectionsAfter(closeOptions.graceMs ?? defaultShutdownGraceMs);
        closing ??= (async () => {
          try {
            await app.close();
          } finally {
            closed = true;
            clearTimeout(deadline);
            service.close();
            model.recommender.dispose();
            unlock();
          }
        })();
        return closing;
      },
    };
    served = true;
    return running;
  } finally {
    if (!served) model.recommender.dispose();
  }
}
