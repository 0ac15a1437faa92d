/**
 * Stated genre tastes beside named films: a user says "I love sci-fi movies", then "I loved Toy Story", then "I also
 * loved Alien". Does the list keep the stated taste once films are named, and does it find the user's films? Two
 * settings, in one run, each before (no candidate places kept for the stated genres, the offline re-ranker's
 * stated-genre weight 0: the pipeline before either existed), with the previous setting (10 places, weight 0.4,
 * whatever the user's history) and with the setting chosen on validation:
 *
 * - MovieLens 100K, the P1 split (per-user stratified 75/25, seed 42; every held-out film relevant, as run.ts): per
 *   test user, "I love <genre> movies" for the genre most common among their held-out films, then "I loved <title>"
 *   for their highest-rated training film, then "I also loved <title>" for the next one. As a new user (a fresh id:
 *   the conversation is all the pipeline knows) and as the returning user (their own id, their training ratings).
 *   NDCG@5 and Precision@5 against the held-out films, and the share of the 5 in the stated genre, after each turn
 *   and on the next visit (a plain recommendation request after the session, the profile holding the taste).
 * - The synthetic world the server falls back on (seed 42, 200 users, 400 items, 30 ratings a user): the genre the
 *   hidden profile likes most is stated, then the user's highest-rated films are named; the share of the 5 the
 *   hidden profile likes (its genre tastes; and its noise-free rating of 4 or more).
 *
 * The setting (candidate places, `statedSlots`, re-ranker weight, `statedGenreWeight`, and the number of the user's
 * films at which both are halved, `statedHalfAt`: they are scaled by c / (c + n)) is chosen on two validation splits of
 * the P1 training part (80/20, seeds 7, as run.ts, and 11), with the same conversations built from each: the best mean
 * NDCG@5 over new and returning users of the list after the second turn ("I loved <title>") and of the next visit's
 * list, averaged over the splits (one split's grid had chosen between settings 0.0007 apart); never on test users.
 * The test rows are before (neither), the previous setting (10 places, weight 0.4, no decay), the setting served until
 * the validation had two splits (10 places, weight 0.6, c = 20) and the chosen one. About 15 min here (24 settings on
 * each split).
 *
 * A turn does not offer again what the session offered (the served rule), so the lists after the second and third
 * turns are the next films, not the best ones; the next-visit list (a new request, no session) is not held to that.
 *
 *   npx tsx --conditions=development experiments/chatrec/stated-tastes.ts [--users 943] [--world-users 200] [--out DIR] [--quiet]
 *
 * Only the headline run (the defaults) writes results/; any other run writes under
 * $PERSONALAB_STATE_DIR/experiments/chatrec-partial unless --out is given.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import {
  changedOptions,
  createProgress,
  emptyProfile,
  getConfig,
  markdownTable,
  meanAndStd,
  parseInteger,
  PersonalabError,
  resultsDirectory,
  runHeader,
  runScript,
  scriptCommand,
  writeResults,
  type Interaction,
  type Item,
  type RatingInteraction,
  type Recommender,
  type User,
} from '@personalab/core';
import { affinityAt, evaluateRanking, expectedScore, findDataset, generateSyntheticWorld, howToGet, loadMovieLens100k, polarityOf, spokenTitle, stratifiedSplit } from '@personalab/datasets';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { HnswIndex } from '@personalab/retrieval';
import { defaultCandidateModel, describeCandidateModel, openCandidateModel } from '@personalab/user-embedding';
import { defaultStatedSlots, OfflineReranker, openRecommenderService, type RecommenderService, type Reranker } from '@personalab/recommender';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({
    options: {
      users: { type: 'string', default: '943' },
      'world-users': { type: 'string', default: '200' },
      out: { type: 'string' },
      quiet: { type: 'boolean', default: false },
    },
  });
  const userLimit = parseInteger('--users', values.users, { min: 1 });
  const worldUsers = parseInteger('--world-users', values['world-users'], { min: 1 });
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: 'experiments/chatrec/results',
    changed: changedOptions({ users: userLimit, 'world-users': worldUsers }, { users: 943, 'world-users': 200 }),
    name: 'experiments/chatrec-partial',
  });
  const config = getConfig();
  const quiet = values.quiet || config.quiet;
  const k = 5;
  /**
   * The settings tried on validation: candidate places kept for the stated genres (`statedSlots`, of 20) and the
   * re-ranker's stated-genre weight. Slots 0 and weight 0 is the pipeline before either existed.
   */
  const slotGrid = [10, 20];
  const weightGrid = [0.4, 0.6];
  /** c in c / (c + n), n the films the user likes or watched: Infinity keeps the full weight (the previous setting). */
  const halfAtGrid = [1, 2, 5, 10, 20, Number.POSITIVE_INFINITY];
  const showHalfAt = (halfAt: number) => (halfAt === Number.POSITIVE_INFINITY ? '∞ (no decay)' : String(halfAt));
  /** The setting before this one (commit 398eaf9): 10 places, weight 0.4, whatever the user's history. */
  const previous = { slots: 10, weight: 0.4, halfAt: Number.POSITIVE_INFINITY };
  /**
   * The setting served from session 16 until the films a user named stopped counting as stated genres (chosen then on
   * one validation split): 10 places, weight 0.6, c = 20. A test arm of its own, so the change shows beside it.
   */
  const decayed = { slots: 10, weight: 0.6, halfAt: 20 };

  /** How a user names each genre (MovieLens's, which the synthetic world shares) in "I love … movies". */
  const genreWords: Record<string, string> = {
    Action: 'action',
    Adventure: 'adventure',
    Animation: 'animated',
    "Children's": "children's",
    Comedy: 'comedy',
    Crime: 'crime',
    Documentary: 'documentary',
    Drama: 'drama',
    Fantasy: 'fantasy',
    'Film-Noir': 'film noir',
    Horror: 'horror',
    Musical: 'musical',
    Mystery: 'mystery',
    Romance: 'romance',
    'Sci-Fi': 'sci-fi',
    Thriller: 'thriller',
    War: 'war',
    Western: 'western',
  };
  const genreOrder = Object.keys(genreWords);


  /** One simulated conversation: who says it, what they say, and what the lists are scored against. */
  interface Script {
    /** The user the lists are scored for (MovieLens or world user id). */
    userId: string;
    genre: string;
    messages: string[];
  }

  /** The lists a conversation got: after each turn, then on the next visit. */
  interface Lists {
    turns: string[][];
    nextVisit: string[];
  }

  const moments = ['after the genre', 'after one film', 'after two films', 'next visit'] as const;
  type Moment = (typeof moments)[number];
  const listAt = (lists: Lists, moment: Moment): string[] => (moment === 'next visit' ? lists.nextVisit : (lists.turns[moments.indexOf(moment)] ?? []));

  /** The reranker a service asks: the offline re-ranker with the stated-genre weight under test. */
  let current: Reranker = new OfflineReranker();
  const delegate: Reranker = { name: 'offline-blend', rerank: (input) => current.rerank(input) };
  const useWeight = (weight: number, halfAt: number) => {
    current = new OfflineReranker({ statedGenreWeight: weight, statedHalfAt: halfAt });
  };

  async function openService(recommender: Recommender, data: { users: readonly User[]; items: readonly Item[]; interactions: readonly Interaction[] }, statedSlots: number, statedHalfAt: number): Promise<RecommenderService> {
    const service = await openRecommenderService({
      stateDir: ':memory:',
      createIndex: (dimension) => new HnswIndex({ dimension, initialCapacity: 2048 }),
      recommender,
      modelItemIds: new Set(data.items.map((item) => item.id)),
      profileExtractor: new HeuristicProfileExtractor(),
      initialData: data,
      reranker: delegate,
      statedSlots,
      statedHalfAt,
    });
    // Each conversation is on its own: the films simulated users name in chat do not make them popular for the next ones.
    const frozen = new Map(service.store.likeCounts());
    service.catalog.trackPopularity({ changes: () => [], counts: (ids) => new Map(ids.map((id) => [id, frozen.get(id) ?? 0])), all: () => frozen });
    service.chatRec.disableCache();
    return service;
  }

  /**
   * Runs each script as a new user (`fresh` names the id, once per arm) or as the returning user (their own id, the
   * profile emptied first so every arm starts alike); the lists after each turn and on the next visit.
   */
  async function converse(service: RecommenderService, scripts: readonly Script[], options: { fresh?: string; label: string }): Promise<Map<string, Lists>> {
    const out = new Map<string, Lists>();
    const progress = createProgress({ label: options.label, total: scripts.length, quiet });
    for (const script of scripts) {
      let chatUser = script.userId;
      if (options.fresh !== undefined) {
        chatUser = `${options.fresh}:${script.userId}`;
        service.store.createUser({ id: chatUser });
      } else {
        service.store.saveProfile(emptyProfile(chatUser));
      }
      let sessionId: string | undefined;
      const turns: string[][] = [];
      for (const message of script.messages) {
        const turn = await service.chatRec.chat({ userId: chatUser, message, k, ...(sessionId ? { sessionId } : {}) });
        sessionId = turn.sessionId;
        turns.push(turn.recommendations.map((entry) => entry.item.id));
      }
      const nextVisit = (await service.chatRec.recommend({ userId: chatUser, k })).recommendations.map((entry) => entry.item.id);
      out.set(script.userId, { turns, nextVisit });
      progress.increment();
    }
    progress.stop();
    return out;
  }

  /**
   * The highest-rated films of a user the title reader takes for what "I loved <title>" names (ties: the more rated
   * film, then the id), `count` of them with different titles.
   */
  function namedFilms(service: RecommenderService, ratings: readonly RatingInteraction[], itemById: ReadonlyMap<string, Item>, ratingCounts: ReadonlyMap<string, number>, count: number): Item[] {
    const reader = service.catalog.titleOpinions();
    const sorted = [...ratings].sort((a, b) => b.value - a.value || (ratingCounts.get(b.itemId) ?? 0) - (ratingCounts.get(a.itemId) ?? 0) || a.itemId.localeCompare(b.itemId));
    const films: Item[] = [];
    for (const rating of sorted) {
      if (films.length >= count || rating.value < 4) break;
      const item = itemById.get(rating.itemId);
      if (!item || films.some((film) => spokenTitle(film.title) === spokenTitle(item.title))) continue;
      const prefix = films.length === 0 ? 'I loved' : 'I also loved';
      const opinions = reader.read(`${prefix} ${spokenTitle(item.title)}`);
      if (opinions.length === 1 && opinions[0]?.item.id === item.id && opinions[0].polarity === 'like') films.push(item);
    }
    return films;
  }

  const messagesFor = (genre: string, films: readonly Item[]) => [`I love ${genreWords[genre] ?? genre.toLowerCase()} movies`, ...films.map((film, index) => `${index === 0 ? 'I loved' : 'I also loved'} ${spokenTitle(film.title)}`)];

  const countBy = <T>(values: Iterable<T>) => {
    const counts = new Map<T, number>();
    for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
    return counts;
  };

  const share = (lists: ReadonlyMap<string, readonly string[]>, fits: (userId: string, item: Item) => boolean, itemById: ReadonlyMap<string, Item>) => {
    let total = 0;
    let users = 0;
    for (const [userId, list] of lists) {
      users++;
      total += list.filter((id) => {
        const item = itemById.get(id);
        return item !== undefined && fits(userId, item);
      }).length / k;
    }
    return users === 0 ? 0 : total / users;
  };

  // ---- MovieLens 100K ----
  const directory = findDataset('movielens-100k', { environmentDataDir: config.dataDir });
  if (!directory) throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k')}`);
  const data = await loadMovieLens100k(directory);
  const itemById = new Map(data.items.map((item) => [item.id, item]));
  const split = stratifiedSplit(data.ratings, { ratio: 0.75, seed: 42, shuffle: 'numpy' });
  /** Validation splits of the training part (80/20): the setting is chosen on the mean over both. */
  const validationSeeds = [7, 11];
  const inners = validationSeeds.map((seed) => ({ seed, ...stratifiedSplit(split.train, { ratio: 0.8, seed }) }));
  console.log(
    `P1 split: ${split.train.length} train, ${split.test.length} test ratings; validation (seeds ${validationSeeds.join(', ')}): ${inners.map((inner) => `${inner.train.length} / ${inner.test.length}`).join(' and ')} of the training part`,
  );

  /** The conversations of a split's users: the genre most common among their held-out films, then their top training films. */
  function movieLensScripts(service: RecommenderService, train: readonly RatingInteraction[], test: readonly RatingInteraction[], limit: number): { scripts: Script[]; relevant: Map<string, Set<string>>; unnamed: number } {
    const trainBy = new Map<string, RatingInteraction[]>();
    for (const rating of train) trainBy.set(rating.userId, [...(trainBy.get(rating.userId) ?? []), rating]);
    const ratingCounts = countBy(train.map((rating) => rating.itemId));
    const relevant = new Map<string, Set<string>>();
    for (const rating of test) relevant.set(rating.userId, (relevant.get(rating.userId) ?? new Set<string>()).add(rating.itemId));
    const scripts: Script[] = [];
    let unnamed = 0;
    for (const userId of [...relevant.keys()].sort((a, b) => Number(a) - Number(b)).slice(0, limit)) {
      const genres = countBy([...(relevant.get(userId) ?? [])].flatMap((id) => (itemById.get(id)?.tags ?? []).filter((tag) => genreWords[tag] !== undefined)));
      const genre = [...genres].sort((a, b) => b[1] - a[1] || genreOrder.indexOf(a[0]) - genreOrder.indexOf(b[0]))[0]?.[0];
      const films = namedFilms(service, trainBy.get(userId) ?? [], itemById, ratingCounts, 2);
      if (genre === undefined || films.length === 0) {
        unnamed++;
        continue;
      }
      scripts.push({ userId, genre, messages: messagesFor(genre, films) });
    }
    return { scripts, relevant: new Map(scripts.map((script) => [script.userId, relevant.get(script.userId) ?? new Set<string>()])), unnamed };
  }

  interface MovieLensScores {
    ndcg: number;
    precision: number;
    /** Share of the 5 in the stated genre. */
    genre: number;
  }

  function scoreMovieLens(lists: ReadonlyMap<string, Lists>, scripts: readonly Script[], relevant: ReadonlyMap<string, ReadonlySet<string>>, moment: Moment): MovieLensScores {
    const at = new Map([...lists].map(([userId, entry]) => [userId, listAt(entry, moment)]));
    const genreOf = new Map(scripts.map((script) => [script.userId, script.genre]));
    const evaluation = evaluateRanking(at, relevant, k);
    return { ndcg: evaluation.ndcgAtK, precision: evaluation.precisionAtK, genre: share(at, (userId, item) => item.tags.includes(genreOf.get(userId) ?? ''), itemById) };
  }

  // 1. Validation: on each validation split, the served candidate model fitted on its 80 %; every setting on the same
  // conversations. One split's grid had chosen between settings 0.0007 apart, within the noise of a split.
  /** Per user kind, NDCG@5 and in-genre share after the second turn and on the next visit (mean over the splits). */
  interface ValidationScores {
    afterFilm: MovieLensScores;
    nextVisit: MovieLensScores;
  }
  interface ValidationRow {
    slots: number;
    weight: number;
    halfAt: number;
    newUser: ValidationScores;
    returning: ValidationScores;
    /** Mean NDCG@5 of the four lists on each validation split, in the order of `validationSeeds`. */
    bySplit: number[];
    /** The mean of `bySplit`: what is chosen on. */
    criterion: number;
  }
  const perSplit: { slots: number; weight: number; halfAt: number; newUser: ValidationScores; returning: ValidationScores; criterion: number }[][] = [];
  const validations: ReturnType<typeof movieLensScripts>[] = [];
  for (const inner of inners) {
    let started = Date.now();
    const validationModel = await openCandidateModel(defaultCandidateModel, { preferred: config.tfBackend });
    await validationModel.fit({ interactions: inner.train, items: data.items, users: data.users }, { seed: 42, quiet: true });
    console.log(`fitted ${validationModel.name} on validation split ${inner.seed} (${inner.train.length} ratings) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    started = Date.now();
    const validationData = { users: data.users, items: data.items, interactions: inner.train };
    const rows: (typeof perSplit)[number] = [];
    let validation: ReturnType<typeof movieLensScripts> | undefined;
    for (const slots of slotGrid) {
      for (const halfAt of halfAtGrid) {
        const validationService = await openService(validationModel, validationData, slots, halfAt);
        validation ??= movieLensScripts(validationService, inner.train, inner.test, userLimit);
        for (const weight of weightGrid) {
          useWeight(weight, halfAt);
          const name = `split ${inner.seed}, slots ${slots}, weight ${weight}, c ${showHalfAt(halfAt)}`;
          const fresh = await converse(validationService, validation.scripts, { fresh: `validation-${inner.seed}-${slots}-${weight}-${halfAt}`, label: `validation, ${name}, new users` });
          const returning = await converse(validationService, validation.scripts, { label: `validation, ${name}, returning users` });
          const scores = (lists: ReadonlyMap<string, Lists>): ValidationScores => ({
            afterFilm: scoreMovieLens(lists, validation?.scripts ?? [], validation?.relevant ?? new Map(), 'after one film'),
            nextVisit: scoreMovieLens(lists, validation?.scripts ?? [], validation?.relevant ?? new Map(), 'next visit'),
          });
          const newUser = scores(fresh);
          const returningScores = scores(returning);
          const criterion = (newUser.afterFilm.ndcg + newUser.nextVisit.ndcg + returningScores.afterFilm.ndcg + returningScores.nextVisit.ndcg) / 4;
          rows.push({ slots, weight, halfAt, newUser, returning: returningScores, criterion });
          console.log(
            `validation ${name}: NDCG@5 new ${newUser.afterFilm.ndcg.toFixed(4)} / next ${newUser.nextVisit.ndcg.toFixed(4)}, returning ${returningScores.afterFilm.ndcg.toFixed(4)} / next ${returningScores.nextVisit.ndcg.toFixed(4)}; mean ${criterion.toFixed(4)}`,
          );
        }
        validationService.close();
      }
    }
    if (validation === undefined) throw new Error('no validation settings');
    console.log(`validation split ${inner.seed}: ${rows.length} settings in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    validationModel.dispose?.();
    perSplit.push(rows);
    validations.push(validation);
  }
  const mean = (values: readonly number[]) => meanAndStd(values).mean;
  const meanScores = (list: readonly MovieLensScores[]): MovieLensScores => ({
    ndcg: mean(list.map((entry) => entry.ndcg)),
    precision: mean(list.map((entry) => entry.precision)),
    genre: mean(list.map((entry) => entry.genre)),
  });
  const validationRows: ValidationRow[] = (perSplit[0] ?? []).map((first, index) => {
    const same = perSplit.map((rows) => rows[index] ?? first);
    const bySplit = same.map((row) => row.criterion);
    return {
      slots: first.slots,
      weight: first.weight,
      halfAt: first.halfAt,
      newUser: { afterFilm: meanScores(same.map((row) => row.newUser.afterFilm)), nextVisit: meanScores(same.map((row) => row.newUser.nextVisit)) },
      returning: { afterFilm: meanScores(same.map((row) => row.returning.afterFilm)), nextVisit: meanScores(same.map((row) => row.returning.nextVisit)) },
      bySplit,
      criterion: mean(bySplit),
    };
  });
  const chosen = validationRows.reduce((best, row) => (row.criterion > best.criterion ? row : best));
  const served = { slots: defaultStatedSlots(20), weight: new OfflineReranker().statedGenreWeight, halfAt: new OfflineReranker().statedHalfAt };
  console.log(`chosen on validation: ${chosen.slots} stated slots, stated-genre weight ${chosen.weight}, halved at ${showHalfAt(chosen.halfAt)} films (served: ${served.slots}, ${served.weight}, ${showHalfAt(served.halfAt)})`);

  // 2. Test: the model fitted on the whole training part, the test users' conversations, weight 0 and the chosen one.
  let started = Date.now();
  const model = await openCandidateModel(defaultCandidateModel, { preferred: config.tfBackend });
  await model.fit({ interactions: split.train, items: data.items, users: data.users }, { seed: 42, quiet: true });
  console.log(`fitted ${model.name} on the training part (${split.train.length} ratings) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const testData = { users: data.users, items: data.items, interactions: split.train };
  const arms = [
    { name: 'before: no stated slots, weight 0', slots: 0, weight: 0, halfAt: Number.POSITIVE_INFINITY },
    { name: `previous: ${previous.slots} stated slots, weight ${previous.weight}, no decay`, ...previous },
    ...(chosen.slots === decayed.slots && chosen.weight === decayed.weight && chosen.halfAt === decayed.halfAt
      ? []
      : [{ name: `served until now: ${decayed.slots} stated slots, weight ${decayed.weight}, × c / (c + n), c = ${decayed.halfAt}`, ...decayed }]),
    { name: `${chosen.slots} stated slots, weight ${chosen.weight}, × c / (c + n), c = ${showHalfAt(chosen.halfAt)} (chosen on validation)`, slots: chosen.slots, weight: chosen.weight, halfAt: chosen.halfAt },
  ];
  const movieLensRows: { arm: string; slots: number; weight: number; halfAt: number; scenario: string; moment: Moment; scores: MovieLensScores }[] = [];
  let test: ReturnType<typeof movieLensScripts> | undefined;
  for (const [index, arm] of arms.entries()) {
    const testService = await openService(model, testData, arm.slots, arm.halfAt);
    test ??= movieLensScripts(testService, split.train, split.test, userLimit);
    useWeight(arm.weight, arm.halfAt);
    for (const scenario of ['new user', 'returning user'] as const) {
      const lists = await converse(testService, test.scripts, { ...(scenario === 'new user' ? { fresh: `test-${index}` } : {}), label: `test, ${arm.name}, ${scenario}s` });
      for (const moment of moments) movieLensRows.push({ arm: arm.name, slots: arm.slots, weight: arm.weight, halfAt: arm.halfAt, scenario, moment, scores: scoreMovieLens(lists, test.scripts, test.relevant, moment) });
    }
    testService.close();
  }
  if (test === undefined) throw new Error('no test arms');
  model.dispose?.();

  // ---- The synthetic world ----
  const world = generateSyntheticWorld({ seed: 42, users: 200, items: 400, ratingsPerUser: 30 });
  const worldItems = new Map(world.items.map((item) => [item.id, item]));
  const now = world.options.startTime + world.options.durationDays * 86_400_000;
  started = Date.now();
  const worldModel = await openCandidateModel(defaultCandidateModel, { preferred: config.tfBackend });
  await worldModel.fit({ interactions: world.ratings, items: world.items, users: world.users }, { seed: 42, quiet: true });
  console.log(`fitted ${worldModel.name} on the synthetic world (${world.ratings.length} ratings) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const worldData = { users: world.users, items: world.items, interactions: world.ratings };
  let worldService = await openService(worldModel, worldData, 0, Number.POSITIVE_INFINITY);
  const worldCounts = countBy(world.ratings.map((rating) => rating.itemId));
  const worldScripts: Script[] = [];
  let worldSkipped = 0;
  for (const user of world.users.slice(0, worldUsers)) {
    const hidden = world.hidden.get(user.id);
    const top = [...(hidden?.tastes ?? [])].map((taste) => ({ genre: taste.genre as string, affinity: affinityAt(taste, now) })).sort((a, b) => b.affinity - a.affinity)[0];
    const films = namedFilms(worldService, world.ratingsOf(user.id), worldItems, worldCounts, 2);
    if (top === undefined || polarityOf(top.affinity) !== 'like' || films.length === 0) {
      worldSkipped++;
      continue;
    }
    worldScripts.push({ userId: user.id, genre: top.genre, messages: messagesFor(top.genre, films) });
  }
  /** Whether the hidden profile likes an item: its genres' mean affinity now is a like (> 0.3), as the world reads one. */
  const likesGenres = (userId: string, item: Item) => {
    const tastes = world.hidden.get(userId)?.tastes ?? [];
    const affinities = item.tags.map((tag) => tastes.find((taste) => taste.genre === tag)).filter((taste) => taste !== undefined).map((taste) => affinityAt(taste, now));
    return affinities.length > 0 && polarityOf(affinities.reduce((sum, value) => sum + value, 0) / affinities.length) === 'like';
  };
  const ratesHigh = (userId: string, item: Item) => expectedScore(world, userId, item.id, now) >= 4;
  interface WorldScores {
    likedGenres: number;
    ratesHigh: number;
    genre: number;
  }
  const worldRows: { arm: string; slots: number; weight: number; halfAt: number; scenario: string; moment: Moment; scores: WorldScores }[] = [];
  const genreOfWorld = new Map(worldScripts.map((script) => [script.userId, script.genre]));
  for (const [index, arm] of arms.entries()) {
    if (index > 0) {
      worldService.close();
      worldService = await openService(worldModel, worldData, arm.slots, arm.halfAt);
    }
    useWeight(arm.weight, arm.halfAt);
    for (const scenario of ['new user', 'returning user'] as const) {
      const lists = await converse(worldService, worldScripts, { ...(scenario === 'new user' ? { fresh: `world-${index}` } : {}), label: `synthetic world, ${arm.name}, ${scenario}s` });
      for (const moment of moments) {
        const at = new Map([...lists].map(([userId, entry]) => [userId, listAt(entry, moment)]));
        worldRows.push({
          arm: arm.name,
          slots: arm.slots,
          weight: arm.weight,
          halfAt: arm.halfAt,
          scenario,
          moment,
          scores: { likedGenres: share(at, likesGenres, worldItems), ratesHigh: share(at, ratesHigh, worldItems), genre: share(at, (userId, item) => item.tags.includes(genreOfWorld.get(userId) ?? ''), worldItems) },
        });
      }
    }
  }
  worldService.close();
  worldModel.dispose?.();

  const users = (count: number) => `${count} user${count === 1 ? '' : 's'}`;
  const statedGenres = [...countBy(test.scripts.map((script) => script.genre))].sort((a, b) => b[1] - a[1]);
  const markdown = [
    '# Stated genre tastes beside named films (offline re-ranker; k = 5)',
    '',
    ...runHeader({ command: scriptCommand('experiments/chatrec/stated-tastes.ts'), date: startedAt }),
    `A user says "I love <genre> movies", then "I loved <title>", then "I also loved <title>"; the lists after each turn, and on the next visit (a plain recommendation request after the session). As a **new user** (a fresh id: the conversation is all the pipeline knows) and as the **returning user** (their own id and ratings). Candidates from ${describeCandidateModel(defaultCandidateModel)}, the served candidate model; before (no candidate places kept for the stated genres, re-ranker weight 0), the previous setting (${previous.slots} places, weight ${previous.weight}, whatever the user's history), the setting served until now (${decayed.slots} places, weight ${decayed.weight}, c = ${decayed.halfAt}; unless it is the one chosen) and the setting chosen on validation, where both are scaled by c / (c + n), n the films the user likes or watched (their ratings of 3 or more and the films named in chat: the model's query); the heuristic profile extractor; no LLM. Popularity is the data's: films named by one simulated user do not count for the next.`,
    '',
    `## MovieLens 100K, P1 split (per-user stratified 75/25, seed 42): ${test.scripts.length} test users`,
    '',
    `Stated genre: the one most common among the user's held-out films (${statedGenres.map(([genre, count]) => `${genre} ${count}`).join(', ')}); named films: their two highest-rated training films whose title the reader takes (ties: the more rated film); ${users(test.unnamed)} had none and ${test.unnamed === 1 ? 'is' : 'are'} left out. NDCG@5 and Precision@5 against every held-out film (training films are not relevant, and for a new user they are not excluded either); **in genre**: share of the 5 in the stated genre. A turn does not offer again what the session offered, so the lists after one and two films are the next five, not the best five; the next-visit list is a new request.`,
    '',
    markdownTable(
      ['re-ranker', 'user', 'list', 'NDCG@5', 'Precision@5', 'in genre'],
      movieLensRows.map((row) => [row.arm, row.scenario, row.moment, row.scores.ndcg, row.scores.precision, row.scores.genre]),
    ),
    '',
    `**Validation** (two 80/20 splits of the training part, seeds ${validationSeeds.join(' and ')}; ${validations.map((entry) => entry.scripts.length).join(' and ')} users; on each the model fitted on its 80 %): NDCG@5 after the second turn ("I loved <title>") and on the next visit, new and returning users, each the mean over the splits; the setting with the best mean of the four, averaged over the splits, is chosen (**split ${validationSeeds.join(' / ')}**: that mean on each). **Stated slots**: candidate places (of 20) kept for the model's best films of the stated genres; **weight**: the offline re-ranker's stated-genre weight; **c**: both are scaled by c / (c + n), n the films the user likes or watched (∞: not scaled, the previous setting).`,
    '',
    markdownTable(
      ['stated slots', 'weight', 'c', 'NDCG@5 new: after film', 'next visit', 'in genre: after film', 'next visit', 'NDCG@5 returning: after film', 'next visit', 'in genre: after film', 'next visit', `split ${validationSeeds.join(' / ')}`, 'mean NDCG@5'],
      validationRows.map((row) => [
        String(row.slots),
        String(row.weight),
        showHalfAt(row.halfAt),
        row.newUser.afterFilm.ndcg,
        row.newUser.nextVisit.ndcg,
        row.newUser.afterFilm.genre,
        row.newUser.nextVisit.genre,
        row.returning.afterFilm.ndcg,
        row.returning.nextVisit.ndcg,
        row.returning.afterFilm.genre,
        row.returning.nextVisit.genre,
        row.bySplit.map((value) => value.toFixed(4)).join(' / '),
        row.criterion,
      ]),
    ),
    '',
    `Chosen: ${chosen.slots} slots, weight ${chosen.weight}, c = ${showHalfAt(chosen.halfAt)}; served (\`CandidateGeneratorOptions.statedSlots\` and \`statedHalfAt\`, \`OfflineReranker\` \`statedGenreWeight\` and \`statedHalfAt\` defaults): ${served.slots} slots, weight ${served.weight}, c = ${showHalfAt(served.halfAt)}.`,
    '',
    `## The synthetic world (seed 42, ${world.users.length} users, ${world.items.length} items; the served fallback): ${worldScripts.length} users`,
    '',
    `Stated genre: the one the hidden profile likes most now; named films: the user's two highest-rated films the title reader takes; ${users(worldSkipped)} without a liked genre or such a film ${worldSkipped === 1 ? 'is' : 'are'} left out. **Likes its genres**: share of the 5 whose genres' mean hidden affinity is a like (> 0.3); **would rate 4+**: whose noise-free score in the world's rating model is 4 or more; **in genre**: in the stated genre.`,
    '',
    markdownTable(
      ['re-ranker', 'user', 'list', 'likes its genres', 'would rate 4+', 'in genre'],
      worldRows.map((row) => [row.arm, row.scenario, row.moment, row.scores.likedGenres, row.scores.ratesHigh, row.scores.genre]),
    ),
  ].join('\n');
  const written = writeResults(outputDirectory, 'stated-tastes', {
    json: {
      protocol: { split: 'per-user stratified 75/25, seed 42 (P1)', validation: `train 80/20, seeds ${validationSeeds.join(' and ')}`, relevant: 'every held-out film', k, model: defaultCandidateModel },
      validation: { seeds: validationSeeds, users: validations.map((entry) => entry.scripts.length), unnamed: validations.map((entry) => entry.unnamed), criterion: 'mean NDCG@5 of new and returning users after "I loved <title>" and on the next visit, averaged over the validation splits', halfAtNote: 'halfAt null: no decay (Infinity)', grid: validationRows, chosen: { slots: chosen.slots, weight: chosen.weight, halfAt: chosen.halfAt }, served },
      movieLens: { users: test.scripts.length, unnamed: test.unnamed, statedGenres: Object.fromEntries(statedGenres), rows: movieLensRows },
      syntheticWorld: { seed: 42, users: worldScripts.length, skipped: worldSkipped, rows: worldRows },
      machine: { cpus: cpus().length },
      finishedAt: new Date().toISOString(),
    },
    markdown,
  });
  console.log(`\n${markdown}\n\nwrote ${written.join(', ')}`);
});
