/**
 * Session 12 screen (issue 4): settings of the sequential two-tower model, never tuned since it was written, on the
 * P1 inner validation split. Seed 42's P1 training part (Recommenders' rows, `shuffle: 'numpy'`) is split again per
 * user 90/10 (seed 1042, as the P1 run does); each setting trains on the 90 % with early stopping on the 10 % and
 * reports its best epoch's validation NDCG@10 (the P1 test part is never read). Output: one line per setting on stdout.
 * Usage: npx tsx --conditions=development experiments/movielens/two-tower-screen.ts [setting names, default all]
 * (reads movielens-100k from the usual data folders, or the folder given as DATA).
 */
import { stratifiedSplit } from '@personalab/datasets';
import { loadScreenData } from './screen-data.js';
import { selectBackend, SequentialTwoTowerRecommender, type SequentialTwoTowerOptions } from '@personalab/user-embedding';
import { PersonalabError, scriptOptions } from '@personalab/core';

const settings: Record<string, SequentialTwoTowerOptions> = {
  default: {},
  'd128': { dimension: 128 },
  'd256': { dimension: 256 },
  'keep 0.3-0.9': { keepRange: [0.3, 0.9] },
  'keep 0.7-0.95': { keepRange: [0.7, 0.95] },
  'l2 1e-5': { l2: 1e-5 },
  'lr 1e-3': { learningRate: 1e-3 },
  '2 samples per user': { samplesPerUser: 2 },
  'item-to-item from EASE 500': { itemToItem: true, easeLambda: 500 },
};
const chosen = process.argv.slice(2);
// One line (exit 2) for a bad name, as every script: a plain Error at the top level had printed a stack trace.
scriptOptions(() => {
  for (const name of chosen) if (!Object.hasOwn(settings, name)) throw new PersonalabError('invalid_argument', `unknown setting ${JSON.stringify(name)}; one of ${Object.keys(settings).join(', ')}`);
});
await selectBackend({});
const data = await loadScreenData();
const split = stratifiedSplit(data.ratings, { ratio: 0.75, seed: 42, shuffle: 'numpy' });
const inner = stratifiedSplit(split.train, { ratio: 0.9, seed: 1042 });
for (const name of chosen.length > 0 ? chosen : Object.keys(settings)) {
  const model = new SequentialTwoTowerRecommender({ epochs: 40, patience: 5, ...settings[name] });
  const started = performance.now();
  await model.fit({ items: data.items, users: data.users, interactions: inner.train }, { validation: inner.test, seed: 42, quiet: true });
  const summary = model.summary;
  console.log(`${name}: validation NDCG@10 ${summary?.bestMetric.toFixed(4)} at epoch ${summary?.bestEpoch} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  model.dispose();
}
