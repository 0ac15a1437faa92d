/**
 * Constrained requests on MovieLens 100K: does the chat honour what a user asks for, and find their
 * held-out films when it does? P1 split (per-user stratified 75/25, seed 42, every test item
 * relevant). For each test user one held-out film is drawn (seeded); the user asks for a genre of it
 * and its decade, in one message ("I'm in the mood for a comedy from the 90s.") or over two turns
 * ("I'm in the mood for a comedy." then "From the 90s please."). Relevant: the user's held-out films
 * of that genre and decade. Arms, in one run on the same requests: the served candidate model's
 * (context-EASE's closed form) top 5 (the request ignored), the Chat-Rec pipeline reading each turn on its own (as before session constraints), and
 * the pipeline with session constraints. Also: how often the offline reader finds a request in
 * Synthetic-Persona-Chat test turns, where nobody asks a recommender for anything (false requests).
 *
 *   npx tsx --conditions=development experiments/chatrec/constraints.ts [--users 943] [--seed 1] [--out DIR] [--quiet]
 *
 * Only the headline run (the defaults) writes results/; any other run writes under
 * $PERSONALAB_STATE_DIR/experiments/chatrec-partial unless --out is given.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { changedOptions, createProgress, createRandom, getConfig, markdownTable, parseInteger, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, svgBarChart, writeResults, type Item } from '@personalab/core';
import { join } from 'node:path';
import { findDataset, howToGet, loadMovieLens100k, loadSyntheticPersonaChat, stratifiedSplit } from '@personalab/datasets';
import { HnswIndex } from '@personalab/retrieval';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { defaultCandidateModel, describeCandidateModel, openCandidateModel } from '@personalab/user-embedding';
import { ItemCatalog, openRecommenderService, readConstraints, type RecommenderService } from '@personalab/recommender';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '943' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const userLimit = parseInteger('--users', values.users, { min: 1 });
  const seed = parseInteger('--seed', values.seed, { min: 0, max: 2 ** 32 - 1 });
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: 'experiments/chatrec/results',
    changed: changedOptions({ users: userLimit, seed }, { users: 943, seed: 1 }),
    name: 'experiments/chatrec-partial',
  });
  const config = getConfig();
  const quiet = values.quiet || config.quiet;
  const k = 5;

  const directory = findDataset('movielens-100k', { environmentDataDir: config.dataDir });
  if (!directory) throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k')}`);
  const data = await loadMovieLens100k(directory);
  const split = stratifiedSplit(data.ratings, { ratio: 0.75, seed: 42, shuffle: 'numpy' });
  const itemById = new Map(data.items.map((item) => [item.id, item]));

  /** How a user names each MovieLens genre in a request. */
  const genrePhrase: Record<string, string> = {
    Action: 'an action movie',
    Adventure: 'an adventure movie',
    Animation: 'an animated movie',
    "Children's": "a children's movie",
    Comedy: 'a comedy',
    Crime: 'a crime movie',
    Documentary: 'a documentary',
    Drama: 'a drama',
    Fantasy: 'a fantasy movie',
    'Film-Noir': 'a film noir',
    Horror: 'a horror movie',
    Musical: 'a musical',
    Mystery: 'a mystery',
    Romance: 'a romance',
    'Sci-Fi': 'a sci-fi movie',
    Thriller: 'a thriller',
    War: 'a war movie',
    Western: 'a western',
  };

  interface Request {
    userId: string;
    genre: string;
    decade: number;
    relevant: Set<string>;
  }

  const decadeOf = (item: Item) => Math.floor((item.year ?? 0) / 10) * 10;
  const fits = (item: Item, request: { genre: string; decade: number }) => item.tags.includes(request.genre) && item.year !== undefined && decadeOf(item) === request.decade;

  // One request per test user, drawn from their held-out films (those with a year and a known genre).
  const random = createRandom(seed);
  const heldOut = new Map<string, Item[]>();
  for (const rating of split.test) {
    const item = itemById.get(rating.itemId);
    if (item && item.year !== undefined && item.tags.some((tag) => genrePhrase[tag] !== undefined)) heldOut.set(rating.userId, [...(heldOut.get(rating.userId) ?? []), item]);
  }
  const requests: Request[] = [];
  for (const [userId, items] of [...heldOut].sort(([a], [b]) => Number(a) - Number(b)).slice(0, userLimit)) {
    const target = items[random.int(items.length)] as Item;
    const genres = target.tags.filter((tag) => genrePhrase[tag] !== undefined);
    const genre = genres[random.int(genres.length)] as string;
    const request = { genre, decade: decadeOf(target) };
    requests.push({ userId, ...request, relevant: new Set(items.filter((item) => fits(item, request)).map((item) => item.id)) });
  }
  const decadeWords = (decade: number) => `the ${String(decade % 100).padStart(2, '0')}s`;
  console.log(`${requests.length} requests (one per test user), e.g. "I'm in the mood for ${genrePhrase[requests[0]?.genre ?? 'Comedy']} from ${decadeWords(requests[0]?.decade ?? 1990)}."`);

  // The served candidate model, as the recommender service builds it.
  const generator = await openCandidateModel(defaultCandidateModel, { preferred: config.tfBackend });
  let started = Date.now();
  await generator.fit({ interactions: split.train, items: data.items, users: data.users }, { seed: 42, quiet: true });
  console.log(`fitted ${generator.name} on ${split.train.length} ratings in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  async function service(sessionConstraints: boolean): Promise<RecommenderService> {
    return openRecommenderService({
      stateDir: ':memory:',
      createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 2048 }),
      recommender: generator,
      modelItemIds: new Set(data.items.map((item) => item.id)),
      profileExtractor: new HeuristicProfileExtractor(),
      initialData: { users: data.users, items: data.items, interactions: split.train },
      sessionConstraints,
    });
  }

  interface Outcome {
    /** The list the metrics read (the last turn's). */
    list: string[];
    /** Every item offered over the conversation. */
    offered: string[];
  }

  async function converse(chat: RecommenderService, request: Request, twoTurns: boolean): Promise<Outcome> {
    const genre = genrePhrase[request.genre] as string;
    const messages = twoTurns ? [`I'm in the mood for ${genre}.`, `From ${decadeWords(request.decade)} please.`] : [`I'm in the mood for ${genre} from ${decadeWords(request.decade)}.`];
    let sessionId: string | undefined;
    let list: string[] = [];
    const offered: string[] = [];
    for (const message of messages) {
      const turn = await chat.chatRec.chat({ userId: request.userId, ...(sessionId ? { sessionId } : {}), message, k });
      sessionId = turn.sessionId;
      list = turn.recommendations.map((entry) => entry.item.id);
      offered.push(...list);
    }
    return { list, offered };
  }

  interface Scores {
    hit: number;
    ndcg: number;
    precision: number;
    /** Share of listed items of the asked genre and decade. */
    fits: number;
    /** Share of listed items of the asked decade. */
    decade: number;
    /** Share of conversations in which some relevant film was offered in any turn. */
    offeredHit: number;
    empty: number;
  }

  function score(outcomes: readonly Outcome[]): Scores {
    const totals = { hit: 0, ndcg: 0, precision: 0, fits: 0, decade: 0, offeredHit: 0, empty: 0 };
    outcomes.forEach((outcome, index) => {
      const request = requests[index] as Request;
      const { list } = outcome;
      if (list.length === 0) totals.empty++;
      const gains = list.map((id) => (request.relevant.has(id) ? 1 : 0));
      const dcg = gains.reduce((sum: number, gain, rank) => sum + gain / Math.log2(rank + 2), 0);
      let ideal = 0;
      for (let rank = 0; rank < Math.min(k, request.relevant.size); rank++) ideal += 1 / Math.log2(rank + 2);
      totals.ndcg += ideal === 0 ? 0 : dcg / ideal;
      totals.hit += gains.some((gain) => gain === 1) ? 1 : 0;
      totals.precision += gains.reduce((sum: number, gain) => sum + gain, 0) / k;
      const items = list.map((id) => itemById.get(id)).filter((item): item is Item => item !== undefined);
      totals.fits += items.filter((item) => fits(item, request)).length / k;
      totals.decade += items.filter((item) => item.year !== undefined && decadeOf(item) === request.decade).length / k;
      totals.offeredHit += outcome.offered.some((id) => request.relevant.has(id)) ? 1 : 0;
    });
    const n = Math.max(1, outcomes.length);
    return { hit: totals.hit / n, ndcg: totals.ndcg / n, precision: totals.precision / n, fits: totals.fits / n, decade: totals.decade / n, offeredHit: totals.offeredHit / n, empty: totals.empty / n };
  }

  // The candidate model's own top 5, the request ignored: what a recommender that does not listen offers.
  const seen = new Map<string, string[]>();
  for (const rating of split.train) seen.set(rating.userId, [...(seen.get(rating.userId) ?? []), rating.itemId]);
  const easeOutcomes: Outcome[] = [];
  for (const request of requests) {
    const history = seen.get(request.userId) ?? [];
    const list = (await generator.recommend({ userId: request.userId, history, k, exclude: history })).map((entry) => entry.itemId);
    easeOutcomes.push({ list, offered: list });
  }

  const rows: { name: string; scenario: string; scores: Scores; msPerRequest: number }[] = [];
  rows.push({ name: `${generator.name} top 5 (request ignored)`, scenario: 'either', scores: score(easeOutcomes), msPerRequest: 0 });
  for (const twoTurns of [false, true]) {
    for (const sessionConstraints of [false, true]) {
      const chat = await service(sessionConstraints);
      const name = sessionConstraints ? 'Chat-Rec, session constraints' : 'Chat-Rec, each turn on its own';
      const scenario = twoTurns ? 'two turns: genre, then decade' : 'one message: genre and decade';
      const progress = createProgress({ label: `${name} (${twoTurns ? 'two turns' : 'one message'})`, total: requests.length, quiet });
      started = Date.now();
      const outcomes: Outcome[] = [];
      for (const request of requests) {
        outcomes.push(await converse(chat, request, twoTurns));
        progress.increment();
      }
      progress.stop();
      const msPerRequest = (Date.now() - started) / requests.length;
      chat.close();
      rows.push({ name, scenario, scores: score(outcomes), msPerRequest });
    }
  }

  // False requests: how often the offline reader finds a request in chit-chat that asks for no film
  // (Synthetic-Persona-Chat test turns: two people getting to know each other), where every reading is a false positive.
  let chitChat: { turns: number; genresAsked: number; genresRuledOut: number; years: number; audience: number; resets: number } | undefined;
  const spcDirectory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  if (spcDirectory) {
    const { conversations } = await loadSyntheticPersonaChat(join(spcDirectory, 'Synthetic-Persona-Chat_test.csv'), { onInvalid: 'skip' });
    const turns = conversations.flatMap((conversation) => conversation.turns.map((turn) => turn.text));
    const catalog = new ItemCatalog(data.items);
    const vocabulary = { stems: catalog.tagStems(), latestYear: catalog.latestYear(), recentEnd: catalog.recentEnd() };
    chitChat = { turns: turns.length, genresAsked: 0, genresRuledOut: 0, years: 0, audience: 0, resets: 0 };
    for (const turn of turns) {
      const update = readConstraints(turn, vocabulary);
      if (Object.keys(update.wanted).length > 0) chitChat.genresAsked++;
      if (Object.keys(update.avoided).length > 0) chitChat.genresRuledOut++;
      if (update.years !== undefined) chitChat.years++;
      if (update.audience !== undefined) chitChat.audience++;
      if (update.reset) chitChat.resets++;
    }
  } else {
    console.warn(`synthetic-persona-chat not found (the chit-chat false-request rates are skipped): ${howToGet('synthetic-persona-chat')}`);
  }
  const rate = (count: number) => (chitChat ? `${count} (${((100 * count) / chitChat.turns).toFixed(2)}%)` : '');

  const withRelevant = requests.filter((request) => request.relevant.size > 0).length;
  const meanRelevant = requests.reduce((sum, request) => sum + request.relevant.size, 0) / requests.length;
  const markdown = [
    '# Constrained requests on MovieLens 100K (P1 split; k = 5)',
    '',
    ...runHeader({ command: scriptCommand('experiments/chatrec/constraints.ts'), date: startedAt }),
    `${requests.length} test users, one request each, drawn (seed ${values.seed}) from one of the user's held-out films: one of its genres and its decade, phrased "I'm in the mood for a comedy from the 90s." (one message) or "I'm in the mood for a comedy." then "From the 90s please." (two turns; the metrics read the second turn's list, and "offered in any turn" both). Relevant: the user's held-out films of that genre and decade (${meanRelevant.toFixed(2)} per request on average). Candidates from ${describeCandidateModel(defaultCandidateModel)}, the served candidate model, fitted on the training part; the offline re-ranker; no LLM.`,
    '',
    markdownTable(
      ['assistant', 'scenario', 'fits genre and decade', 'fits decade', 'hit@5', 'NDCG@5', 'Precision@5', 'relevant offered in any turn', 'empty lists', 'ms / request'],
      rows.map((row) => [row.name, row.scenario, row.scores.fits, row.scores.decade, row.scores.hit, row.scores.ndcg, row.scores.precision, row.scores.offeredHit, row.scores.empty, row.msPerRequest === 0 ? null : row.msPerRequest]),
    ),
    '',
    '- **fits genre and decade** / **fits decade**: share of the 5 listed films of the asked genre and decade / of the asked decade.',
    '- **each turn on its own**: the pipeline before session constraints: a turn\'s genre words nudge that turn\'s ranking ("in the mood for X": +0.3 on X), years and earlier turns are not read.',
    '- **session constraints**: genres asked for come first (candidates drawn from items with an asked genre, then items with every asked genre before those with some, before none; +0.3 each within a group); the decade filters the candidates; both are kept across the session\'s turns.',
    `- The requests are templated, so this measures what the pipeline does with a request it reads, not how much free phrasing it reads (the unit tests in apps/recommender/src/pipeline/constraints.test.ts cover phrasings).`,
    '',
    chitChat
      ? `**False requests in chit-chat.** Read by the offline reader, ${chitChat.turns} Synthetic-Persona-Chat test turns (both speakers getting to know each other: hobbies, family, work, now and then the films they like; none asks a recommender for anything) set a genre asked for in ${rate(chitChat.genresAsked)}, a genre ruled out in ${rate(chitChat.genresRuledOut)}, years in ${rate(chitChat.years)}, the audience in ${rate(chitChat.audience)} and a reset in ${rate(chitChat.resets)}. Each is a false positive; most left are questions about the partner's favourites ("what's your favorite mystery book?") and decades named for other things ("vintage 50s decor").`
      : 'False requests in chit-chat: not measured (Synthetic-Persona-Chat not found).',
  ].join('\n');
  const chart = svgBarChart(
    ['fits genre and decade', 'hit@5', 'NDCG@5'],
    rows.map((row) => ({ name: row.scenario === 'either' ? row.name : `${row.name} (${row.scenario.startsWith('two') ? 'two turns' : 'one message'})`, values: [row.scores.fits, row.scores.hit, row.scores.ndcg] })),
    { title: 'Constrained requests, MovieLens 100K (P1, k = 5)', yLabel: 'share / score' },
  );
  const written = writeResults(outputDirectory, 'constraints', {
    json: {
      protocol: { split: 'per-user stratified 75/25, seed 42 (P1)', requests: requests.length, withRelevant, meanRelevant, k, seed },
      rows,
      chitChat: chitChat ?? null,
      machine: { cpus: cpus().length },
      finishedAt: new Date().toISOString(),
    },
    markdown,
    svgs: { '': chart },
  });
  console.log(`\n${markdown}\n\nwrote ${written.join(', ')}`);
});
