// A recommender server in its own process, for the kill -9 test: opens the state directory in
// argv[2], listens on a free port, and prints `listening <port>` once it accepts requests.
import { HnswIndex } from '@personalab/retrieval';
import { buildApp } from '../http/app.js';
import { openRecommenderService } from '../service.js';
import { testKey, tinyEmbedder } from './harness.js';
import { tinyWorld } from './tiny-catalogue.js';

const stateDir = process.argv[2];
if (stateDir === undefined) throw new Error('usage: durable-server.ts STATE_DIR');
const service = await openRecommenderService({
  stateDir,
  embedder: tinyEmbedder(),
  createIndex: (dimension) => new HnswIndex({ dimension }),
  initialData: tinyWorld(),
});
const app = await buildApp({ ...service, apiKeys: [testKey], rateLimitPerMinute: 1_000_000 });
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${new URL(address).port}\n`);
