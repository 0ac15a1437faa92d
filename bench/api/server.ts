/**
 * The server side of the API benchmark, in its own process so the load generator does not share
 * its event loop: the main job's server (same data, model and stack as `npm start`) plus a bare
 * route, on one port. Prints `ready <port> <apiKey> <comma-separated user ids>`.
 */
import { parseArgs } from 'node:util';
import { loadConfig, scriptOptions } from '@personalab/core';
import { serve } from '@personalab/recommender';
import { candidateModelName, defaultCandidateModel, liveTensorCount } from '@personalab/user-embedding';
import { benchDatasetName, benchStateFolder } from './bench-server.js';

const { values } = parseArgs({ options: { dataset: { type: 'string', default: 'auto' }, state: { type: 'string', default: benchStateFolder('api-server') }, cache: { type: 'string', default: 'on' }, turns: { type: 'string', default: 'on' }, model: { type: 'string', default: defaultCandidateModel } } });
for (const [name, value] of [['--cache', values.cache], ['--turns', values.turns]] as const) {
  if (value !== 'on' && value !== 'off') {
    process.stderr.write(`error (invalid_argument): ${name} must be on or off, got ${JSON.stringify(value)}\n`);
    process.exit(2);
  }
}
const dataset = scriptOptions(() => benchDatasetName(values.dataset));
const apiKey = 'bench-key';
const config = loadConfig({
  PERSONALAB_STATE_DIR: values.state,
  PERSONALAB_API_KEYS: apiKey,
  // Far above what one process can serve (16.7 M/s): at 1,000,000 a minute a fast machine hit the limit mid-run
  // and the cached routes' rounds were counted with hundreds of thousands of 429s.
  PERSONALAB_RATE_LIMIT: '1000000000',
  PERSONALAB_LOG_LEVEL: 'warn',
  PERSONALAB_QUIET: '1',
  PERSONALAB_DATA_DIR: process.env.PERSONALAB_DATA_DIR,
});
const server = await serve({
  config,
  dataset,
  // A name the main job knows, else a clear error (a typo must not benchmark the default silently).
  model: candidateModelName(values.model, '--model'),
  port: 0,
  host: '127.0.0.1',
  quiet: true,
  // `--turns off`: heavy requests run as they arrive (bench/api/chat-fairness.ts measures what the turns change).
  eventLoopTurns: values.turns !== 'off',
  log: (line) => process.stderr.write(`[server] ${line}\n`),
  beforeListen: (app) => {
    // Public (outside /v1): no auth, no rate limit; the plainest route fastify can serve.
    app.get('/bench/bare', { schema: { hide: true } }, async () => ({ ok: true }));
    // The same hooks as the API (bearer key, rate limit, metrics), without the recommender.
    app.get('/v1/bench/bare', { schema: { hide: true } }, async () => ({ ok: true }));
  },
});
if (values.cache === 'off') server.service.chatRec.disableCache();
const users = server.service.store.database.prepare('SELECT id FROM users ORDER BY rowid').pluck().all() as string[];
process.stdout.write(`ready ${new URL(server.app.listeningOrigin).port} ${apiKey} ${users.join(',')}\n`);

/** How many of each kind (`TCPWrap`, `Timeout`, …) a list of names holds. */
const countByName = (names: readonly string[]) => names.reduce<Record<string, number>>((counts, name) => ({ ...counts, [name]: (counts[name] ?? 0) + 1 }), {});
/** Listeners on the process and on the HTTP server: a listener added per request or per connection would show here. */
const listenerCount = () => [process, server.app.server].reduce((sum, emitter) => sum + emitter.eventNames().reduce((count, name) => count + emitter.listenerCount(name), 0), 0);

// Over the IPC channel bench/api/soak.ts opens: what grows, read after a full collection (`--expose-gc`).
if (process.send) {
  process.on('message', (message: { type?: string; id?: number }) => {
    if (message.type === 'stats') {
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      // The per-user list cache is the pipeline's own (private): read here only to say what the heap holds. Its keys
      // are `user|k`, each entry made at a version of the user's events; a list whose version is no longer the user's is
      // never answered again (stale) and is replaced by the user's next plain request.
      const cache: unknown = Reflect.get(server.service.chatRec, 'cache');
      const entries = cache instanceof Map ? [...(cache as Map<string, { version: string }>).entries()] : [];
      const stale = entries.filter(([key, entry]) => entry.version !== server.service.store.versionOf(key.split('|').slice(0, -1).join('|'))).length;
      process.send?.({
        type: 'stats',
        id: message.id,
        rss: memory.rss,
        heapUsed: memory.heapUsed,
        external: memory.external,
        arrayBuffers: memory.arrayBuffers,
        tensors: liveTensorCount(),
        resources: countByName(process.getActiveResourcesInfo()),
        listeners: listenerCount(),
        cachedLists: cache instanceof Map ? cache.size : null,
        staleLists: cache instanceof Map ? stale : null,
      });
    } else if (message.type === 'catalogue') {
      process.send?.({ type: 'catalogue', id: message.id, items: [...server.service.catalog.values()].map((item) => ({ id: item.id, title: item.title, tags: item.tags, year: item.year })) });
    }
  });
}

// Closed as `personalab serve` closes on a signal: requests in flight finish, then the store is flushed and the state
// folder's server.lock removed. The process then ends by itself: a handle left open (a timer, a socket) would keep it
// running, so it is reported, and the process exits with 3 after 5 s if it is still up.
process.once('SIGTERM', () => {
  const started = performance.now();
  void server.close().then(() => {
    const closeMs = performance.now() - started;
    const left = countByName(process.getActiveResourcesInfo());
    process.stderr.write(`[server] closed in ${closeMs.toFixed(0)} ms; active resources left: ${JSON.stringify(left)}\n`);
    const exitSoon = () => {
      setTimeout(() => {
        process.stderr.write(`[server] still running 5 s after close (active: ${JSON.stringify(countByName(process.getActiveResourcesInfo()))}): exiting\n`);
        process.exit(3);
      }, 5000).unref();
    };
    if (process.send && process.connected) process.send({ type: 'closed', closeMs, resources: left }, () => (process.disconnect(), exitSoon()));
    else exitSoon();
  });
});
