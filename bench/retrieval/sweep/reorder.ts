// Parameter sweep, step 2: renumber saved graphs breadth-first (what HnswIndex.optimize does), writing NAME-bfs.bin beside each.
//   npx tsx bench/retrieval/sweep/reorder.ts /tmp/hnsw-exp/isotropic-m16-efc200-given.bin
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { PersonalabError, runScript } from '@personalab/core';
import { reorderHnswFile } from '../../../packages/retrieval/src/hnsw-layout.js';
await runScript(() => {
  const files = process.argv.slice(2);
  if (files.length === 0) throw new PersonalabError('invalid_argument', 'usage: reorder.ts GRAPH.bin…; name at least one saved graph (build.ts writes them under /tmp/hnsw-exp)');
  for (const file of files) {
    if (!existsSync(file) || !file.endsWith('.bin')) throw new PersonalabError('not_found', `${file}: no such graph file (a .bin that build.ts wrote)`);
    const started = performance.now();
    const output = reorderHnswFile(readFileSync(file));
    writeFileSync(file.replace(/\.bin$/, '-bfs.bin'), output);
    console.log(file, ((performance.now() - started) / 1000).toFixed(2), 's');
  }
});
