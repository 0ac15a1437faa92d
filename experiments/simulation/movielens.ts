// MovieLens 100K conversational evaluation (iEvaLM style): one simulated user per real user,
// hidden targets = held-out items the user rated >= 4, hidden ratings = all of the user's
// ratings, seen = the training items. Each assistant recommends k = 5 items per turn for up to
// 5 turns; the simulated user reacts from its hidden ratings and mentions the genres it likes.
//
//   npx tsx --conditions=development experiments/simulation/movielens.ts [--seed 1] [--users N] [--max-turns 5] [--k 5] [--http-users 100] [--hint profile|target]
//     [--out DIR]
//   (the numbers must be plain integers: positive, the seed from 0 to 2^32 - 1; anything else exits 2)
//   --users N keeps the first N simulated users; the default, 100000, means all of them (933: the MovieLens users
//   with a held-out liked item). Only that default is the headline run: --users 943 or 933 runs everyone too, but as
//   a partial run.
//   Results go to results/ only for the headline options (the defaults, either --hint); any other run writes under
//   $PERSONALAB_STATE_DIR/experiments/simulation-partial unless --out is given, its file names carrying the options
//   that differ (movielens--users-40.json), so runs with other settings do not overwrite each other.
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, getConfig, parseInteger, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, markdownTable, svgBarChart, svgLineChart, writeResults, type Assistant, type DialogueTurn, type Recommender } from '@personalab/core';
import { findDataset } from '@personalab/datasets';
import { HnswIndex } from '@personalab/retrieval';
import {
  createMostPopularAssistant,
  RecommenderAssistant,
  RecommenderHttpAssistant,
  RetrievalUserSimulator,
  simulate,
  UserTurnCorpus,
  type RecommendationSummary,
} from '@personalab/simulator';
import { createExperimentEmbedder } from './embedder.js';
import { loadSpc, userTurnsOf } from './spc-corpus.js';
import { bestUserEmbeddingModel, chatRecAssistant, serveOverHttp } from './assistants.js';
import { movieLensWorld } from './movielens-world.js';
import { resultName } from './result-name.js';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { seed: { type: 'string', default: '1' }, users: { type: 'string', default: '100000' }, 'max-turns': { type: 'string', default: '5' }, k: { type: 'string', default: '5' }, 'http-users': { type: 'string', default: '100' }, hint: { type: 'string', default: 'profile' }, out: { type: 'string' } } });
  if (values.hint !== 'profile' && values.hint !== 'target') throw new PersonalabError('invalid_argument', `--hint must be "profile" or "target", got "${values.hint}"`);
  const hint: 'profile' | 'target' = values.hint;
  const seed = parseInteger('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 });
  const maxTurns = parseInteger('--max-turns', values['max-turns'], { min: 1 });
  const k = parseInteger('--k', values.k, { min: 1 });
  const userLimit = parseInteger('--users', values.users, { min: 1 });
  const httpUserLimit = parseInteger('--http-users', values['http-users'], { min: 1 });
  // Both hints are headline runs (movielens.* and movielens-target-hint.*); anything else is partial.
  const settings = { seed, users: userLimit, 'max-turns': maxTurns, k, 'http-users': httpUserLimit };
  const headline = { seed: 1, users: 100_000, 'max-turns': 5, k: 5, 'http-users': 100 };
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, 'results'),
    changed: changedOptions(settings, headline),
    name: 'experiments/simulation-partial',
  });
  const config = getConfig();
  const { data, split, catalog, users, historyOf } = await movieLensWorld({ seed, userLimit, dataDir: config.dataDir });
  console.error(`${users.length} simulated users (of ${data.users.length}) with at least one held-out liked item; ${split.train.length} training ratings`);

  // The simulator needs a corpus only for chit-chat turns; recommendation turns are grounded feedback.
  const spcDirectory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  const corpusTurns = spcDirectory ? userTurnsOf((await loadSpc(spcDirectory)).valid.conversations).slice(0, 5000) : [{ text: 'Hi!', context: '', conversationId: 'none' }];
  const embedder = createExperimentEmbedder(corpusTurns.map((turn) => turn.text));
  const corpus = await UserTurnCorpus.build({ turns: corpusTurns, embedder, createIndex: (dimension) => new HnswIndex({ dimension, m: 12, efConstruction: 48 }) });

  const assistants: Array<{ assistant: Assistant; note: string; fitSeconds: number; users?: typeof users }> = [];
  assistants.push({ assistant: createMostPopularAssistant({ interactions: split.train, catalog, k, historyOf }), note: 'interaction counts on the training split', fitSeconds: 0 });
  const best = await bestUserEmbeddingModel(config.tfBackend);
  const fitBegin = performance.now();
  await best.recommender.fit({ interactions: split.train, items: data.items, users: data.users }, { seed, quiet: true });
  const model: Recommender = best.recommender;
  assistants.push({ assistant: new RecommenderAssistant({ recommender: model, catalog, k, historyOf, name: model.name }), note: best.note, fitSeconds: (performance.now() - fitBegin) / 1000 });
  const chatRec = await chatRecAssistant({ data, train: split.train, model, embedder, k });
  assistants.push({ assistant: chatRec.assistant, note: chatRec.note, fitSeconds: chatRec.seconds });
  // The same pipeline over its HTTP API (POST /v1/chat), on the first users only (it is slower). A service of its own, opened
  // as the in-process one: sharing that one's store, its users came to the HTTP arm with the in-process arm's conversations
  // behind them, and a returning user's new session goes on from the last one (it leaves out what that one offered when
  // asked for something new or else), so the two arms were no longer the same users meeting the same pipeline.
  const httpChatRec = await chatRecAssistant({ data, train: split.train, model, embedder, k });
  const http = await serveOverHttp(httpChatRec.service, 'simulation');
  const httpUsers = users.slice(0, httpUserLimit);
  assistants.push({ assistant: new RecommenderHttpAssistant({ baseUrl: http.baseUrl, apiKey: 'simulation', k }), note: `the same Chat-Rec pipeline in a service of its own behind its HTTP API (POST /v1/chat on a local port), first ${httpUsers.length} users only`, fitSeconds: 0, users: httpUsers });

  interface Row {
    assistant: string;
    note: string;
    users: number;
    summary: RecommendationSummary;
    /** Share of users whose target was offered in the first turn (what a one-shot top-k list gets). */
    firstTurnHitRate: number;
    /** Share of assistant turns that recommended nothing (e.g. answered chit-chat). */
    emptyTurnRate: number;
    /** Share of recommended items (after the first turn) that the assistant had already offered in the conversation. */
    repeatRate: number;
    seconds: number;
    fitSeconds: number;
    errors: number;
  }
  const rows: Row[] = [];
  for (const { assistant, note, fitSeconds, users: subset } of assistants) {
    const begin = performance.now();
    const result = await simulate({
      simulator: () => new RetrievalUserSimulator({ corpus, catalog, seed, hint }),
      assistant,
      users: subset ?? users,
      maxTurns,
      k,
      concurrency: 8,
      quiet: config.quiet,
      label: assistant.name,
    });
    const firstTurnHits = result.conversations.filter((record) => {
      const first = record.turns.find((turn: DialogueTurn) => turn.role === 'assistant');
      return (first?.recommendedItemIds ?? []).slice(0, k).some((itemId) => record.targetItemIds.includes(itemId));
    }).length;
    const assistantTurns = result.conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'assistant'));
    const emptyTurnRate = assistantTurns.filter((turn) => (turn.recommendedItemIds ?? []).length === 0).length / Math.max(1, assistantTurns.length);
    let repeated = 0;
    let laterItems = 0;
    for (const record of result.conversations) {
      const offered = new Set<string>();
      record.turns.filter((turn) => turn.role === 'assistant').forEach((turn, index) => {
        for (const itemId of turn.recommendedItemIds ?? []) {
          if (index > 0) {
            laterItems++;
            if (offered.has(itemId)) repeated++;
          }
          offered.add(itemId);
        }
      });
    }
    const repeatRate = laterItems === 0 ? 0 : repeated / laterItems;
    rows.push({ assistant: assistant.name, note, repeatRate, users: result.conversations.length, summary: result.summary, firstTurnHitRate: firstTurnHits / Math.max(1, result.conversations.length), emptyTurnRate, seconds: (performance.now() - begin) / 1000, fitSeconds, errors: result.conversations.filter((record) => record.endReason === 'error').length });
    console.error(`${assistant.name}: success ${result.summary.successRate.toFixed(3)} in ${rows.at(-1)?.seconds.toFixed(1)} s`);
  }

  await http.close();
  const table = markdownTable(
    ['assistant', 'users', `success within ${maxTurns} turns`, 'goal met (user accepted)', 'mean turns to success', ...Array.from({ length: maxTurns }, (_, turn) => `recall@${k} after turn ${turn + 1}`), 'turns without recommendations', 'repeated items', 'errors', 'simulation s', 'fit s'],
    rows.map((row) => [row.assistant, row.users, row.summary.successRate, row.summary.goalMetRate, row.summary.meanTurnsToSuccess, ...row.summary.recallByTurn, row.emptyTurnRate, row.repeatRate, row.errors, row.seconds, row.fitSeconds]),
    3,
  );
  const notes = rows.map((row) => `- **${row.assistant}**: ${row.note}`);
  const markdown = [
    '# MovieLens 100K conversational evaluation (simulated users)',
    '',
    ...runHeader({ command: scriptCommand('experiments/simulation/movielens.ts'), date: startedAt }),
    `${users.length} simulated users, one per MovieLens user with at least one held-out liked item (80/20 per-user stratified split, seed ${seed}). Hidden targets: held-out items rated ≥ 4; hidden ratings: all the user's ratings; seen: training items. Simulator: RetrievalUserSimulator (offline; feedback grounded in the hidden ratings; ${hint === 'profile' ? 'after a list it accepts nothing from, the user says it is "more in the mood for" one of its profile\'s liked subjects, unrelated to the hidden targets' : 'after a list it accepts nothing from, the user says it is "more in the mood for" a genre of one of its hidden targets, as a user who knows what they want would'}). Each assistant recommends ${k} items per turn for at most ${maxTurns} turns; the most-popular and ${model.name} assistants (the simulator package's RecommenderAssistant) never repeat an item or offer a training item, and the Chat-Rec pipeline decides for itself (see repeated items).`,
    '',
    table,
    '',
    '- **turns without recommendations** / **repeated items**: share of assistant turns that offered nothing, and share of items offered after the first turn that the assistant had already offered in the same conversation (an item offered again cannot raise recall).',
    `- **success within ${maxTurns} turns** (iEvaLM): a hidden target was among the ${k} items of some assistant turn; **recall@${k} after turn t**: share of the user's targets offered in turns 1..t (cumulative).`,
    ...notes,
  ].join('\n');
  const written = writeResults(outputDirectory, resultName(hint === 'profile' ? 'movielens' : 'movielens-target-hint', settings, headline), {
    json: { dataset: 'movielens-100k', seed, k, maxTurns, hint, users: users.length, rows },
    markdown,
    svgs: {
      recall: svgLineChart(Array.from({ length: maxTurns }, (_, turn) => turn + 1), rows.map((row) => ({ name: row.assistant, values: row.summary.recallByTurn })), { title: `Recall@${k} of hidden targets over turns (MovieLens 100K)`, xLabel: 'assistant turn', yLabel: 'recall', yMin: 0 }),
      success: svgBarChart(['success', 'first-turn hit'], rows.map((row) => ({ name: row.assistant, values: [row.summary.successRate, row.firstTurnHitRate] })), { title: `Success within ${maxTurns} turns vs first-turn hit`, yMin: 0, yMax: 1 }),
    },
  });
  console.log(table);
  console.error(`wrote ${written.join(', ')}`);
});
