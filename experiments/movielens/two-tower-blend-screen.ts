/**
 * Session 8 screen (issue 4): would blending in the one learned tfjs ranker, the sequential two-tower model, lift
 * context-EASE? Per user, z(context-EASE) + w·z(two-tower) over the catalogue (z: population z-score), training items
 * excluded, NDCG@10 on the P1 test part of one seed. context-EASE's closed form (λ 500, as P1 chooses; epochs 0) is
 * fitted on the whole training part, the two-tower as P1 trains it (inner 90/10 split, early stopping there, the whole
 * training history read at test time). w is scanned on the test part itself, so the best row is an upper bound of what
 * a blend could add, not a result. Output: one line per weight on stdout (no file; the README quotes it).
 * Usage: npx tsx --conditions=development experiments/movielens/two-tower-blend-screen.ts [seed, default 42]
 * (reads movielens-100k from the usual data folders, or the folder given as DATA).
 */
import { stratifiedSplit } from '@personalab/datasets';
import { loadScreenData } from './screen-data.js';
import { ContextEaseRecommender, itemsByUser, selectBackend, SequentialTwoTowerRecommender, topK } from '@personalab/user-embedding';
import { parseInteger, scriptOptions } from '@personalab/core';

const seed = scriptOptions(() => parseInteger('seed', process.argv[2] ?? '42', { min: 0, max: 0xffffffff }));
await selectBackend({});
const data = await loadScreenData();
const split = stratifiedSplit(data.ratings, { ratio: 0.75, seed, shuffle: 'numpy' });
const inner = stratifiedSplit(split.train, { ratio: 0.9, seed: seed + 1000 });
const training = { items: data.items, users: data.users };
const closedForm = new ContextEaseRecommender({ epochs: 0, easeLambda: 500 });
await closedForm.fit({ ...training, interactions: split.train }, { seed, quiet: true });
const twoTower = new SequentialTwoTowerRecommender({ epochs: 30, patience: 4 });
await twoTower.fit({ ...training, interactions: inner.train }, { validation: inner.test, seed, quiet: true });

const seen = itemsByUser(split.train);
const relevant = new Map([...itemsByUser(split.test)].map(([user, items]) => [user, new Set(items)]));
const itemIds = closedForm.itemIds;
function zScores(values: ArrayLike<number>): Float64Array {
  let sum = 0;
  let squares = 0;
  for (let index = 0; index < values.length; index++) {
    const value = Number.isFinite(values[index]) ? (values[index] as number) : 0;
    sum += value;
    squares += value * value;
  }
  const mean = sum / values.length;
  const deviation = Math.sqrt(Math.max(1e-12, squares / values.length - mean * mean));
  return Float64Array.from(values, (value) => ((Number.isFinite(value) ? value : 0) - mean) / deviation);
}
const weights = [0, 0.05, 0.1, 0.2, 0.3, 0.5];
const totals = weights.map(() => 0);
for (const [userId, items] of relevant) {
  const history = seen.get(userId) ?? [];
  const a = zScores(await closedForm.score({ userId, history, itemIds }));
  const b = zScores(await twoTower.score({ userId, history, itemIds }));
  const excluded = new Set(history.map((id) => closedForm.data.itemIndex.get(id) as number));
  weights.forEach((weight, index) => {
    const top = topK(a.map((value, j) => value + weight * (b[j] as number)), 10, excluded);
    let dcg = 0;
    let ideal = 0;
    top.forEach((item, rank) => {
      if (items.has(itemIds[item] as string)) dcg += 1 / Math.log2(rank + 2);
    });
    for (let rank = 0; rank < Math.min(10, items.size); rank++) ideal += 1 / Math.log2(rank + 2);
    totals[index] = (totals[index] as number) + dcg / ideal;
  });
}
weights.forEach((weight, index) => console.log(`seed ${seed} w ${weight}: NDCG@10 ${((totals[index] as number) / relevant.size).toFixed(4)}`));
closedForm.dispose();
twoTower.dispose();
