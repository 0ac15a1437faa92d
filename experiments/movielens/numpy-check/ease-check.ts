/**
 * The TypeScript side of the P1 EASE check: the same split as `ease_check.py` (stratifiedSplit with
 * `shuffle: 'numpy'`, i.e. Recommenders' rows), our EaseRecommender (λ = 500) and our ranking metrics.
 * Prints the md5 of the sorted "user<TAB>item" test pairs, to compare with the numpy script's line for the
 * same seed, and writes experiments/movielens/results/ease-check.{json,md} (beside the numpy script's JSON).
 * Usage: python3 experiments/movielens/numpy-check/ease_check.py --seeds 42,7,1 --json experiments/movielens/results/ease-check-numpy.json
 *        npx tsx --conditions=development experiments/movielens/numpy-check/ease-check.ts [--seeds 42,7,1] [--out DIR]
 * Only the headline run (seeds 42,7,1) writes experiments/movielens/results; any other run writes under
 * $PERSONALAB_STATE_DIR/experiments/movielens-partial unless --out is given (the numpy JSON is always read
 * from experiments/movielens/results).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, markdownTable, parseIntegerList, PersonalabError, resultsDirectory as chooseResultsDirectory, runHeader, runScript, scriptCommand, writeResults } from '@personalab/core';
import { evaluateRanking, findDataset, howToGet, loadMovieLens100k, stratifiedSplit } from '@personalab/datasets';
import { EaseRecommender } from '@personalab/user-embedding';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { seeds: { type: 'string', default: '42,7,1' }, out: { type: 'string' } } });
  const seeds = parseIntegerList('--seeds', values.seeds, { min: 0, max: 2 ** 32 - 1 });
  const committedDirectory = join(process.cwd(), 'experiments', 'movielens', 'results');
  const resultsDirectory = chooseResultsDirectory({ out: values.out, committed: committedDirectory, changed: changedOptions({ seeds }, { seeds: [42, 7, 1] }), name: 'experiments/movielens-partial' });
  const directory = findDataset('movielens-100k');
  if (!directory) throw new PersonalabError('not_found', `movielens-100k not found: ${howToGet('movielens-100k')}`);
  const numpyPath = join(committedDirectory, 'ease-check-numpy.json');
  const numpy = existsSync(numpyPath) ? (JSON.parse(readFileSync(numpyPath, 'utf8')) as { results: { seed: number; ndcg: number; precision: number; testPairsMd5: string }[] }).results : [];
  const data = await loadMovieLens100k(directory);
  const rows = [];
  for (const seed of seeds) {
    const { train, test } = stratifiedSplit(data.ratings, { ratio: 0.75, seed, shuffle: 'numpy' });
    const md5 = createHash('md5')
      .update(test.map((rating) => `${rating.userId}\t${rating.itemId}`).sort().join('\n'))
      .digest('hex');
    const model = new EaseRecommender({ lambda: 500 });
    await model.fit({ interactions: train, items: data.items, users: data.users });
    const seen = new Map<string, string[]>();
    for (const rating of train) (seen.get(rating.userId) ?? seen.set(rating.userId, []).get(rating.userId))?.push(rating.itemId);
    const relevant = new Map<string, Set<string>>();
    for (const rating of test) (relevant.get(rating.userId) ?? relevant.set(rating.userId, new Set()).get(rating.userId))?.add(rating.itemId);
    const recommendations = new Map<string, string[]>();
    for (const userId of relevant.keys()) {
      const history = seen.get(userId) ?? [];
      recommendations.set(userId, (await model.recommend({ userId, history, k: 10, exclude: history })).map((entry) => entry.itemId));
    }
    const metrics = evaluateRanking(recommendations, relevant, 10);
    const reference = numpy.find((entry) => entry.seed === seed);
    const row = { seed, ndcg: metrics.ndcgAtK, precision: metrics.precisionAtK, testPairsMd5: md5, numpyNdcg: reference?.ndcg, numpyPrecision: reference?.precision, sameSplit: reference ? reference.testPairsMd5 === md5 : undefined };
    rows.push(row);
    console.error(`seed ${seed}: NDCG@10 ${row.ndcg.toFixed(4)} P@10 ${row.precision.toFixed(4)} test md5 ${md5}${reference ? ` (numpy ${reference.ndcg.toFixed(4)} / ${reference.precision.toFixed(4)}, same split: ${row.sameSplit})` : ''}`);
  }
  const markdown = [
    '# EASE (λ = 500) on the identical split: our TypeScript vs the numpy reference',
    '',
    ...runHeader({ command: scriptCommand('experiments/movielens/numpy-check/ease-check.ts'), date: startedAt }),
    "Split: Recommenders' python_stratified_split rows (numpy RandomState permutation per user), see numpy-check/ease_check.py.",
    '',
    markdownTable(
      ['seed', 'ours NDCG@10', 'numpy NDCG@10', 'ours P@10', 'numpy P@10', 'same test pairs (md5)'],
      rows.map((row) => [String(row.seed), row.ndcg, row.numpyNdcg, row.precision, row.numpyPrecision, row.sameSplit === undefined ? '–' : row.sameSplit ? 'yes' : 'NO']),
    ),
  ].join('\n');
  const written = writeResults(resultsDirectory, 'ease-check', { json: { seeds, rows }, markdown });
  console.log(markdown);
  console.error(`wrote ${written.join(', ')}`);
});
