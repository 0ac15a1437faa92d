import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Interaction, TfBackendName, TrainingData } from '@personalab/core';
import { z } from 'zod';
import { PersonalabError, formatZodError, invokedCommand, markdownTable, meanAndStd, svgBarChart, writeResults } from '@personalab/core';
import { evaluateRanking, loadMovieLens100k, mapAtK, stratifiedSplit } from '@personalab/datasets';
import type { BaseRecommender } from '../base-recommender.js';
import { selectBackend } from '../backend.js';
import { BprRecommender } from '../bpr-mf.js';
import { ContextEaseRecommender } from '../context-ease.js';
import { EaseRecommender } from '../ease.js';
import { ItemKnnRecommender } from '../item-knn.js';
import { MostPopularRecommender } from '../most-popular.js';
import { LightGcnRecommender } from '../lightgcn.js';
import { fitThenRefit, type EpochModel } from '../refit.js';
import { ScoreBlendRecommender } from '../score-blend.js';
import { SequentialTwoTowerRecommender } from '../sequential-two-tower.js';
import { p1Anchors, p2Anchors } from './anchors.js';
import { describeSeeds, describeSpread, experimentHeader, formatSeedSummary, summariseSeeds, type ExperimentRunMeta, type SeedSummary } from './seed-summary.js';

export interface MovieLensExperimentOptions {
  /** The movielens-100k folder. */
  dataDirectory: string;
  /** Where results/*.json|md|svg go. */
  resultsDirectory: string;
  /** Split seeds (P1/P2/P3 75/25). */
  seeds?: readonly number[];
  /** One seed, fewer epochs and candidates: minutes instead of tens of minutes. */
  quick?: boolean;
  /** Models to run in P1/P2 (default: all). */
  models?: readonly string[];
  /** Where to save the best learned model of the first seed (for the recommender app). */
  saveModelDirectory?: string;
  quiet?: boolean;
  log?: (line: string) => void;
  /** The command line the results record (default: the one this process was started with). */
  command?: string;
  /**
   * Which rows of Recommenders' `python_stratified_split` the 75/25 split takes: `per-group` (default, the committed
   * tables) is their pre-2020 implementation, each user's rows permuted by `RandomState(seed)`; `sorted` is their
   * current one (one `np.random.rand` draw per row, rows sorted by user and draw). Same kind of split, other rows.
   */
  split?: MovieLensSplitKind;
  /** Force one tfjs backend (the CLI passes `PERSONALAB_TF_BACKEND`); default: the fastest available. */
  backend?: TfBackendName | undefined;
}

export type MovieLensSplitKind = 'per-group' | 'sorted';

/** The P1/P3 75/25 split of one seed, with the rows of the chosen Recommenders implementation. */
export function p1Split<T extends { userId: string; itemId: string }>(ratings: readonly T[], seed: number, kind: MovieLensSplitKind = 'per-group'): { train: T[]; test: T[] } {
  return stratifiedSplit(ratings, { ratio: 0.75, seed, shuffle: kind === 'sorted' ? 'numpy-sort' : 'numpy' });
}

/** How the results describe the split. */
export function describeP1Split(kind: MovieLensSplitKind = 'per-group'): string {
  return kind === 'sorted'
    ? "`stratifiedSplit` with `shuffle: 'numpy-sort'`: the rows of Recommenders' current python_stratified_split (one np.random.rand draw per row, sorted by user and draw, rank / size <= 0.75)"
    : "`stratifiedSplit` with `shuffle: 'numpy'`: the rows of Recommenders' python_stratified_split up to 2020, each user's rows permuted by RandomState(seed)";
}

interface RankingRun {
  model: string;
  seed: number;
  seconds: number;
  /** Hyper-parameter chosen on the inner validation split, or the training summary. */
  selected: Record<string, unknown>;
  k10: { map: number; mapMinK: number; ndcg: number; precision: number; recall: number };
  k5: { ndcg: number; precision: number; recall: number };
}

/**
 * The P1/P2 models, in run order. `context-ease+lightgcn` is the score blend of the two rows before it (their refits on
 * the training part, z-scored per user, LightGCN's weight chosen on the inner split): it needs both in the run.
 */
export const rankingModelNames = ['most-popular', 'item-knn', 'ease', 'context-ease', 'bpr-mf', 'sequential-two-tower', 'lightgcn', 'context-ease+lightgcn'] as const;

/** The blend row and the rows it is made of. */
const blendName = 'context-ease+lightgcn';
const blendMembers = ['context-ease', 'lightgcn'] as const;
/** Candidate weights of LightGCN's z-scores beside context-EASE's (weight 1), chosen on the inner split. */
export const lightGcnBlendWeights = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 6, 8] as const;

/**
 * LightGCN's weight in the blend: context-EASE's closed form at λ `easeLambda` is fitted on `training` (what its refit
 * keeps) and blended with `lightgcn` (fitted on the same interactions) over `lightGcnBlendWeights`, by NDCG@10 on `validation`.
 */
export async function chooseLightGcnWeight(lightgcn: BaseRecommender, easeLambda: number, training: TrainingData, validation: readonly Interaction[], seed: number): Promise<ReturnType<typeof ScoreBlendRecommender.chooseLastWeight>> {
  const closedForm = new ContextEaseRecommender({ epochs: 0, easeLambda });
  try {
    await closedForm.fit(training, { seed, quiet: true });
    return ScoreBlendRecommender.chooseLastWeight([closedForm, lightgcn], [1, 0], lightGcnBlendWeights, validation);
  } finally {
    closedForm.dispose();
  }
}

/** Refuses a model list with the blend but not its members (checked before any data is read). */
export function checkRankingModels(models: readonly string[]): void {
  const unknown = models.filter((model) => !(rankingModelNames as readonly string[]).includes(model));
  if (unknown.length > 0) throw new PersonalabError('invalid_argument', `unknown ${unknown.map((model) => JSON.stringify(model)).join(', ')}; known: ${rankingModelNames.join(', ')}`);
  const missing = blendMembers.filter((member) => models.includes(blendName) && !models.includes(member));
  if (missing.length > 0) throw new PersonalabError('invalid_argument', `${blendName} blends the ${blendMembers.join(' and ')} rows: add ${missing.join(' and ')} to the models`);
}

/** Each user's item ids, in interaction order. */
export function itemsByUser(interactions: readonly Interaction[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const interaction of interactions) {
    let list = map.get(interaction.userId);
    if (!list) map.set(interaction.userId, (list = []));
    list.push(interaction.itemId);
  }
  return map;
}

/** Ranks top-10 for every test user, the user's whole training history as input and excluded from the ranking. */
async function rankAll(model: BaseRecommender, train: readonly Interaction[], test: readonly Interaction[]): Promise<Map<string, string[]>> {
  const seen = itemsByUser(train);
  const recommendations = new Map<string, string[]>();
  for (const userId of itemsByUser(test).keys()) {
    const history = seen.get(userId) ?? [];
    const ranked = await model.recommend({ userId, history, k: 10, exclude: history });
    recommendations.set(
      userId,
      ranked.map((entry) => entry.itemId),
    );
  }
  return recommendations;
}

function scoreRanking(recommendations: Map<string, string[]>, test: readonly Interaction[]): Pick<RankingRun, 'k10' | 'k5'> {
  const relevant = new Map([...itemsByUser(test)].map(([user, items]) => [user, new Set(items)]));
  const at10 = evaluateRanking(recommendations, relevant, 10);
  const at5 = evaluateRanking(recommendations, relevant, 5);
  // Recommenders' published MAP divides by the number of relevant items (their `map_at_k` before 1.2).
  let map = 0;
  for (const [user, items] of relevant) map += mapAtK(recommendations.get(user) ?? [], items, 10, { denominator: 'relevant' });
  return {
    k10: { map: map / relevant.size, mapMinK: at10.mapAtK, ndcg: at10.ndcgAtK, precision: at10.precisionAtK, recall: at10.recallAtK },
    k5: { ndcg: at5.ndcgAtK, precision: at5.precisionAtK, recall: at5.recallAtK },
  };
}

/** `epochs`: a fixed epoch count for the tfjs models (their refit on the whole training part); otherwise the search budget. */
function createModel(name: string, quick: boolean, log: (line: string) => void, epochs?: number): BaseRecommender {
  switch (name) {
    case 'most-popular':
      return new MostPopularRecommender();
    case 'item-knn':
      return new ItemKnnRecommender({ neighbourCounts: quick ? [100] : [50, 100, 200], log });
    case 'ease':
      return new EaseRecommender({ lambdas: quick ? [500] : [300, 500, 800], log });
    case 'bpr-mf':
      return new BprRecommender({ epochs: epochs ?? (quick ? 8 : 40), patience: 3 });
    case 'sequential-two-tower':
      return new SequentialTwoTowerRecommender({ epochs: epochs ?? (quick ? 6 : 30), patience: 4 });
    case 'context-ease':
      return new ContextEaseRecommender({ epochs: quick ? 10 : 40 });
    case 'lightgcn':
      return new LightGcnRecommender({ epochs: epochs ?? (quick ? 6 : 40) });
    default:
      throw new Error(`unknown model ${name}`);
  }
}

/**
 * P1 (top-10, MS Recommenders protocol) and P2 (top-5 as Chat-Rec reports) from the same rankings.
 * Per seed: per-user stratified 75/25 split; hyper-parameters and early stopping use an inner 90/10
 * split of the training part; every model is then refitted on the whole training part: the closed forms at the chosen
 * hyper-parameters, the tfjs models for the epoch count early stopping chose (same seed; before session 12 they kept
 * their inner-split weights, trained on 90 % of each history, which cost BPR 3.5 % and the two-tower 1.6 % NDCG@10 on
 * seed 42).
 */
export async function runRankingExperiments(options: MovieLensExperimentOptions): Promise<RankingRun[]> {
  const log = options.log ?? ((line: string) => console.error(line));
  const quick = options.quick ?? false;
  const seeds = options.seeds ?? (quick ? [42] : [42, 7, 1]);
  const command = options.command ?? invokedCommand();
  const startedAt = new Date();
  // The tables read these after the first seed: a damaged one is refused before any model trains.
  for (const name of numpyResultFiles) readNumpyResults(options.resultsDirectory, name);
  const backend = await selectBackend({ log, preferred: options.backend });
  const data = await loadMovieLens100k(options.dataDirectory);
  const runs: RankingRun[] = [];
  const chosen = new Map<string, number>();
  checkRankingModels(options.models ?? rankingModelNames);
  // In the canonical order, whatever order they were asked in: the blend runs after its members.
  const models = rankingModelNames.filter((name) => (options.models ?? rankingModelNames).includes(name));
  const blending = models.includes(blendName);
  for (const seed of seeds) {
    // Recommenders' exact rows (numpy's permutation per user), so the split is theirs, not just the same kind.
    const split = p1Split(data.ratings, seed, options.split);
    const inner = stratifiedSplit(split.train, { ratio: 0.9, seed: seed + 1000 });
    const training = { items: data.items, users: data.users };
    // The blend's members, kept until the blend row is scored: the refit on the training part, and (LightGCN) the early-stopped fit on the inner split.
    const kept = new Map<string, { inner?: BaseRecommender; final: BaseRecommender }>();
    for (const name of models) {
      const started = performance.now();
      if (name === blendName) {
        const closedForm = kept.get('context-ease');
        const gcn = kept.get('lightgcn');
        if (!closedForm || !gcn) throw new PersonalabError('internal', `${blendName}: its members did not run before it`);
        const choice = await chooseLightGcnWeight(gcn.inner ?? gcn.final, chosen.get('context-ease') as number, { ...training, interactions: inner.train }, inner.test, seed);
        log(`${blendName} seed ${seed}: LightGCN weight on inner validation ${choice.ndcg.map((entry) => `${entry.weight} → ${entry.ndcg.toFixed(4)}`).join(', ')}`);
        const selected = { lightgcnWeight: choice.weight, validationNdcg: choice.ndcg.map((entry) => ({ weight: entry.weight, ndcg: Number(entry.ndcg.toFixed(4)) })), note: 'seconds: the weight choice and scoring only; the members are the context-ease and lightgcn rows' };
        runs.push(await finish(name, seed, ScoreBlendRecommender.of([closedForm.final, gcn.final], [1, choice.weight]), started, selected, split));
        continue;
      }
      let model = createModel(name, quick, log);
      let innerModel: BaseRecommender | undefined;
      let selected: Record<string, unknown> = {};
      if (model instanceof EaseRecommender || model instanceof ItemKnnRecommender) {
        // Select on the first seed's inner split only: each EASE candidate is a 1,682² inversion (minutes on a loaded machine).
        const previous = chosen.get(name);
        if (previous === undefined) {
          await model.fit({ ...training, interactions: inner.train }, { validation: inner.test, seed });
          chosen.set(name, model instanceof EaseRecommender ? model.lambda : model.neighbours);
        }
        const value = chosen.get(name) as number;
        selected = model instanceof EaseRecommender ? { lambda: value, selectedOnSeed: seeds[0] } : { neighbours: value, selectedOnSeed: seeds[0] };
        const refit = model instanceof EaseRecommender ? new EaseRecommender({ lambda: value }) : new ItemKnnRecommender({ neighbours: value });
        await refit.fit({ ...training, interactions: split.train });
        runs.push(await finish(name, seed, refit, started, selected, split));
        continue;
      }
      if (name === 'most-popular') {
        await model.fit({ ...training, interactions: split.train });
      } else if (model instanceof ContextEaseRecommender) {
        // λ of the page-augmented EASE: chosen like EASE's, on the first seed's inner 90/10 split (epoch-0 model only).
        if (!chosen.has(name)) {
          const selector = new ContextEaseRecommender({ epochs: 0, easeLambdas: quick ? [300, 500] : [200, 300, 500] });
          await selector.fit({ ...training, interactions: inner.train }, { validation: inner.test, seed, quiet: true });
          log(`context-ease λ on inner validation: ${selector.lambdaSelection.map((entry) => `${entry.lambda} → ${entry.ndcg.toFixed(4)}`).join(', ')}`);
          chosen.set(name, selector.options.easeLambda);
          selector.dispose();
        }
        model.options.easeLambda = chosen.get(name) as number;
        // Learns its combiner on its own holdout of the training part, then refits the closed forms on all of it.
        await model.fit({ ...training, interactions: split.train }, { seed, quiet: options.quiet ?? false });
        const summary = model.summary;
        selected = { lambda: model.options.easeLambda, selectedOnSeed: seeds[0], bestEpoch: summary?.bestEpoch, holdoutNdcg: summary?.bestMetric, gate: model.gate, examplesPerSecond: summary?.examplesPerSecond, secondsToBest: summary?.secondsToBest };
      } else {
        // Early stopping chooses the epoch count on the inner split; the model that is scored trains that long on all of the training part.
        const first = model as EpochModel;
        const fitted = await fitThenRefit((epochs) => (epochs === undefined ? first : (createModel(name, quick, log, epochs) as EpochModel)), training, inner, split.train, { seed, quiet: options.quiet ?? false });
        const summary = fitted.summary;
        selected = { bestEpoch: fitted.bestEpoch, validationNdcg: summary?.bestMetric, examplesPerSecond: summary?.examplesPerSecond, secondsToBest: summary?.secondsToBest };
        if (fitted.inner) selected = { ...selected, refitEpochs: fitted.bestEpoch, refitSeconds: fitted.refitSeconds };
        model = fitted.model;
        innerModel = fitted.inner;
        if (options.saveModelDirectory && seed === seeds[0] && name === 'sequential-two-tower') await model.save(options.saveModelDirectory);
      }
      runs.push(await finish(name, seed, model, started, selected, split));
      if (blending && (blendMembers as readonly string[]).includes(name)) {
        kept.set(name, { final: model, ...(innerModel ? { inner: innerModel } : {}) });
      } else {
        innerModel?.dispose();
        model?.dispose();
      }
    }
    for (const { inner: innerModel, final } of kept.values()) {
      innerModel?.dispose();
      final?.dispose();
    }
    writeRankingResults(options.resultsDirectory, runs, { backend: backend.name, quick, seeds, split: options.split ?? 'per-group', date: startedAt, ...(command === undefined ? {} : { command }) });
  }
  return runs;

  async function finish(name: string, seed: number, model: BaseRecommender, started: number, selected: Record<string, unknown>, split: { train: Interaction[]; test: Interaction[] }): Promise<RankingRun> {
    const recommendations = await rankAll(model, split.train, split.test);
    const run = { model: name, seed, seconds: (performance.now() - started) / 1000, selected, ...scoreRanking(recommendations, split.test) };
    log(`${name} seed ${seed}: NDCG@10 ${run.k10.ndcg.toFixed(4)} P@10 ${run.k10.precision.toFixed(4)} MAP ${run.k10.map.toFixed(4)} R@10 ${run.k10.recall.toFixed(4)} (${run.seconds.toFixed(0)} s)`);
    return run;
  }

}

function summarise(runs: readonly RankingRun[], pick: (run: RankingRun) => number): Map<string, SeedSummary> {
  const models = [...new Set(runs.map((run) => run.model))];
  return new Map(models.map((model) => [model, summariseSeeds(runs.filter((run) => run.model === model).map(pick))]));
}

/** What the P1 and P2 files record of their run. */
export interface RankingResultsMeta extends ExperimentRunMeta {
  split?: MovieLensSplitKind;
}

/** Writes p1-ranking and p2-top5 (.json, .md, .svg) from the runs so far. */
export function writeRankingResults(directory: string, runs: readonly RankingRun[], meta: RankingResultsMeta): void {
  const { date: _date, ...recorded } = meta;
  const header = experimentHeader(meta);
  const models = [...new Set(runs.map((run) => run.model))];
  const metrics10 = { map: (run: RankingRun) => run.k10.map, ndcg: (run: RankingRun) => run.k10.ndcg, precision: (run: RankingRun) => run.k10.precision, recall: (run: RankingRun) => run.k10.recall };
  const summary10 = Object.fromEntries(Object.entries(metrics10).map(([key, pick]) => [key, summarise(runs, pick)]));
  const cell = (key: string, model: string) => formatSeedSummary(summary10[key]?.get(model));
  const seedsDone = [...new Set(runs.map((run) => run.seed))];
  const p1Rows = [
    ...models.map((model) => [`${model} (ours)`, cell('map', model), cell('ndcg', model), cell('precision', model), cell('recall', model)]),
    ...p1Anchors.rows.map((row) => [`${row.model} (published)`, row.map, row.ndcg, row.precision, row.recall]),
  ];
  const easeRuns = runs.filter((run) => run.model === 'ease');
  const numpyReference = readNumpyResults(directory, 'ease-check-numpy.json');
  const checkRows = seedsDone.map((seed) => {
    const anchor = p1Anchors.easeCheck.find((entry) => entry.seed === seed);
    const numpy = numpyReference.find((entry) => entry.seed === seed);
    const ours = easeRuns.find((run) => run.seed === seed);
    return [String(seed), anchor?.ndcg, numpy?.ndcg, ours?.k10.ndcg, anchor?.precision, numpy?.precision, ours?.k10.precision, ours ? String(ours.selected.lambda) : '–'];
  });
  const p1Markdown = [
    `# P1: top-10 ranking on MovieLens-100K (${meta.quick ? 'quick mode, ' : ''}${describeSeeds(seedsDone)}; backend ${meta.backend})`,
    '',
    ...header,
    `Per-user stratified 75/25 split (${describeP1Split(meta.split)}), every test item relevant, training items excluded,`,
    `k = 10, ${describeSpread(seedsDone.length)}. MAP divides by the number of relevant items, as the published table.`,
    '',
    markdownTable(['model', 'MAP', 'NDCG@10', 'Precision@10', 'Recall@10'], p1Rows),
    '',
    '## EASE check against an independent numpy run of the same protocol',
    '',
    'Issue: the numbers quoted in issue 4. numpy, same split: `experiments/movielens/numpy-check/ease_check.py` (EASE λ = 500 on the identical rows;',
    "the md5 of the test pairs matches ours). Ours: EaseRecommender with the λ chosen on the inner split.",
    ...numpySpread(directory),
    '',
    markdownTable(['seed', 'issue NDCG@10', 'numpy NDCG@10 (same split)', 'ours NDCG@10', 'issue P@10', 'numpy P@10 (same split)', 'ours P@10', 'our λ'], checkRows),
    '',
    '## Per run',
    '',
    markdownTable(
      ['model', 'seed', 'NDCG@10', 'P@10', 'MAP', 'R@10', 'seconds', 'selected'],
      runs.map((run) => [run.model, String(run.seed), run.k10.ndcg, run.k10.precision, run.k10.map, run.k10.recall, run.seconds, JSON.stringify(run.selected)]),
    ),
  ].join('\n');
  const chart = (key: 'ndcg' | 'precision' | 'map' | 'recall', title: string) =>
    svgBarChart(
      models,
      [{ name: title, values: models.map((model) => summary10[key]?.get(model)?.mean ?? Number.NaN), errors: models.map((model) => summary10[key]?.get(model)?.std ?? 0) }],
      { title: `P1 ${title} on MovieLens-100K (dashed: published)`, yLabel: title, references: p1Anchors.rows.map((row) => ({ label: row.model, value: row[key] })) },
    );
  writeResults(directory, 'p1-ranking', {
    json: { protocol: 'P1', ...recorded, anchors: p1Anchors, summary: Object.fromEntries(Object.entries(summary10).map(([key, map]) => [key, Object.fromEntries(map)])), runs },
    markdown: p1Markdown,
    svgs: { ndcg: chart('ndcg', 'NDCG@10'), precision: chart('precision', 'Precision@10'), map: chart('map', 'MAP'), recall: chart('recall', 'Recall@10') },
  });
  const metrics5 = { precision: (run: RankingRun) => run.k5.precision, recall: (run: RankingRun) => run.k5.recall, ndcg: (run: RankingRun) => run.k5.ndcg };
  const summary5 = Object.fromEntries(Object.entries(metrics5).map(([key, pick]) => [key, summarise(runs, pick)]));
  const cell5 = (key: string, model: string) => formatSeedSummary(summary5[key]?.get(model));
  const p2Markdown = [
    `# P2: top-5 on MovieLens-100K as Chat-Rec reports it (${meta.quick ? 'quick mode, ' : ''}${describeSeeds(seedsDone)})`,
    '',
    ...header,
    'Same split and rankings as P1, cut at k = 5. The Chat-Rec paper does not publish its split; its numbers are context, not a like-for-like comparison.',
    `${describeSpread(seedsDone.length).replace(/^./, (first) => first.toUpperCase())}.`,
    '',
    markdownTable(
      ['model', 'Precision@5', 'Recall@5', 'NDCG@5'],
      [
        ...models.map((model) => [`${model} (ours)`, cell5('precision', model), cell5('recall', model), cell5('ndcg', model)]),
        ...p2Anchors.rows.map((row) => [`${row.model} (published)`, row.precision, row.recall, row.ndcg]),
      ],
    ),
  ].join('\n');
  writeResults(directory, 'p2-top5', {
    json: { protocol: 'P2', ...recorded, anchors: p2Anchors, summary: Object.fromEntries(Object.entries(summary5).map(([key, map]) => [key, Object.fromEntries(map)])) },
    markdown: p2Markdown,
    svgs: {
      ndcg: svgBarChart(models, [{ name: 'NDCG@5', values: models.map((model) => summary5.ndcg?.get(model)?.mean ?? Number.NaN) }], {
        title: 'P2 NDCG@5 on MovieLens-100K (dashed: Chat-Rec paper)',
        yLabel: 'NDCG@5',
        references: p2Anchors.rows.map((row) => ({ label: row.model, value: row.ndcg })),
      }),
      precision: svgBarChart(models, [{ name: 'Precision@5', values: models.map((model) => summary5.precision?.get(model)?.mean ?? Number.NaN) }], {
        title: 'P2 Precision@5 on MovieLens-100K (dashed: Chat-Rec paper)',
        yLabel: 'Precision@5',
        references: p2Anchors.rows.map((row) => ({ label: row.model, value: row.precision })),
      }),
    },
  });
}

/** What the tables read of the numpy reference script's JSON (`ease_check.py`); other keys are kept as written. */
const numpyResultsSchema = z.object({ results: z.array(z.object({ seed: z.number().int(), ndcg: z.number(), precision: z.number() })) });

type NumpyEaseResult = z.infer<typeof numpyResultsSchema>['results'][number];

/** The numpy reference files a results folder may hold beside the tables. */
const numpyResultFiles = ['ease-check-numpy.json', 'ease-check-numpy-20-seeds.json'] as const;

/**
 * Results of the numpy reference script from a JSON in the results folder; empty when absent. A damaged file is
 * `invalid_data` naming it and the JSON path (it had ended the run with a bare SyntaxError, its results unwritten).
 */
function readNumpyResults(directory: string, name: (typeof numpyResultFiles)[number]): NumpyEaseResult[] {
  const path = join(directory, name);
  if (!existsSync(path)) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PersonalabError('invalid_data', `${path}: not valid JSON (${(error as Error).message})`, { cause: error, details: { file: path } });
  }
  const parsed = numpyResultsSchema.safeParse(json);
  if (!parsed.success) throw new PersonalabError('invalid_data', `${path}: ${formatZodError(parsed.error)}`, { details: { file: path } });
  return parsed.data.results;
}

/** The split-to-split spread of numpy EASE over many seeds, as a sentence (none when that JSON is absent). */
function numpySpread(directory: string): string[] {
  const results = readNumpyResults(directory, 'ease-check-numpy-20-seeds.json');
  if (results.length === 0) return [];
  const ndcg = results.map((result) => result.ndcg);
  const ndcgStats = meanAndStd(ndcg);
  const precisionStats = meanAndStd(results.map((result) => result.precision));
  return [
    `Over ${results.length} seeds of Recommenders' split, numpy EASE λ = 500 gives NDCG@10 ${ndcgStats.mean.toFixed(4)} ± ${ndcgStats.std.toFixed(4)} (min ${Math.min(...ndcg).toFixed(4)}, max ${Math.max(...ndcg).toFixed(4)}),`,
    `P@10 ${precisionStats.mean.toFixed(4)} ± ${precisionStats.std.toFixed(4)} (\`ease-check-numpy-20-seeds.json\` in this folder): where the issue's numbers sit outside that spread, the gap is the reference's setup, not our evaluation.`,
  ];
}

/** Default results folder: experiments/movielens/results under a repository root. */
export function defaultResultsDirectory(root: string): string {
  return join(root, 'experiments', 'movielens', 'results');
}
