// Bench: 1,000 simulated users x 5 turns, offline, against an in-process recommender.
// Users come from a seeded synthetic world (hidden facts, ratings); targets are held-out items
// rated >= 4; the simulator is the RetrievalUserSimulator over the world's own user turns; the
// assistant is the best in-process recommender available (EASE from the user-embedding package,
// else the most-popular baseline). Setup (world, split, fit, corpus) is timed apart from the
// simulation, which is what the target (< 60 s) is about.
//
//   npx tsx --conditions=development bench/simulator/simulate-bench.ts [--users 1000] [--repeats 3] [--max-turns 5] [--concurrency 16] [--out DIR]
//   Only the headline run (the defaults) writes bench/results/simulator; any other run writes under
//   $PERSONALAB_STATE_DIR/bench/simulator-partial unless --out is given.
import { performance } from 'node:perf_hooks';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, machineLine, markdownTable, median, parseInteger, resultsDirectory, runHeader, runScript, scriptCommand, writeResults, type Assistant } from '@personalab/core';
import { generateSyntheticWorld, stratifiedSplit, syntheticConversation } from '@personalab/datasets';
import { HnswIndex } from '@personalab/retrieval';
import { EaseRecommender } from '@personalab/user-embedding';
import {
  personaProfile,
  RecommenderAssistant,
  RetrievalUserSimulator,
  simulate,
  simulatedUsersFromRatings,
  UserTurnCorpus,
  type UserTurn,
} from '@personalab/simulator';
import { createExperimentEmbedder } from '../../experiments/simulation/embedder.js';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { users: { type: 'string', default: '1000' }, 'max-turns': { type: 'string', default: '5' }, repeats: { type: 'string', default: '3' }, concurrency: { type: 'string', default: '16' }, out: { type: 'string' } } });
  const wanted = parseInteger('--users', values.users, { min: 1 });
  const maxTurns = parseInteger('--max-turns', values['max-turns'], { min: 1 });
  const repeats = parseInteger('--repeats', values.repeats, { min: 1 });
  const concurrency = parseInteger('--concurrency', values.concurrency, { min: 1, max: 1024 });
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '../results/simulator'),
    changed: changedOptions({ users: wanted, 'max-turns': maxTurns, repeats, concurrency }, { users: 1000, 'max-turns': 5, repeats: 3, concurrency: 16 }),
    name: 'bench/simulator-partial',
  });

  const setupStart = performance.now();
  const world = generateSyntheticWorld({ seed: 1, users: Math.ceil(wanted * 1.15), items: 1000, ratingsPerUser: 40, sessionsPerUser: 2 });
  const split = stratifiedSplit(world.ratings, { ratio: 0.8, seed: 1 });
  const catalog = new Map(world.items.map((item) => [item.id, item]));
  const users = simulatedUsersFromRatings({ items: world.items, train: split.train, test: split.test, users: world.users })
    .slice(0, wanted)
    .map((user) => {
      // The world's hidden facts join the rating-derived profile, as the simulator's hidden facts.
      const facts = world.hidden.get(user.id)?.facts.map((fact) => fact.value) ?? [];
      const withFacts = personaProfile({ userId: user.id, statements: [...user.profile.facts.map((fact) => fact.value), ...facts] });
      return { ...user, profile: { ...user.profile, facts: withFacts.facts } };
    });
  if (users.length < wanted) throw new Error(`only ${users.length} users have a held-out liked item; raise the world size`);
  const historyByUser = new Map<string, string[]>();
  for (const rating of split.train) historyByUser.set(rating.userId, [...(historyByUser.get(rating.userId) ?? []), rating.itemId]);
  const historyOf = (userId: string) => historyByUser.get(userId) ?? [];

  // The corpus: the world's own user turns, each with the assistant message it answered.
  const turns: UserTurn[] = [];
  for (const user of world.users.slice(0, 300)) {
    for (const session of syntheticConversation(world, user.id).sessions) {
      session.messages.forEach((message, index) => {
        if (message.role !== 'user') return;
        const previous = session.messages[index - 1];
        turns.push({ text: message.content, context: previous?.role === 'assistant' ? previous.content : '', conversationId: session.id });
      });
    }
  }
  const embedder = createExperimentEmbedder(turns.map((turn) => turn.text));
  const corpus = await UserTurnCorpus.build({ turns, embedder, createIndex: (dimension) => new HnswIndex({ dimension, m: 12, efConstruction: 48 }) });

  const model = new EaseRecommender();
  await model.fit({ interactions: split.train, items: world.items, users: world.users }, { seed: 1, quiet: true });
  const assistant: Assistant = new RecommenderAssistant({ recommender: model, catalog, k: 5, historyOf, name: `in-process ${model.name}` });
  const setupSeconds = (performance.now() - setupStart) / 1000;
  console.error(`setup ${setupSeconds.toFixed(1)} s: ${users.length} users, ${world.items.length} items, corpus of ${corpus.size} turns, assistant ${assistant.name}`);

  const runs: Array<{ seconds: number; conversations: number; assistantTurns: number; userTurns: number; successRate: number; load: number }> = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    const load = loadavg()[0] ?? 0;
    const begin = performance.now();
    const result = await simulate({ simulator: () => new RetrievalUserSimulator({ corpus, catalog, seed: repeat }), assistant, users, maxTurns, concurrency, quiet: true });
    const seconds = (performance.now() - begin) / 1000;
    const assistantTurns = result.conversations.reduce((sum, record) => sum + record.turns.filter((turn) => turn.role === 'assistant').length, 0);
    const userTurns = result.conversations.reduce((sum, record) => sum + record.turns.filter((turn) => turn.role === 'user').length, 0);
    runs.push({ seconds, conversations: result.conversations.length, assistantTurns, userTurns, successRate: result.summary.successRate, load });
    console.error(`run ${repeat + 1}: ${seconds.toFixed(1)} s, ${assistantTurns} assistant turns, success ${result.summary.successRate.toFixed(3)} (load ${load.toFixed(1)})`);
  }

  // Every conversation runs all turns: the targets are unreachable and only the training ratings stay
  // hidden, so nothing the assistant can offer is accepted (the users still react from their ratings).
  const trainRatings = new Map<string, Map<string, number>>();
  for (const rating of split.train) {
    const ratings = trainRatings.get(rating.userId) ?? new Map<string, number>();
    ratings.set(rating.itemId, rating.value);
    trainRatings.set(rating.userId, ratings);
  }
  const noTargets = users.map((user) => ({ ...user, goal: { ...user.goal, targetItemIds: ['unreachable'], hiddenRatings: trainRatings.get(user.id) ?? new Map<string, number>() } }));
  const fullBegin = performance.now();
  const full = await simulate({ simulator: () => new RetrievalUserSimulator({ corpus, catalog, seed: 0 }), assistant, users: noTargets, maxTurns, concurrency, quiet: true });
  const fullSeconds = (performance.now() - fullBegin) / 1000;
  const fullTurns = full.conversations.reduce((sum, record) => sum + record.turns.filter((turn) => turn.role === 'assistant').length, 0);

  const medianSeconds = median(runs.map((run) => run.seconds));
  const table = markdownTable(
    ['case', 'users', 'max turns', 'assistant turns', 'median seconds', 'turns/s', 'target', 'met'],
    [
      ['goal-directed (users stop when satisfied)', users.length, maxTurns, runs[0]?.assistantTurns ?? 0, medianSeconds, (runs[0]?.assistantTurns ?? 0) / medianSeconds, '< 60 s', medianSeconds < 60 ? 'yes' : 'no'],
      ['every conversation runs all 5 turns (unreachable targets)', users.length, maxTurns, fullTurns, fullSeconds, fullTurns / fullSeconds, '< 60 s', fullSeconds < 60 ? 'yes' : 'no'],
    ],
    2,
  );
  const markdown = [
    '# Simulator bench: 1,000 simulated users x 5 turns, offline, in-process recommender',
    '',
    ...runHeader({
      command: scriptCommand('bench/simulator/simulate-bench.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; 1-minute load average at the start of each run: ${runs.map((run) => run.load.toFixed(1)).join(', ')}.`,
    }),
    table,
    '',
    `Assistant: ${assistant.name} (k = 5 per turn). Simulator: RetrievalUserSimulator over ${corpus.size} synthetic-world user turns (${embedder.id}, HNSW). Concurrency ${concurrency}. Setup (world, split, fit, corpus) ${setupSeconds.toFixed(1)} s, not counted. Repeats: ${runs.map((run) => `${run.seconds.toFixed(1)} s`).join(', ')}; success rate ${runs[0]?.successRate.toFixed(3)}.`,
  ].join('\n');
  const written = writeResults(outputDirectory, 'simulate-bench', { json: { started: startedAt.toISOString(), users: users.length, maxTurns, concurrency, setupSeconds, assistant: assistant.name, corpusTurns: corpus.size, embedder: embedder.id, runs, worstCase: { seconds: fullSeconds, assistantTurns: fullTurns } }, markdown });
  console.log(table);
  console.error(`wrote ${written.join(', ')}`);
});
