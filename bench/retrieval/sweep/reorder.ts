// Parameter sweep, step 2: renumber saved graphs breadth-first (what HnswIndex.optimize does), writing NAME-bfs.bin beside each.
//   npx tsx bench/retrieval/sweep/reorder.ts /tmp/hnsw-exp/isotropic-m16-efc200-given.bin
import { readFileSync, writeFileSync } from 'node:fs';
import { reorderHnswFile } from '../../../packages/retrieval/src/hnsw-layout.js';
for (const file of process.argv.slice(2)) {
  const started = performance.now();
  const output = reorderHnswFile(readFileSync(file));
  writeFileSync(file.replace('.bin', '-bfs.bin'), output);
  console.log(file, ((performance.now() - started) / 1000).toFixed(2), 's');
}
