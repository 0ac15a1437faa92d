/**
 * Training time on MovieLens-100K with the wasm backend. The best P1 model, context-ease (EASE with rating-session
 * context and a tfjs-learned combiner, early stopping on its own holdout of the training part), timed from the
 * start of fit to the end of its best epoch, closed forms included, with examples/s; EASE's closed-form fit for
 * scale. `--all` adds the sequential two-tower model, BPR-MF and LightGCN (early stopping on a 90/10 per-user split).
 * Usage: npx tsx --conditions=development bench/user-embedding/train-time.ts [--quick] [--all] [--out DIR]
 * Only the headline run (`--all`, not --quick) writes bench/results/user-embedding; any other run writes
 * under $PERSONALAB_STATE_DIR/bench/user-embedding-partial unless --out is given.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, markdownTable, resultsDirectory, runScript, scriptCommand, writeResults } from '@personalab/core';
import { stratifiedSplit } from '@personalab/datasets';
import { BprRecommender, ContextEaseRecommender, EaseRecommender, LightGcnRecommender, SequentialTwoTowerRecommender } from '@personalab/user-embedding';
import { movieLensOnWasm } from './movielens.js';

await runScript(async () => {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const { quick, all } = values;
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(process.cwd(), 'bench', 'results', 'user-embedding'),
    changed: changedOptions({ quick, all }, { quick: false, all: true }),
    name: 'bench/user-embedding-partial',
  });
  const { data, backend } = await movieLensOnWasm();
  // The P1 training part of seed 42 (Recommenders' rows): what the best model is trained on in the experiment.
  const p1Train = stratifiedSplit(data.ratings, { ratio: 0.75, seed: 42, shuffle: 'numpy' }).train;
  const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.9, seed: 42 });
  const rows: { model: string; data: string; secondsToBest: number; bestEpoch: number; epochsRun: number; totalSeconds: number; examplesPerSecond: number; validationNdcg: number; load: number[] }[] = [];

  let started = performance.now();
  const ease = new EaseRecommender({ lambda: 500 });
  await ease.fit({ interactions: p1Train, items: data.items, users: data.users });
  const easeSeconds = (performance.now() - started) / 1000;
  rows.push({ model: 'ease (closed form, λ=500)', data: 'P1 train (75 %)', secondsToBest: easeSeconds, bestEpoch: 0, epochsRun: 0, totalSeconds: easeSeconds, examplesPerSecond: p1Train.length / easeSeconds, validationNdcg: Number.NaN, load: loadavg() });
  console.error(`ease: ${easeSeconds.toFixed(1)} s`);

  // λ 300: what the P1 experiment chooses for context-ease on the inner split.
  const context = new ContextEaseRecommender(quick ? { epochs: 4, easeLambda: 300 } : { easeLambda: 300 });
  await context.fit({ interactions: p1Train, items: data.items, users: data.users }, { seed: 42, quiet: true });
  if (!context.summary || !context.timings) throw new Error('no training summary');
  rows.push({
    model: 'context-ease (best P1 model)',
    data: 'P1 train (75 %), own 80/20 holdout',
    secondsToBest: context.timings.secondsToBest,
    bestEpoch: context.summary.bestEpoch,
    epochsRun: context.summary.epochs.filter((record) => record.epoch > 0).length,
    totalSeconds: context.timings.totalSeconds,
    examplesPerSecond: context.summary.examplesPerSecond,
    validationNdcg: context.summary.bestMetric,
    load: loadavg(),
  });
  const gate = context.gate;
  console.error(`context-ease: best epoch ${context.summary.bestEpoch} after ${context.timings.secondsToBest.toFixed(1)} s (fit ${context.timings.totalSeconds.toFixed(1)} s), ${context.summary.examplesPerSecond.toFixed(0)} examples/s`);
  context.dispose();

  if (all) {
    const input = { interactions: train, items: data.items, users: data.users };
    for (const model of [new SequentialTwoTowerRecommender({ epochs: quick ? 4 : 30, patience: 4 }), new BprRecommender({ epochs: quick ? 4 : 40, patience: 3 }), new LightGcnRecommender({ epochs: quick ? 4 : 40 })]) {
      started = performance.now();
      await model.fit(input, { validation: test, quiet: true });
      const summary = model.summary;
      if (!summary) throw new Error('no training summary');
      rows.push({
        model: model.name,
        data: 'all ratings, 90/10',
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
  }

  const markdown = [
    `# Training time on MovieLens-100K (tfjs ${backend.name}${quick ? ', quick' : ''})`,
    '',
    'Target: the best model to its best epoch in ≤ 120 s. context-ease: seconds from the start of `fit` to the end of its best epoch (inner split, EASE and',
    'session closed forms on the input part, combiner epochs); total = plus the refit of the closed forms on the whole training part (a usable model).',
    `The machine has 2 cores shared with other engineers' jobs; the 1-minute load average after each run is listed (load > 2 means we had a fraction of the cores).`,
    '',
    markdownTable(
      ['model', 'data', 'seconds to best epoch', 'best epoch', 'epochs run', 'total seconds', 'examples/s', 'validation NDCG@10', 'load avg (1 min)'],
      rows.map((row) => [
        row.model,
        row.data,
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
    'examples/s: training examples per second of training time (context-ease: users per combiner step; two-tower: users per step; BPR: triples; LightGCN: users per full-batch step, 25 steps an epoch; EASE: ratings fitted per second of the closed form).',
    'context-ease validation NDCG@10 is on its own held-out users (20 % of each user’s training items), not comparable to the 90/10 rows.',
    `context-ease gate (users outside training and stopping; epoch 0 against the best epoch): ${JSON.stringify(gate)}. When it keeps epoch 0, the usable model is the page-augmented EASE and the total seconds are what matters.`,
    '',
    `Command: \`${scriptCommand('bench/user-embedding/train-time.ts')}\``,
  ].join('\n');
  const written = writeResults(outputDirectory, quick ? 'train-time-quick' : 'train-time', { json: { backend: backend.name, quick, rows }, markdown });
  console.log(markdown);
  console.error(`wrote ${written.join(', ')}`);
});
