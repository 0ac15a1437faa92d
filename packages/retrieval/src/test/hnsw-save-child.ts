// A separate process that saves an HnswIndex (used by hnsw-index-crash.e2e.test.ts).
// `loop <directory>`: saves 100 vectors, adds the rest, prints "ready", then saves all again and again until killed.
// `grow <directory>`: saves 100 vectors, then tries to save all of them; prints the second save's outcome as JSON.
import { PersonalabError, createRandom } from '@personalab/core';
import { HnswIndex } from '../hnsw-index.js';

const [mode, directory] = process.argv.slice(2) as [string, string];
const dimension = mode === 'grow' ? 2048 : 256;
const count = mode === 'grow' ? 400 : 4000;
const random = createRandom(3);
const records = Array.from({ length: count }, (_, position) => ({ id: `v${position}`, vector: Float32Array.from({ length: dimension }, () => random.normal()) }));
const index = new HnswIndex({ dimension, metric: 'l2', m: 4, efConstruction: 10 });
index.add(records.slice(0, 100));
await index.save(directory);
index.add(records);
if (mode === 'loop') {
  process.stdout.write('ready\n');
  for (;;) await index.save(directory);
} else {
  try {
    await index.save(directory);
    process.stdout.write(JSON.stringify({ saved: true }) + '\n');
  } catch (error) {
    process.stdout.write(JSON.stringify({ saved: false, code: PersonalabError.is(error) ? error.code : undefined, message: (error as Error).message }) + '\n');
  }
}
