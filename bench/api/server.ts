/**
 * The server side of the API benchmark, in its own process so the load generator does not share
 * its event loop: the main job's server (same data, model and stack as `npm start`) plus a bare
 * route, on one port. Prints `ready <port> <apiKey> <comma-separated user ids>`.
 */
import { parseArgs } from 'node:util';
import { loadConfig, scriptOptions } from '@personalab/core';
import { serve } from '@personalab/recommender';
import { candidateModelName, defaultCandidateModel } from '@personalab/user-embedding';
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
// Closed as `personalab serve` closes on a signal: the store flushed and the state folder's server.lock removed.
process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
