import type { Item, RatingInteraction, TfBackendName, User } from '@personalab/core';
import { invokedCommand, markdownTable, svgBarChart, writeResults } from '@personalab/core';
import { loadMovieLens100k, loadMovieLensSplit, mae, rmse, stratifiedSplit } from '@personalab/datasets';
import { AutoRecRecommender } from '../autorec.js';
import { selectBackend } from '../backend.js';
import { BayesianMfRecommender } from '../bayesian-mf.js';
import { BiasedMfRecommender } from '../biased-mf.js';
import { KnnBaselineRecommender } from '../knn-baseline.js';
import { RatingBlend, type BlendMember, type TrainableRatingModel } from '../rating-blend.js';
import { fitThenRefit } from '../refit.js';
import { p3Anchors } from './anchors.js';
import { p1Split } from './movielens-experiments.js';
import { describeSeeds, describeSpread, experimentHeader, formatSeedSummary, summariseSeeds, type ExperimentRunMeta } from './seed-summary.js';

export interface RatingExperimentOptions {
  /** The movielens-100k folder. */
  dataDirectory: string;
  /** Where results/*.json|md|svg go. */
  resultsDirectory: string;
  /** Split seeds of the 75/25 split (default 42, 7, 1). */
  seeds?: readonly number[];
  /** One seed, fewer epochs and samples: a smoke run. */
  quick?: boolean;
  /** Include I-AutoRec as a blend member (slow on wasm: minutes per fit). */
  autoRec?: boolean;
  quiet?: boolean;
  log?: (line: string) => void;
  /** The command line the results record (default: the one this process was started with). */
  command?: string;
  /** Force one tfjs backend (the CLI passes `PERSONALAB_TF_BACKEND`); default: the fastest available. */
  backend?: TfBackendName | undefined;
}

/** One model on one split. */
export interface RatingRun {
  model: string;
  split: '75/25' | 'u1';
  seed: number | undefined;
  rmse: number;
  mae: number;
  /** RMSE on the inner 10% of the training part (what early stopping or the blend weights saw). */
  validationRmse: number | undefined;
  seconds: number;
  detail: Record<string, unknown>;
}

/** The blend members of P3, in blend order (names are the row labels). */
function blendMembers(quick: boolean, autoRec: boolean): BlendMember[] {
  const samples = quick ? 40 : 100;
  const members: BlendMember[] = [
    { name: 'bayesian-svd++', create: () => new BayesianMfRecommender({ dimension: 10, samples, implicit: true }) },
    { name: 'bayesian-mf', create: () => new BayesianMfRecommender({ dimension: 10, samples }) },
    { name: 'knn-baseline', create: () => new KnnBaselineRecommender({ neighbours: 40, shrinkage: 100 }) },
  ];
  if (autoRec) {
    const options = { hidden: 500, l2: 1000, learningRate: 2e-3, epochs: quick ? 5 : 40, patience: 5 };
    members.push({
      name: 'autorec',
      // The refit on the whole training part runs the early-stopped epoch count of the inner fit.
      create: (inner?: TrainableRatingModel) => new AutoRecRecommender(inner instanceof AutoRecRecommender ? { ...options, epochs: Math.max(1, inner.summary?.bestEpoch ?? options.epochs) } : options),
    });
  }
  return members;
}

/**
 * P3: rating prediction, RMSE/MAE on the per-user stratified 75/25 split (seeds 42, 7, 1) and on the
 * official u1 split. Per split: biased MF (tfjs, early stopping on an inner 90/10 split of the
 * training part, then refitted on the whole training part for the epochs it chose); a blend whose members (Bayesian SVD++, Bayesian MF,
 * KNN-baseline, optionally I-AutoRec) are fitted on the same inner split, weighted by least squares
 * on its held-out tenth, then refitted on the whole training part. Each member's own row is its
 * refitted model. The test part is used for scoring only.
 */
export async function runRatingExperiments(options: RatingExperimentOptions): Promise<RatingRun[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const quick = options.quick ?? false;
  const autoRec = options.autoRec ?? false;
  const seeds = options.seeds ?? (quick ? [42] : [42, 7, 1]);
  const command = options.command ?? invokedCommand();
  const meta = { quick, seeds, date: new Date(), ...(command === undefined ? {} : { command }) };
  const backend = await selectBackend({ log, preferred: options.backend });
  const data = await loadMovieLens100k(options.dataDirectory);
  const official = await loadMovieLensSplit(options.dataDirectory, 'u1');
  const runs: RatingRun[] = [];
  const record = (run: RatingRun) => {
    runs.push(run);
    const where = `${run.split}${run.seed === undefined ? '' : ` seed ${run.seed}`}`;
    log(`${run.model} ${where}: RMSE ${run.rmse.toFixed(4)} MAE ${run.mae.toFixed(4)} (validation ${run.validationRmse?.toFixed(4) ?? '–'}, ${run.seconds.toFixed(0)} s)`);
  };
  const evaluate = async (split: RatingRun['split'], seed: number | undefined, train: RatingInteraction[], test: RatingInteraction[], items: Item[], users: User[]) => {
    const actual = test.map((rating) => rating.value);
    const splitSeed = seed ?? 42;
    // Biased MF: early-stopped on the inner split, then refitted on the whole training part for the epochs it chose.
    let started = performance.now();
    const inner = stratifiedSplit(train, { ratio: 0.9, seed: splitSeed + 2000 });
    const fitted = await fitThenRefit((epochs) => new BiasedMfRecommender({ epochs: epochs ?? (quick ? 10 : 40) }), { items, users }, inner, train, { seed: splitSeed, quiet: options.quiet ?? false });
    const { bestEpoch, model: biased } = fitted;
    fitted.inner?.dispose();
    const validationRmse = -(fitted.bestMetric ?? Number.NaN);
    const biasedPredictions = biased.predict(test);
    record({
      model: 'biased-mf',
      split,
      seed,
      rmse: rmse(biasedPredictions, actual),
      mae: mae(biasedPredictions, actual),
      validationRmse,
      seconds: (performance.now() - started) / 1000,
      detail: { bestEpoch, ...(fitted.inner ? { refitEpochs: bestEpoch } : {}) },
    });
    biased.dispose();
    started = performance.now();
    // The blend draws the same inner split (seed + 2000) from the training part.
    const blend = new RatingBlend(blendMembers(quick, autoRec), { log });
    await blend.fit({ interactions: train, items, users }, { seed: splitSeed, quiet: options.quiet ?? false });
    const report = blend.report;
    blend.fittedMembers.forEach((model, index) => {
      const member = report?.members[index];
      const predictions = model.predict(test);
      const summary = model instanceof AutoRecRecommender ? { epochs: model.summary?.epochs.length } : {};
      record({ model: member?.name ?? model.name, split, seed, rmse: rmse(predictions, actual), mae: mae(predictions, actual), validationRmse: member?.validationRmse, seconds: member?.seconds ?? Number.NaN, detail: { blendWeight: member?.weight, ...summary } });
    });
    const predictions = blend.predict(test);
    record({
      model: 'blend',
      split,
      seed,
      rmse: rmse(predictions, actual),
      mae: mae(predictions, actual),
      validationRmse: report?.validationRmse,
      seconds: (performance.now() - started) / 1000,
      detail: { weights: report?.weights, members: report?.members.map((member) => member.name) },
    });
    blend.dispose();
  };
  for (const seed of seeds) {
    // The P1 split exactly (Recommenders' rows through numpy's shuffle).
    const split = p1Split(data.ratings, seed);
    await evaluate('75/25', seed, split.train, split.test, data.items, data.users);
    writeRatingResults(options.resultsDirectory, runs, { backend: backend.name, ...meta });
  }
  await evaluate('u1', undefined, official.train, official.test, data.items, data.users);
  writeRatingResults(options.resultsDirectory, runs, { backend: backend.name, ...meta });
  return runs;
}

const descriptions: Record<string, string> = {
  'biased-mf': 'biased MF + implicit feedback (tfjs, Adam, early stopping)',
  'bayesian-svd++': 'Bayesian SVD++ (Gibbs sampling, d = 10, plain TS)',
  'bayesian-mf': 'Bayesian MF (Gibbs sampling, d = 10, plain TS)',
  'knn-baseline': 'item KNN on baseline residuals (shrunk Pearson, k = 40)',
  autorec: 'I-AutoRec (tfjs, 500 sigmoid units)',
  blend: 'least-squares blend of the models above it (not biased MF)',
};

/** Writes p3-rating.json|md|svg from the runs (also used to redraw the files from a saved JSON). */
export function writeRatingResults(directory: string, runs: readonly RatingRun[], meta: ExperimentRunMeta): void {
  const { date: _date, ...recorded } = meta;
  const models = [...new Set(runs.map((run) => run.model))];
  const seedsDone = [...new Set(runs.filter((run) => run.split === '75/25').map((run) => run.seed))].filter((seed) => seed !== undefined);
  const stats = (model: string, pick: (run: RatingRun) => number | undefined) => {
    const values = runs.filter((run) => run.model === model && run.split === '75/25').map(pick);
    return values.length === 0 || values.some((value) => value === undefined) ? undefined : summariseSeeds(values as number[]);
  };
  const format = formatSeedSummary;
  const u1 = (model: string) => runs.find((run) => run.model === model && run.split === 'u1');
  const summary = Object.fromEntries(
    models.map((model) => [
      model,
      { stratified: { rmse: stats(model, (run) => run.rmse), mae: stats(model, (run) => run.mae), validationRmse: stats(model, (run) => run.validationRmse) }, u1: u1(model) ? { rmse: u1(model)?.rmse, mae: u1(model)?.mae } : undefined },
    ]),
  );
  const blendRuns = runs.filter((run) => run.model === 'blend');
  const memberNames = (blendRuns[0]?.detail.members as string[] | undefined) ?? [];
  const markdown = [
    `# P3: rating prediction on MovieLens-100K (${meta.quick ? 'quick mode, ' : ''}75/25 ${describeSeeds(seedsDone)}; official u1; tfjs backend ${meta.backend})`,
    '',
    ...experimentHeader(meta),
    "Per-user stratified 75/25 split (`stratifiedSplit` with `shuffle: 'numpy'`, the P1 split) and the official u1.base/u1.test split. Every model sees only the",
    'training part: an inner per-user 90/10 split of it drives early stopping (biased MF) and the blend weights (least squares on the',
    'held-out tenth); biased MF (for the epochs early stopping chose) and the blend members are then refitted on the whole training part. Predictions clipped to [1, 5].',
    'Validation = RMSE on that inner tenth (models trained on the other 90%). Target (issue 4): RMSE ≤ 0.90 on 75/25.',
    `75/25 columns: ${describeSpread(seedsDone.length)}.`,
    '',
    markdownTable(
      ['model', '75/25 RMSE', '75/25 MAE', 'u1 RMSE', 'u1 MAE', 'validation RMSE (75/25)'],
      [
        ...models.map((model) => [`${model} (ours): ${descriptions[model] ?? ''}`, format(summary[model]?.stratified.rmse), format(summary[model]?.stratified.mae), u1(model)?.rmse, u1(model)?.mae, format(summary[model]?.stratified.validationRmse)]),
        ...p3Anchors.rows.map((row) => [`${row.model} (published)`, row.rmse, row.mae, '–', '–', '–']),
      ],
    ),
    '',
    '## Blend weights (intercept, then one per member, fitted on the inner validation tenth)',
    '',
    markdownTable(
      ['split', 'seed', 'intercept', ...memberNames],
      blendRuns.map((run) => [run.split, run.seed === undefined ? '–' : String(run.seed), ...((run.detail.weights as number[] | undefined) ?? []).map((weight) => weight.toFixed(3))]),
    ),
    '',
    '## Per run',
    '',
    markdownTable(
      ['model', 'split', 'seed', 'RMSE', 'MAE', 'validation RMSE', 'seconds', 'detail'],
      runs.map((run) => [run.model, run.split, run.seed === undefined ? '–' : String(run.seed), run.rmse, run.mae, run.validationRmse, run.seconds, JSON.stringify(run.detail)]),
    ),
  ].join('\n');
  const references = [...p3Anchors.rows.map((row) => ({ label: row.model, value: row.rmse })), { label: 'target 0.90', value: 0.9 }];
  writeResults(directory, 'p3-rating', {
    json: { protocol: 'P3', ...recorded, anchors: p3Anchors, target: { rmse: 0.9, split: '75/25' }, summary, runs },
    markdown,
    svgs: {
      '': svgBarChart(
        models,
        [
          { name: 'RMSE 75/25', values: models.map((model) => summary[model]?.stratified.rmse?.mean ?? Number.NaN), errors: models.map((model) => summary[model]?.stratified.rmse?.std ?? 0) },
          { name: 'RMSE u1', values: models.map((model) => u1(model)?.rmse ?? Number.NaN) },
        ],
        { title: 'P3 RMSE on MovieLens-100K (axis from 0.85; dashed: published, and the 0.90 target)', yLabel: 'RMSE', references, yMin: 0.85, yMax: 1 },
      ),
    },
  });
}
