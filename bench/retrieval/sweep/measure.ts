// Parameter sweep, step 3: recall@10 and CPU-time q/s of saved graphs (direct hnswlib-node, reused query array) against ExactIndex, all interleaved in the same rounds; also the local intrinsic dimensionality (MLE) of the set.
//   [ROUNDS=5] npx tsx --conditions=development bench/retrieval/sweep/measure.ts isotropic 16,24,32 /tmp/hnsw-exp/a.bin /tmp/hnsw-exp/b.bin
//   (ROUNDS: interleaved timing rounds per ef, a positive integer, default 5)
import { existsSync } from 'node:fs';
import hnswlib from 'hnswlib-node';
import { PersonalabError, parseInteger, parseIntegerList, scriptOptions } from '@personalab/core';
import { ExactIndex, clusteredVectors, scoreRecallAtK } from '@personalab/retrieval';
import { interleavedSets } from '../timing.js';
const { variant, efs, files, rounds } = scriptOptions(() => {
  const [variant = '', efList = '', ...files] = process.argv.slice(2);
  if (variant !== 'isotropic' && variant !== 'subspace') throw new PersonalabError('invalid_argument', `usage: measure.ts isotropic|subspace EF[,EF…] GRAPH.bin…; the variant must be isotropic or subspace, got ${JSON.stringify(variant)}`);
  if (files.length === 0) throw new PersonalabError('invalid_argument', 'name at least one saved graph (build.ts writes them under /tmp/hnsw-exp)');
  const missing = files.find((file) => !existsSync(file));
  if (missing !== undefined) throw new PersonalabError('not_found', `${missing}: no such graph file (build.ts writes them under /tmp/hnsw-exp)`);
  // ROUNDS=abc had run NaN rounds.
  return { variant, efs: parseIntegerList('EF', efList, { min: 1 }), files, rounds: parseInteger('ROUNDS', process.env.ROUNDS ?? '5', { min: 1 }) };
});
const count = 100_000, dimension = 64, queryCount = 1000;
const generator = variant === 'subspace' ? { clusters: 100, spread: 0.35, intrinsicDimension: 8, seed: 42 } : { clusters: 100, spread: 0.35, seed: 42 };
const set = clusteredVectors({ ...generator, count: count + queryCount, dimension });
const exact = new ExactIndex({ dimension, metric: 'l2', initialCapacity: count });
const records = Array.from({ length: count }, (_, row) => ({ id: String(row), vector: set.row(row) }));
exact.add(records);
const queries = Array.from({ length: queryCount }, (_, index) => set.row(count + index));
const truth20 = queries.map((query) => exact.search(query, { k: 20 }));
const truth = truth20.map((hits) => hits.slice(0, 10));
// Local intrinsic dimensionality, Levina–Bickel MLE over the 20 nearest neighbours (Euclidean distances).
const lid = (k: number) => {
  let inverseSum = 0; const perQuery: number[] = [];
  for (const hits of truth20) {
    const distances = hits.slice(0, k).map((hit) => Math.sqrt(-hit.score));
    const last = distances[k - 1]!;
    let sum = 0; for (let i = 0; i < k - 1; i++) sum += Math.log(last / distances[i]!);
    const inverse = sum / (k - 1); inverseSum += inverse; perQuery.push(1 / inverse);
  }
  perQuery.sort((a, b) => a - b);
  return { aggregated: 1 / (inverseSum / truth20.length), median: perQuery[perQuery.length >> 1] };
};
console.log(`${variant}: LID(k=10) ${JSON.stringify(lid(10))} LID(k=20) ${JSON.stringify(lid(20))}`);
const reused = new Array<number>(dimension).fill(0);
const positions = [...queries.keys(), ...queries.keys()];
const indexes = files.map((file) => { const index = new hnswlib.HierarchicalNSW('l2', dimension); index.readIndexSync(file); return { file: file.replace('/tmp/hnsw-exp/', '').replace('.bin', ''), index }; });
for (const ef of efs) {
  const contenders: Record<string, { queries: readonly unknown[]; action: (query: never) => unknown }> = {};
  const recalls: Record<string, number> = {};
  for (const { file, index } of indexes) {
    index.setEf(ef);
    const found = queries.map((query) => index.searchKnn(Array.from(query), 10).distances.map((distance) => ({ score: -distance })));
    recalls[file] = scoreRecallAtK(truth, found, 10);
    contenders[file] = { queries: positions, action: (position: number) => { const q = queries[position]!; for (let i = 0; i < dimension; i++) reused[i] = q[i]!; index.setEf(ef); return index.searchKnn(reused, 10); } };
  }
  contenders.exact = { queries: queries.slice(0, 40), action: (query: Float32Array) => exact.search(query, { k: 10 }) };
  const rates = interleavedSets(contenders, rounds);
  for (const { file } of indexes) {
    const rate = rates[file]!.cpu;
    console.log(`${file} ef=${ef} recall ${recalls[file]!.toFixed(4)} ${rate.toFixed(0)} q/s exact ${rates.exact!.cpu.toFixed(0)} × ${(rate / rates.exact!.cpu).toFixed(1)} (µs/query ${(1e6 / rate).toFixed(0)})`);
  }
}
