/**
 * Session 6 check of the ideal low-pass port against the numpy prototype (graph_filters.py p1, λ 300): context-EASE's
 * epoch-0 closed form (epochs 0: page-EASE at λ, z-blended with the low-pass when its weight is 0.25) fitted on each
 * P1 training part and scored on its test part, seeds 42, 7, 1. Output: one line per seed and weight on stdout (it
 * writes no file; results/p1-lowpass-lambda300-check.md was written by hand from that output).
 * Usage: LAMBDA=300 npx tsx --conditions=development experiments/movielens/lowpass-lambda300-check.ts
 * (reads movielens-100k from the usual data folders, or the folder given as DATA).
 */
import { evaluateRanking, stratifiedSplit } from '@personalab/datasets';
import { loadScreenData } from './screen-data.js';
import { ContextEaseRecommender, itemsByUser } from '@personalab/user-embedding';
import { parseArgs } from 'node:util';
import { parseInteger, scriptOptions } from '@personalab/core';
// It takes no options (λ comes from LAMBDA): an argument, `--help` included, had been ignored and the whole check run.
scriptOptions(() => parseArgs({ options: {} }));
const lambda = scriptOptions(() => parseInteger('LAMBDA', process.env.LAMBDA ?? '300', { min: 1 }));
const data = await loadScreenData();
for (const seed of [42, 7, 1]) {
  const split = stratifiedSplit(data.ratings, { ratio: 0.75, seed, shuffle: 'numpy' });
  const seen = itemsByUser(split.train);
  const relevant = new Map([...itemsByUser(split.test)].map(([user, items]) => [user, new Set(items)]));
  for (const weight of [0, 0.25]) {
    const started = performance.now();
    const model = new ContextEaseRecommender({ epochs: 0, easeLambda: lambda, lowPass: { weight } });
    await model.fit({ items: data.items, users: data.users, interactions: split.train }, { seed, quiet: true });
    const fit = (performance.now() - started) / 1000;
    const recs = new Map<string, string[]>();
    for (const userId of relevant.keys()) {
      const history = seen.get(userId) ?? [];
      recs.set(userId, (await model.recommend({ userId, history, k: 10, exclude: history })).map((entry) => entry.itemId));
    }
    const result = evaluateRanking(recs, relevant, 10);
    console.log(`seed ${seed} λ ${lambda} low-pass weight ${weight}: NDCG@10 ${result.ndcgAtK.toFixed(4)} P@10 ${result.precisionAtK.toFixed(4)} (fit ${fit.toFixed(1)} s)`);
    model.dispose();
  }
}
