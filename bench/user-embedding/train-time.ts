/**
 * Training time on MovieLens-100K with the wasm backend. The served closed form, context-ease (EASE with rating-session
 * context and a tfjs-learned combiner, early stopping on its own holdout of the training part), timed from the
 * start of fit to the end of its best epoch, closed forms included, with examples/s; EASE's closed-form fit for
 * scale. `--all` adds the sequential two-tower model, BPR-MF, LightGCN (early stopping on a 90/10 per-user split) and the
 * best P1 model, context-EASE + LightGCN as P1 builds it for one seed.
 * Usage: npx tsx --conditions=development bench/user-embedding/train-time.ts [--quick] [--all] [--out DIR]
 * Only the headline run (`--all`, not --quick) writes bench/results/user-embedding; any other run writes
 * under $PERSONALAB_STATE_DIR/bench/user-embedding-partial unless --out is given.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, machineLine, markdownTable, resultsDirectory, runHeader, runScript, scriptCommand, writeResults } from '@personalab/core';
import { stratifiedSplit } from '@personalab/datasets';
import { BprRecommender, chooseLightGcnWeight, ContextEaseRecommender, EaseRecommender, LightGcnRecommender, ScoreBlendRecommender, SequentialTwoTowerRecommender } from '@personalab/user-embedding';
import { movieLensOnWasm } from './movielens.js';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, all: { type: 'boolean', default: false }, out: { type: 'string' } } });
  const { quick, all } = values;
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '..', 'results', 'user-embedding'),
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

  // λ 300, the served setting (P1 chooses 500 on its inner split since session 7; λ does not change the time).
  const context = new ContextEaseRecommender(quick ? { epochs: 4, easeLambda: 300 } : { easeLambda: 300 });
  await context.fit({ interactions: p1Train, items: data.items, users: data.users }, { seed: 42, quiet: true });
  if (!context.summary || !context.timings) throw new Error('no training summary');
  rows.push({
    model: 'context-ease',
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

  // The best P1 model as P1 builds it for one seed: context-EASE (above), LightGCN early-stopped on the inner 90/10
  // split and refitted on the whole training part for that many epochs, LightGCN's weight chosen on the inner split
  // beside context-EASE's closed form fitted there.
  const inner = stratifiedSplit(p1Train, { ratio: 0.9, seed: 1042 });
  const innerInput = { interactions: inner.train, items: data.items, users: data.users };
  const innerGcn = new LightGcnRecommender(quick ? { epochs: 4 } : {});
  await innerGcn.fit(innerInput, { validation: inner.test, seed: 42, quiet: true });
  const gcnSummary = innerGcn.summary;
  if (!gcnSummary) throw new Error('no training summary');
  started = performance.now();
  const choice = await chooseLightGcnWeight(innerGcn, 500, innerInput, inner.test, 42);
  const choiceSeconds = (performance.now() - started) / 1000;
  innerGcn.dispose();
  started = performance.now();
  const refit = new LightGcnRecommender({ epochs: Math.max(1, gcnSummary.bestEpoch) });
  await refit.fit({ interactions: p1Train, items: data.items, users: data.users }, { seed: 42, quiet: true });
  const blend = ScoreBlendRecommender.of([context, refit], [1, choice.weight]);
  await blend.recommend({ userId: p1Train[0]?.userId as string, k: 10 });
  const refitSeconds = (performance.now() - started) / 1000;
  // To the best epoch: context-EASE's whole fit, LightGCN to its best epoch on the inner split, and the weight choice
  // (a usable blend, its LightGCN trained on 90 % of each history); total: plus LightGCN's epochs past its best and its
  // refit on the whole training part (the model P1 scores), as context-ease's total adds its refit.
  const blendParts = { contextEaseSeconds: context.timings.totalSeconds, lightgcnToBestSeconds: gcnSummary.secondsToBest, lightgcnInnerSeconds: gcnSummary.totalSeconds, weightChoiceSeconds: choiceSeconds, lightgcnRefitSeconds: refitSeconds };
  rows.push({
    model: 'context-ease+lightgcn (best P1 model)',
    data: 'P1 train (75 %), inner 90/10, LightGCN refit',
    secondsToBest: blendParts.contextEaseSeconds + blendParts.lightgcnToBestSeconds + blendParts.weightChoiceSeconds,
    bestEpoch: gcnSummary.bestEpoch,
    epochsRun: gcnSummary.epochs.length + gcnSummary.bestEpoch,
    totalSeconds: blendParts.contextEaseSeconds + blendParts.lightgcnInnerSeconds + blendParts.weightChoiceSeconds + blendParts.lightgcnRefitSeconds,
    examplesPerSecond: gcnSummary.examplesPerSecond,
    validationNdcg: choice.ndcg.find((entry) => entry.weight === choice.weight)?.ndcg ?? Number.NaN,
    load: loadavg(),
  });
  console.error(`context-ease+lightgcn: LightGCN best epoch ${gcnSummary.bestEpoch}, weight ${choice.weight}; ${JSON.stringify(blendParts)}`);
  refit.dispose();
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
    ...runHeader({
      command: scriptCommand('bench/user-embedding/train-time.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; the 1-minute load average after each run is listed (load > ${cpus().length} means we had a fraction of the cores).`,
    }),
    'Target: the best model to its best epoch in ≤ 120 s. context-ease: seconds from the start of `fit` to the end of its best epoch (inner split, EASE and',
    'session closed forms on the input part, combiner epochs); total = plus the refit of the closed forms on the whole training part (a usable model).',
    'context-ease+lightgcn (the best P1 model, built as P1 builds it for seed 42): to best = context-ease\'s whole fit + LightGCN to its best epoch on the inner',
    '90/10 split + context-EASE\'s closed form on that split and the weight choice (a usable blend); total = plus LightGCN\'s epochs past its best (patience) and its',
    'refit on the whole training part for its best epoch count (the model P1 scores). Its examples/s are LightGCN\'s (users per full-batch step), its validation NDCG@10 the blend\'s on the inner split.',
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
    `context-ease+lightgcn: LightGCN's weight ${choice.weight} (chosen on the inner split); seconds by part: ${JSON.stringify(Object.fromEntries(Object.entries(blendParts).map(([key, value]) => [key, Number(value.toFixed(1))])))}.`,
    `context-ease gate (users outside training and stopping; epoch 0 against the best epoch): ${JSON.stringify(gate)}. When it keeps epoch 0, the usable model is the page-augmented EASE and the total seconds are what matters.`,
  ].join('\n');
  const written = writeResults(outputDirectory, quick ? 'train-time-quick' : 'train-time', { json: { started: startedAt.toISOString(), backend: backend.name, quick, rows }, markdown });
  console.log(markdown);
  console.error(`wrote ${written.join(', ')}`);
});
