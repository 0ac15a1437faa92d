// Parameter sweep, step 1: build a raw hnswlib-node graph (variant, M, efConstruction, insertion order "given" or "cluster") and save it under /tmp/hnsw-exp.
//   npx tsx --conditions=development bench/retrieval/sweep/build.ts isotropic 16 200 given
import { mkdirSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { PersonalabError, parseInteger, scriptOptions } from '@personalab/core';
import { clusteredVectors } from '@personalab/retrieval';
const { variant, m, efConstruction, order } = scriptOptions(() => {
  const [variant = '', mText = '', efcText = '', order = 'given'] = process.argv.slice(2);
  if (variant !== 'isotropic' && variant !== 'subspace') throw new PersonalabError('invalid_argument', `usage: build.ts isotropic|subspace M EFC [given|cluster]; the variant must be isotropic or subspace, got ${JSON.stringify(variant)}`);
  if (order !== 'given' && order !== 'cluster') throw new PersonalabError('invalid_argument', `the insertion order must be given or cluster, got ${JSON.stringify(order)}`);
  return { variant, m: parseInteger('M', mText, { min: 2 }), efConstruction: parseInteger('EFC', efcText, { min: 1 }), order };
});
mkdirSync('/tmp/hnsw-exp', { recursive: true });
const count = 100_000, dimension = 64;
const generator = variant === 'subspace' ? { clusters: 100, spread: 0.35, intrinsicDimension: 8, seed: 42 } : { clusters: 100, spread: 0.35, seed: 42 };
const set = clusteredVectors({ ...generator, count: count + 1000, dimension });
const rows = Array.from({ length: count }, (_, row) => row);
if (order === 'cluster') rows.sort((a, b) => set.cluster[a]! - set.cluster[b]! || a - b);
const index = new hnswlib.HierarchicalNSW('l2', dimension);
index.initIndex({ maxElements: count, m, efConstruction, randomSeed: 100 });
const started = process.cpuUsage(); const wall = performance.now();
const point = new Array<number>(dimension).fill(0);
for (const row of rows) { const v = set.row(row); for (let i = 0; i < dimension; i++) point[i] = v[i]!; index.addPoint(point, row); }
const usage = process.cpuUsage(started);
const cpu = (usage.user + usage.system) / 1e6;
const file = `/tmp/hnsw-exp/${variant}-m${m}-efc${efConstruction}-${order}.bin`;
index.writeIndexSync(file);
console.log(JSON.stringify({ file, cpu, wall: (performance.now() - wall) / 1000 }));
