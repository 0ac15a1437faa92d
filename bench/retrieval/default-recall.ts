/**
 * Recall@10 of HnswIndex with its default parameters (M 16, efConstruction 200, ef 64), against ExactIndex, on the
 * vectors a service would index: MovieLens-100K items as text (the recommender's item index), as BPR item vectors
 * searched with user vectors (inner product, candidate generation), as rating columns (item-to-item), and 100k
 * i.i.d. Gaussian vectors (the worst case for graph search). Recall only, no timing: see run.ts for speed.
 * Writes bench/results/retrieval/default-recall.{json,md}.
 *
 *   npx tsx --conditions=development bench/retrieval/default-recall.ts [--random-count 100000] [--efs 64,128,256] [--out DIR] [--name NAME]
 */
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { changedOptions, createRandom, machineLine, markdownTable, parseInteger, parseIntegerList, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, writeResults, type Metric, type SearchHit } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { ExactIndex, HashingEmbedder, HnswIndex, recallAtK, scoreRecallAtK } from '@personalab/retrieval';
import { BprRecommender, exportItemVectors, exportedDimension, selectBackend, userQueryVector } from '@personalab/user-embedding';

interface SetResult {
  name: string;
  count: number;
  dimension: number;
  metric: Metric;
  queries: string;
  buildCpuSeconds: number;
  points: { ef: number; recall: number; idRecall: number }[];
}

const k = 10;

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      'random-count': { type: 'string', default: '100000' },
      efs: { type: 'string', default: '64,128,256' },
      out: { type: 'string' },
      name: { type: 'string' },
    },
  });
  const randomCount = parseInteger('--random-count', values['random-count'], { min: 100 });
  const efs = parseIntegerList('--efs', values.efs, { min: 1 });
  const changed = changedOptions({ 'random-count': randomCount, efs, name: values.name }, { 'random-count': 100_000, efs: [64, 128, 256] });
  const outputDirectory = resultsDirectory({ out: values.out, committed: join(import.meta.dirname, '..', 'results', 'retrieval'), changed, name: 'bench/retrieval-partial' });
  const directory = findDataset('movielens-100k');
  // The headline run would replace the committed table with one that lacks the MovieLens rows (it had, saying so only on stderr).
  if (directory === undefined && values.out === undefined && changed.length === 0) {
    throw new PersonalabError('not_found', `movielens-100k not found (${howToGet('movielens-100k')}); the headline run writes bench/results/retrieval and needs it: give --out DIR to run without it`);
  }
  const missingNote = `movielens-100k not found, its sets are skipped: ${howToGet('movielens-100k')}`;
  const skipped = directory === undefined ? missingNote : undefined;
  const startedAt = new Date();
  const started = startedAt.toISOString();
  const startedLoad = loadavg();
  const log = (line: string) => console.log(line);
  const results: SetResult[] = [];

  /** Builds a default HnswIndex and an ExactIndex over the records and compares their top 10 for each query and ef. */
  const measure = (name: string, metric: Metric, queriesLabel: string, fill: (index: HnswIndex | ExactIndex) => void, queries: readonly (Float32Array | readonly number[])[]) => {
    const dimension = queries[0]?.length;
    if (dimension === undefined) throw new PersonalabError('internal', `${name}: no queries`);
    const reference = new ExactIndex({ dimension, metric });
    fill(reference);
    const index = new HnswIndex({ dimension, metric });
    const before = process.cpuUsage();
    fill(index);
    const used = process.cpuUsage(before);
    const truth = queries.map((query) => reference.search(query, { k }));
    const points = [undefined, ...efs.filter((ef) => ef !== index.defaultEf)].map((ef) => {
      const found: SearchHit[][] = queries.map((query) => index.search(query, ef === undefined ? { k } : { k, ef }));
      return {
        ef: ef ?? index.defaultEf,
        recall: scoreRecallAtK(truth, found, k),
        idRecall: recallAtK(truth.map((hits) => hits.map((hit) => hit.id)), found.map((hits) => hits.map((hit) => hit.id)), k),
      };
    });
    const result: SetResult = { name, count: reference.size, dimension, metric, queries: queriesLabel, buildCpuSeconds: (used.user + used.system) / 1e6, points };
    log(`${name}: ${points.map((point) => `ef ${point.ef} recall@10 ${point.recall.toFixed(4)} (by id ${point.idRecall.toFixed(4)})`).join(', ')}`);
    results.push(result);
  };

  if (directory === undefined) log(missingNote);
  else {
    const data = await loadMovieLens100k(directory);
    const items = data.items;
    // Title, genres and year, as the recommender's item text index (apps/recommender itemText) embeds them.
    const texts = items.map((item) => [item.title, item.tags.join(' '), item.year === undefined ? '' : String(item.year)].filter(Boolean).join('. '));
    const embedder = HashingEmbedder.fit(texts);
    const textVectors = texts.map((text) => embedder.embedOne(text));
    measure('MovieLens-100K items, title + genres + year (HashingEmbedder)', 'cosine', `every item (${items.length})`, (index) => index.add(textVectors.map((vector, position) => ({ id: items[position]!.id, vector }))), textVectors);

    await selectBackend({ log: () => undefined });
    const model = new BprRecommender({ epochs: 10 });
    await model.fit({ interactions: data.ratings, items }, { quiet: true, seed: 1 });
    const users = [...new Set(data.ratings.map((rating) => rating.userId))];
    const userVectors = users.map((userId) => userQueryVector(model, { userId }));
    measure(`MovieLens-100K BPR item vectors + bias (64 + 1, 10 epochs)`, 'ip', `every user's vector (${users.length})`, (index) => {
      if (index.dimension !== exportedDimension(model)) throw new PersonalabError('internal', 'BPR export width');
      exportItemVectors(model, index);
    }, userVectors);
    model.dispose();

    const userPosition = new Map(users.map((userId, position) => [userId, position]));
    const itemPosition = new Map(items.map((item, position) => [item.id, position]));
    const columns = items.map(() => new Float32Array(users.length));
    for (const rating of data.ratings) {
      const item = itemPosition.get(rating.itemId);
      const user = userPosition.get(rating.userId);
      if (item !== undefined && user !== undefined && rating.kind === 'rating') columns[item]![user] = rating.value;
    }
    measure('MovieLens-100K rating columns (item-to-item)', 'cosine', `every item (${items.length})`, (index) => index.add(columns.map((vector, position) => ({ id: items[position]!.id, vector }))), columns);
  }

  const random = createRandom(5);
  const gaussian = (count: number) => Array.from({ length: count }, () => Float32Array.from({ length: 64 }, () => random.normal()));
  const points = gaussian(randomCount);
  const randomQueries = gaussian(500);
  measure(`i.i.d. Gaussian ${randomCount.toLocaleString('en')} × 64`, 'cosine', '500 held-out points', (index) => {
    for (let start = 0; start < points.length; start += 10_000) index.add(points.slice(start, start + 10_000).map((vector, offset) => ({ id: String(start + offset), vector })));
  }, randomQueries);

  const markdown = [
    '# HnswIndex recall at its default parameters',
    '',
    ...runHeader({
      command: scriptCommand('bench/retrieval/default-recall.ts'),
      date: startedAt,
      machine: `${machineLine()}, load average ${startedLoad.map((value) => value.toFixed(2)).join(' / ')}.`,
    }),
    '`new HnswIndex({ dimension, metric })`: M 16, efConstruction 200, ef 64; recall@10 against ExactIndex, ties counted as found (recall by id beside it).',
    '',
    ...(skipped === undefined ? [] : [skipped, '']),
    markdownTable(
      ['set', 'vectors', 'metric', 'queries', 'build CPU-s', ...results[0]!.points.map((point) => `recall@10, ef ${point.ef}${point.ef === 64 ? ' (default)' : ''}`)],
      results.map((result) => [
        result.name,
        `${result.count.toLocaleString('en')} × ${result.dimension}`,
        result.metric,
        result.queries,
        result.buildCpuSeconds.toFixed(1),
        ...result.points.map((point) => `${point.recall.toFixed(3)} (id ${point.idRecall.toFixed(3)})`),
      ]),
    ),
    '',
  ].join('\n');
  const files = writeResults(outputDirectory, values.name ?? 'default-recall', { json: { started, loadAverage: startedLoad, node: process.version, k, results, ...(skipped === undefined ? {} : { skipped }) }, markdown });
  console.log(`wrote ${files.join(', ')}`);
});
