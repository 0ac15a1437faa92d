// Phrasing robustness of conversational recommenders on MovieLens 100K: the same first message (the user's goal and the
// genres it likes) said in 16 wordings, each the first message of a fresh conversation for every simulated user; the
// first list (top 5) of each assistant is scored against the user's hidden targets and compared with the canonical
// wording's ("I am looking for a movie to watch tonight. I usually like dramas and comedies."). A list that moves with a
// filler word ("I generally like" had searched "generally") shows as changed lists and a recall difference.
//
//   npx tsx --conditions=development experiments/simulation/phrasing.ts [--seed 1] [--users N] [--out DIR]
//   (the numbers must be plain integers: positive, the seed from 0 to 2^32 - 1; anything else exits 2)
//   Users and split as movielens.ts (--users N keeps the first N; the default, 100000, means all 933); the seed also
//   draws the bootstrap resamples. Results go to results/ only for the headline options; any other run writes under
//   $PERSONALAB_STATE_DIR/experiments/simulation-partial unless --out is given (phrasing--users-40.json).
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, getConfig, markdownTable, parseInteger, resultsDirectory, runHeader, runScript, scriptCommand, svgBarChart, writeResults, type Assistant } from '@personalab/core';
import { findDataset } from '@personalab/datasets';
import { createMostPopularAssistant, RecommenderAssistant } from '@personalab/simulator';
import { createExperimentEmbedder } from './embedder.js';
import { loadSpc, userTurnsOf } from './spc-corpus.js';
import { bestUserEmbeddingModel, chatRecAssistant } from './assistants.js';
import { movieLensWorld } from './movielens-world.js';
import { resultName } from './result-name.js';
import { firstLists, hasLikedGenres, phrasingHeadline, wordingRows, type FirstList, type PhrasingHeadline, type WordingRow } from './phrasing-robustness.js';
import { phrasingWordings } from './phrasing-wordings.js';

/** Items per list: the first list a user sees. */
const k = 5;
/** The genres the example column says the wordings with (the canonical sentence of the brief). */
const exampleGenres = 'dramas and comedies';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, users: { type: 'string', default: '100000' }, out: { type: 'string' } } });
  const seed = parseInteger('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 });
  const userLimit = parseInteger('--users', values.users, { min: 1 });
  const settings = { seed, users: userLimit };
  const headline = { seed: 1, users: 100_000 };
  const outputDirectory = resultsDirectory({ out: values.out, committed: join(import.meta.dirname, 'results'), changed: changedOptions(settings, headline), name: 'experiments/simulation-partial' });
  const config = getConfig();
  const { data, split, catalog, users: simulated, historyOf } = await movieLensWorld({ seed, userLimit, dataDir: config.dataDir });
  // A user who likes no genre says only its goal, alike in every wording: nothing to compare.
  const users = simulated.filter(hasLikedGenres);
  console.error(`${users.length} simulated users (${simulated.length - users.length} of ${simulated.length} left out: no liked genre), ${phrasingWordings.length} wordings`);

  // Chat-Rec's item-text search embeds with the experiments' embedder fitted on SPC user turns, as in movielens.ts.
  const spcDirectory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  const corpusTurns = spcDirectory ? userTurnsOf((await loadSpc(spcDirectory)).valid.conversations).slice(0, 5000) : [{ text: 'Hi!', context: '', conversationId: 'none' }];
  const embedder = createExperimentEmbedder(corpusTurns.map((turn) => turn.text));

  const best = await bestUserEmbeddingModel(config.tfBackend);
  await best.recommender.fit({ interactions: split.train, items: data.items, users: data.users }, { seed, quiet: true });
  const model = best.recommender;
  // Each wording meets the assistant as it was before any conversation: the two recommenders keep nothing between calls,
  // and Chat-Rec is opened afresh (its store would carry a user's earlier session, and profile, into the next wording).
  const arms: Array<{ name: string; note: string; open: () => Promise<{ assistant: Assistant; close: () => void }> }> = [
    { name: 'most-popular', note: 'interaction counts on the training split', open: async () => ({ assistant: createMostPopularAssistant({ interactions: split.train, catalog, k, historyOf }), close: () => undefined }) },
    { name: model.name, note: best.note, open: async () => ({ assistant: new RecommenderAssistant({ recommender: model, catalog, k, historyOf, name: model.name }), close: () => undefined }) },
    {
      name: 'chat-rec (in-process)',
      note: 'Chat-Rec pipeline of apps/recommender (offline re-ranker, candidates from the model above), a service opened in memory afresh for each wording',
      open: async () => {
        const chatRec = await chatRecAssistant({ data, train: split.train, model, embedder, k });
        return { assistant: chatRec.assistant, close: () => chatRec.service.close() };
      },
    },
  ];

  interface AssistantResult {
    assistant: string;
    note: string;
    headline: PhrasingHeadline;
    rows: WordingRow[];
    seconds: number;
  }
  const results: AssistantResult[] = [];
  for (const arm of arms) {
    const begin = performance.now();
    const lists: FirstList[][] = [];
    for (const wording of phrasingWordings) {
      const opened = await arm.open();
      try {
        lists.push(await firstLists({ assistant: opened.assistant, users, wording, k, quiet: config.quiet, label: `${arm.name} · ${wording.name}` }));
      } finally {
        opened.close();
      }
    }
    const rows = wordingRows(phrasingWordings, lists, { seed });
    results.push({ assistant: arm.name, note: arm.note, headline: phrasingHeadline(rows), rows, seconds: (performance.now() - begin) / 1000 });
    const last = results.at(-1) as AssistantResult;
    console.error(`${arm.name}: worst wording ${last.headline.worstWording} (${last.headline.worstRelativeRecall?.toFixed(3) ?? '-'} of the canonical recall), changed lists ${last.headline.meanChangedShare.toFixed(3)} in ${last.seconds.toFixed(1)} s`);
  }

  const headlineTable = markdownTable(
    ['assistant', `canonical recall@${k}`, 'worst wording', `worst recall@${k}`, 'worst / canonical', 'mean share of changed lists', 'simulation s'],
    results.map((result) => [result.assistant, result.rows[0]?.recall ?? 0, result.headline.worstWording, Math.min(...result.rows.slice(1).map((row) => row.recall)), result.headline.worstRelativeRecall ?? '-', result.headline.meanChangedShare, result.seconds]),
    3,
  );
  const sections = results.flatMap((result) => [
    `## ${result.assistant}`,
    '',
    markdownTable(
      ['wording', 'source', `recall@${k}`, 'hit rate', 'changed lists', 'recall − canonical', '95 % low', '95 % high', 'errors'],
      result.rows.map((row) => [row.wording, row.source, row.recall, row.hitRate, row.changedShare, row.recallDifference.mean, row.recallDifference.low, row.recallDifference.high, row.errors]),
      4,
    ),
    '',
  ]);
  const wordingTable = markdownTable(
    ['wording', 'source', `said for a fan of ${exampleGenres}`],
    phrasingWordings.map((wording) => [wording.name, wording.source, wording.say('I am looking for a movie to watch tonight.', exampleGenres)]),
  );
  const markdown = [
    '# Phrasing robustness of the first list (MovieLens 100K, simulated users)',
    '',
    ...runHeader({ command: scriptCommand('experiments/simulation/phrasing.ts'), date: startedAt }),
    `${users.length} simulated users (the users of movielens.ts: MovieLens users with a held-out liked item, 80/20 per-user stratified split, seed ${seed}; ${simulated.length - users.length} who like no genre left out, as their first message has no liking to word). Each user sends each of ${phrasingWordings.length} wordings of the same first message, its goal and the (up to 3) genres its hidden profile likes, as the first message of a fresh conversation; the first list (top ${k}) is scored against the hidden targets (held-out items rated ≥ 4).`,
    '',
    headlineTable,
    '',
    `- **worst / canonical**: recall@${k} of the wording with the lowest recall over the canonical wording's; **mean share of changed lists**: over the ${phrasingWordings.length - 1} other wordings, the share of users whose first list (items and order) differs from the one the canonical wording got.`,
    `- **recall − canonical**: the mean over users of the paired difference in recall@${k}, with a percentile bootstrap 95 % interval over users (2,000 resamples, seed ${seed}); an interval that excludes 0 is a wording that moves recall. An error counts as an empty list.`,
    ...results.map((result) => `- **${result.assistant}**: ${result.note}`),
    '',
    '## Wordings',
    '',
    wordingTable,
    '',
    ...sections,
  ].join('\n');
  const written = writeResults(outputDirectory, resultName('phrasing', settings, headline), {
    json: { dataset: 'movielens-100k', seed, k, users: users.length, leftOut: simulated.length - users.length, wordings: phrasingWordings.map((wording) => ({ name: wording.name, source: wording.source, example: wording.say('I am looking for a movie to watch tonight.', exampleGenres) })), assistants: results },
    markdown,
    svgs: {
      recall: svgBarChart(phrasingWordings.map((wording) => wording.name), results.map((result) => ({ name: result.assistant, values: result.rows.map((row) => row.recall) })), { title: `Recall@${k} of the first list by wording of the first message`, yLabel: 'recall', yMin: 0 }),
      changed: svgBarChart(phrasingWordings.map((wording) => wording.name), results.map((result) => ({ name: result.assistant, values: result.rows.map((row) => row.changedShare) })), { title: 'Share of users whose first list differs from the canonical wording\'s', yLabel: 'share of users', yMin: 0, yMax: 1 }),
    },
  });
  console.log(headlineTable);
  console.error(`wrote ${written.join(', ')}`);
});
