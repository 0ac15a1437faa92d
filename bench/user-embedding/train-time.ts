/**
 * Training time on MovieLens-100K with the wasm backend: the sequential two-tower model and BPR-MF
 * to their best validation epoch (early stopping on a 90/10 per-user split), with examples/s; EASE's
 * closed-form fit for scale. Usage: npx tsx --conditions=development bench/user-embedding/train-time.ts [--quick]
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { markdownTable, writeResults } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import { BprRecommender, EaseRecommender, SequentialTwoTowerRecommender, selectBackend } from '@personalab/user-embedding';

const quick = process.argv.includes('--quick');
const directory = findDataset('movielens-100k');
if (!directory) {
  console.error(`movielens-100k not found: ${howToGet('movielens-100k')}`);
  process.exit(1);
}
const backend = await selectBackend({ preferred: 'wasm' });
const data = await loadMovieLens100k(directory);
const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed: 42 });
const input = { interactions: train, items: data.items, users: data.users };
const rows: { model: string; secondsToBest: number; bestEpoch: number; epochsRun: number; totalSeconds: number; examplesPerSecond: number; validationNdcg: number; load: number[] }[] = [];

const ease = new EaseRecommender({ lambda: 500 });
let started = performance.now();
await ease.fit(input);
const easeSeconds = (performance.now() - started) / 1000;
rows.push({ model: 'ease (closed form, λ=500)', secondsToBest: easeSeconds, bestEpoch: 0, epochsRun: 0, totalSeconds: easeSeconds, examplesPerSecond: train.length / easeSeconds, validationNdcg: Number.NaN, load: loadavg() });

for (const model of [new SequentialTwoTowerRecommender({ epochs: quick ? 4 : 30, patience: 4 }), new BprRecommender({ epochs: quick ? 4 : 40, patience: 3 })]) {
  started = performance.now();
  await model.fit(input, { validation: test, quiet: true });
  const summary = model.summary;
  if (!summary) throw new Error('no training summary');
  rows.push({
    model: model.name,
    secondsToBest: summary.secondsToBest,
    bestEpoch: summary.bestEpoch,
    epochsRun: summary.epochs.length,
    totalSeconds: summary.totalSeconds,
    examplesPerSecond: summary.examplesPerSecond,
    validationNdcg: summary.bestMetric,
    load: loadavg(),
  });
  console.error(`${model.name}: best epoch ${summary.bestEpoch} after ${summary.secondsToBest.toFixed(1)} s, ${summary.examplesPerSecond.toFixed(0)} examples/s`);
  model.dispose();
}

const markdown = [
  `# Training time on MovieLens-100K (tfjs ${backend.name}${quick ? ', quick' : ''})`,
  '',
  `90/10 per-user split of all 100,000 ratings, early stopping on validation NDCG@10. Target: best model to its best epoch in ≤ 120 s.`,
  `The machine has 2 cores shared with other engineers' jobs; the 1-minute load average after each run is listed (load > 2 means we had a fraction of the cores).`,
  '',
  markdownTable(
    ['model', 'seconds to best epoch', 'best epoch', 'epochs run', 'total seconds', 'examples/s', 'validation NDCG@10', 'load avg (1 min)'],
    rows.map((row) => [
      row.model,
      row.secondsToBest.toFixed(1),
      String(row.bestEpoch),
      String(row.epochsRun),
      row.totalSeconds.toFixed(1),
      row.examplesPerSecond.toFixed(0),
      Number.isNaN(row.validationNdcg) ? '–' : row.validationNdcg.toFixed(4),
      (row.load[0] ?? 0).toFixed(1),
    ]),
  ),
  '',
  'examples/s: training examples per second of training time (two-tower: users per step; BPR: triples; EASE: ratings fitted per second of the closed form).',
].join('\n');
writeResults(join(process.cwd(), 'bench', 'results', 'user-embedding'), quick ? 'train-time-quick' : 'train-time', { json: { backend: backend.name, quick, rows }, markdown });
console.log(markdown);
