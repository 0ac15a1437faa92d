/**
 * Profile-recovery experiment (issue 5): how much of a user's hidden persona do the extractors recover?
 *
 *   npx tsx --conditions=development experiments/profile-extraction/run.ts [--limit N] [--world-users N] [--out DIR] [--quiet]
 *
 * 1. Persona-Chat (ConvAI2) valid, 1,000 dialogues: extract from the persona owner's turns (the `self` speaker,
 *    whose persona is "your persona") and match extracted statements with the gold persona sentences
 *    (token F1 >= 0.5 over content tokens, and TF-IDF cosine >= 0.5). Baselines with the same matching code:
 *    every owner sentence, every first-person non-question sentence; the recall ceiling.
 * 2. Synthetic-Persona-Chat valid, user 1.
 * 3. The synthetic world (seeded), whose ground truth includes preference changes with reasons.
 * With an LLM endpoint configured (getConfig().llm.enabled) the LLM extractor is measured too. A dialogue whose
 * extraction fails for a reason of its own (no valid reply after the repairs, an upstream error after the retries, on
 * every chunk) is counted, scored as extracting nothing and the run goes on; an error that would fail every
 * dialogue alike (a wrong base URL, key or model: `isConfigurationError`; a read-mode cache miss; cancelled) stops it.
 *
 * Only the headline run (no --limit, --world-users 200) writes results/; any other run writes under
 * $PERSONALAB_STATE_DIR/experiments/profile-extraction-partial unless --out is given.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  changedOptions,
  createProgress,
  emptyProfile,
  getConfig,
  markdownTable,
  parseInteger,
  PersonalabError,
  resultsDirectory as chooseResultsDirectory,
  runHeader,
  runScript,
  scriptCommand,
  scriptOptions,
  svgBarChart,
  writeResults,
  type Message,
  type Profile,
  type ProfileExtractor,
  type TokenUsage,
} from '@personalab/core';
import {
  findDataset,
  generateSyntheticWorld,
  howToGet,
  loadPersonaChat,
  loadSyntheticPersonaChat,
  personaChatToSession,
  syntheticGroundTruthProfile,
  syntheticPersonaChatToSession,
  syntheticSessions,
} from '@personalab/datasets';
import { createChatModelFromConfig, formatUsage, isConfigurationError, runUsage, type UsageTotals } from '@personalab/llm';
import { HashingEmbedder } from '@personalab/retrieval';
import {
  EmbeddingMatcher,
  HeuristicProfileExtractor,
  LlmProfileExtractor,
  TfidfMatcher,
  addCounts,
  contentTokens,
  createTokenF1Matcher,
  defaultPersonaFilterModel,
  filteredSources,
  matchStatements,
  normalizeSubject,
  personaScore,
  precisionRecall,
  profileStatements,
  splitSentences,
  stopWords,
  tokenF1,
  trainPersonaFilter,
  zeroCounts,
  type MatchCounts,
  type StatementMatcher,
} from '@personalab/profile';
import { foldOf, judged, labelCandidates, personaGroups, pipelineScore, type Speaker } from './filter-data.js';

const options = scriptOptions(() => {
  const { values } = parseArgs({ options: { limit: { type: 'string' }, 'world-users': { type: 'string', default: '200' }, out: { type: 'string' }, quiet: { type: 'boolean', default: false } } });
  const limit = values.limit === undefined ? undefined : parseInteger('--limit', values.limit, { min: 1 });
  const worldUsers = parseInteger('--world-users', values['world-users'], { min: 1 });
  const changed = changedOptions({ limit, 'world-users': worldUsers }, { 'world-users': 200 });
  return {
    limit,
    worldUsers,
    quiet: values.quiet,
    // Chosen here, inside scriptOptions: an --out that is a file is then one line (exit 2) before any work.
    resultsDirectory: chooseResultsDirectory({
      out: values.out,
      committed: join(fileURLToPath(new URL('.', import.meta.url)), 'results'),
      changed,
      name: 'experiments/profile-extraction-partial',
    }),
    /** This run writes the committed results folder. */
    headline: values.out === undefined && changed.length === 0,
  };
});
const limit = options.limit ?? Infinity;
const worldUsers = options.worldUsers;
const config = getConfig();
const quiet = options.quiet || config.quiet;
const resultsDirectory = options.resultsDirectory;

/** A dialogue reduced to what the experiment needs: the owner's messages (with the partner's for context) and gold. */
interface Case {
  id: string;
  messages: Message[];
  ownerSentences: string[];
  gold: string[];
}

const firstPerson = /(?:^|[^a-z'])(?:i|i'm|im|my|me|i've|i'd|i'll|mine|myself)(?=$|[^a-z'])/;
const isFirstPersonStatement = (sentence: string) => firstPerson.test(sentence.toLowerCase()) && !sentence.trim().endsWith('?');

interface MethodResult {
  method: string;
  matcher: string;
  counts: MatchCounts;
  precision: number;
  recall: number;
  f1: number;
  statementsPerDialogue: number;
  /** LLM extractor only: chunks whose extraction failed and were skipped (`onChunkFailure: 'skip'`), out of `chunks`. */
  failedChunks?: number;
  chunks?: number;
  /** LLM extractor only: dialogues whose every chunk failed, scored as extracting nothing (no statement). */
  failedDialogues?: number;
}

/** What the LLM extractor spent and lost over a data set's dialogues. */
interface LlmTally {
  /** HTTP requests (retries and repairs included, failed chunks' too), from the run's usage tracker. */
  requests: number;
  usage: TokenUsage;
  cachedChunks: number;
  chunks: number;
  failedChunks: number;
  failedDialogues: number;
  /** The first failure of a failed dialogue, for the report. */
  firstFailure?: string;
}

const emptyTally = (): LlmTally => ({ requests: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, cachedChunks: 0, chunks: 0, failedChunks: 0, failedDialogues: 0 });

/**
 * Extracts one dialogue's profile. With the LLM extractor, a dialogue whose every chunk failed for a reason of its
 * own (the extractor then throws its first chunk failure, having listed each in `lastStats.failedChunks`) is
 * counted and returns undefined: the caller scores it as extracting nothing. Anything else is thrown: an error
 * the extractor throws at once would fail every dialogue alike (configuration, cancelled, cache miss).
 */
async function extractCounting(extractor: ProfileExtractor, messages: readonly Message[], options: { userId?: string }, tally: LlmTally): Promise<Profile | undefined> {
  if (!(extractor instanceof LlmProfileExtractor)) return extractor.extract(messages, options);
  // The run's tracker, not lastStats: it also counts the attempts of chunks that failed. Dialogues run one at a time.
  const before = runUsage.snapshot();
  let profile: Profile | undefined;
  try {
    profile = await extractor.extract(messages, options);
  } catch (error) {
    const stats = extractor.lastStats;
    const failed = stats.failedChunks?.length ?? 0;
    if (!PersonalabError.is(error) || isConfigurationError(error) || stats.chunks === 0 || failed !== stats.chunks) throw error;
    tally.failedDialogues++;
    tally.firstFailure ??= `${error.code}: ${error.message}`;
  }
  const stats = extractor.lastStats;
  const after = runUsage.snapshot();
  tally.requests += after.requests - before.requests;
  tally.usage.promptTokens += after.promptTokens - before.promptTokens;
  tally.usage.completionTokens += after.completionTokens - before.completionTokens;
  tally.usage.totalTokens += after.totalTokens - before.totalTokens;
  tally.cachedChunks += stats.cachedChunks ?? 0;
  tally.chunks += stats.chunks;
  tally.failedChunks += stats.failedChunks?.length ?? 0;
  return profile;
}

const heuristicName = 'heuristic extractor';
const extractors: Array<{ name: string; extractor: ProfileExtractor }> = [
  { name: heuristicName, extractor: new HeuristicProfileExtractor() },
  { name: 'heuristic: patterns only (no clause facts, no filter)', extractor: new HeuristicProfileExtractor({ clauseFacts: false, filter: false }) },
  { name: 'heuristic: patterns + clauses, no filter', extractor: new HeuristicProfileExtractor({ filter: false }) },
];
const llmModel = createChatModelFromConfig(config);
if (llmModel) extractors.push({ name: `LLM extractor (${llmModel.modelId})`, extractor: new LlmProfileExtractor({ model: llmModel, seed: 0, onChunkFailure: 'skip' }) });

/** Runs every method on a data set's cases and matches with both matchers. */
async function evaluateCases(label: string, cases: Case[]) {
  const predictions = new Map<string, string[][]>();
  predictions.set('every owner sentence (baseline)', cases.map((item) => item.ownerSentences));
  predictions.set('first-person non-question sentences (baseline)', cases.map((item) => item.ownerSentences.filter(isFirstPersonStatement)));
  const timings: Record<string, { seconds: number; messages: number; llm?: LlmTally }> = {};
  for (const { name, extractor } of extractors) {
    const progress = createProgress({ label: `${label}: ${name}`, total: cases.length, quiet });
    const statements: string[][] = [];
    const started = performance.now();
    let messages = 0;
    const tally = emptyTally();
    for (const item of cases) {
      const profile = await extractCounting(extractor, item.messages, {}, tally);
      messages += item.messages.filter((message) => message.role === 'user').length;
      // A failed dialogue extracted nothing: its gold sentences count as missed.
      statements.push(profile === undefined ? [] : profileStatements(profile));
      progress.increment();
    }
    progress.stop();
    timings[name] = { seconds: (performance.now() - started) / 1000, messages, ...(extractor instanceof LlmProfileExtractor ? { llm: tally } : {}) };
    predictions.set(name, statements);
  }
  predictions.set(crossValidatedName, await crossValidatedStatements(cases));
  const corpus = cases.flatMap((item) => [...item.gold, ...item.ownerSentences]);
  // Embedding match: HashingEmbedder (@personalab/retrieval; word, bigram and character n-gram TF-IDF, projected) fitted on the same corpus.
  const embedder = HashingEmbedder.fit(corpus);
  const embedding = await EmbeddingMatcher.create(embedder, [...corpus, ...[...predictions.values()].flat(2)], 0.5, { label: 'hashing-embedding-cosine' });
  const matchers: StatementMatcher[] = [createTokenF1Matcher(0.5), new TfidfMatcher(corpus, 0.5), embedding.withThreshold(0.4), embedding, embedding.withThreshold(0.6)];
  const results: MethodResult[] = [];
  for (const matcher of matchers) {
    for (const [method, perCase] of predictions) {
      let counts = zeroCounts();
      perCase.forEach((statements, index) => {
        counts = addCounts(counts, matchStatements(statements, (cases[index] as Case).gold, matcher));
      });
      const llm = timings[method]?.llm;
      const failures = llm === undefined ? {} : { failedChunks: llm.failedChunks, chunks: llm.chunks, failedDialogues: llm.failedDialogues };
      results.push({ method, matcher: matcher.name, counts, ...precisionRecall(counts), statementsPerDialogue: counts.predicted / cases.length, ...failures });
    }
  }
  const ceiling = (matcher: StatementMatcher) => {
    let recovered = 0;
    let gold = 0;
    for (const item of cases) {
      gold += item.gold.length;
      recovered += item.gold.filter((sentence) => item.ownerSentences.some((owner) => matcher.matches(owner, sentence))).length;
    }
    return recovered / gold;
  };
  // Statements that share no content word with any gold sentence: no rewording could make them match.
  const disjointShare = Object.fromEntries(
    [...predictions].map(([method, perCase]) => {
      let disjoint = 0;
      let total = 0;
      perCase.forEach((statements, index) => {
        const goldWords = new Set((cases[index] as Case).gold.flatMap(contentTokens));
        for (const statement of statements) {
          total++;
          if (!contentTokens(statement).some((token) => goldWords.has(token))) disjoint++;
        }
      });
      return [method, total === 0 ? 0 : disjoint / total];
    }),
  );
  // The ceiling for statements cut at clause boundaries (commas, conjunctions), which the extractor's candidates are.
  const tokenMatcher = matchers[0] as StatementMatcher;
  let clauseRecovered = 0;
  let goldTotal = 0;
  for (const item of cases) {
    const clauses = item.ownerSentences.flatMap((sentence) => sentence.split(/\s*[,;:]\s*|\s+(?:but|and|so|because|although|though|while|plus|or)\s+/)).filter((clause) => /[a-z0-9]/i.test(clause));
    goldTotal += item.gold.length;
    clauseRecovered += item.gold.filter((sentence) => clauses.some((clause) => tokenMatcher.matches(clause, sentence))).length;
  }
  const clauseCeiling = clauseRecovered / goldTotal;
  return { results, disjointShare, clauseCeiling, ceilings: Object.fromEntries(matchers.map((matcher) => [matcher.name, ceiling(matcher)])), timings, cases: cases.length, goldSentences: cases.reduce((sum, item) => sum + item.gold.length, 0) };
}

const crossValidatedName = 'heuristic + filter fitted on this data set (5-fold CV by persona)';
const folds = 5;

/** The owner's turns of a case, each with the partner turn just before it. */
function speakerOf(item: Case, group: string): Speaker {
  const turns = item.messages.flatMap((message, index) => {
    if (message.role !== 'user') return [];
    const previous = item.messages[index - 1];
    return [previous && previous.role !== 'user' ? { text: message.content, partner: previous.content } : { text: message.content }];
  });
  return { id: item.id, group, turns, gold: item.gold };
}

/**
 * The filter fitted on the data set itself, scored out of fold: for each fold, a model fitted on
 * the other four (threshold chosen by a 4-fold cross-validation inside them) filters the
 * extractor's statements on the held-out fold. Shows what an in-domain filter adds.
 */
async function crossValidatedStatements(cases: Case[]): Promise<string[][]> {
  // Dialogues whose sheets share a sentence share a fold, so no persona is both fitted and scored.
  const groups = personaGroups(cases.map((item) => item.gold));
  const data = labelCandidates(cases.map((item, index) => speakerOf(item, groups[index]!)));
  const thresholds = Array.from({ length: 13 }, (_, index) => Number((0.1 + index * 0.025).toFixed(3)));
  const result: string[][] = cases.map(() => []);
  for (let fold = 0; fold < folds; fold++) {
    const training = data.filter((item) => foldOf(item.speaker.group, folds) !== fold);
    const inner = new Map<object, number>();
    for (let innerFold = 0; innerFold < folds - 1; innerFold++) {
      const model = trainPersonaFilter(judged(training.filter((item) => foldOf(`${item.speaker.group}#`, folds - 1) !== innerFold)));
      for (const item of training.filter((entry) => foldOf(`${entry.speaker.group}#`, folds - 1) === innerFold)) for (const candidate of item.candidates) inner.set(candidate, personaScore(model, candidate.text, candidate.source, candidate.context));
    }
    let best = { f1: -1, threshold: 0.2 };
    for (const threshold of thresholds) {
      const { f1 } = pipelineScore(training, (candidate) => !filteredSources.has(candidate.source) || (inner.get(candidate) ?? 0) >= threshold);
      if (f1 > best.f1) best = { f1, threshold };
    }
    const extractor = new HeuristicProfileExtractor({ filter: trainPersonaFilter(judged(training), { threshold: best.threshold }) });
    for (const [index, item] of cases.entries()) {
      if (foldOf(data[index]?.speaker.group ?? '', folds) === fold) result[index] = profileStatements(await extractor.extract(item.messages));
    }
  }
  return result;
}

/** The default extractor with the filter threshold moved: for information only (the default threshold was chosen on SPC test). */
async function thresholdSweep(cases: Case[]) {
  const matcher = createTokenF1Matcher(0.5);
  const rows: Array<{ threshold: number; precision: number; recall: number; f1: number; statementsPerDialogue: number }> = [];
  for (const threshold of [0, 0.1, 0.15, 0.2, 0.25, 0.3]) {
    const extractor = new HeuristicProfileExtractor({ filterThreshold: threshold });
    let counts = zeroCounts();
    for (const item of cases) counts = addCounts(counts, matchStatements(profileStatements(await extractor.extract(item.messages)), item.gold, matcher));
    rows.push({ threshold, ...precisionRecall(counts), statementsPerDialogue: counts.predicted / cases.length });
  }
  return rows;
}

/**
 * The baselines under other matching choices, to locate differences with the reference numbers
 * (0.106 / 0.290 / 0.155 and 0.175 / 0.234 / 0.200).
 */
function matchingVariants(cases: Case[]) {
  const tokenizers = {
    'alphanumeric (apostrophes split)': (text: string) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [],
    "apostrophes kept (i'm = one token)": (text: string) => text.toLowerCase().match(/[a-z0-9']+/g) ?? [],
  };
  const rows: Array<Record<string, string | number>> = [];
  for (const [tokenizerName, tokenize] of Object.entries(tokenizers)) {
    for (const removeStopWords of [true, false]) {
      for (const strict of [false, true]) {
        const tokens = (text: string) => tokenize(text).filter((token) => !removeStopWords || !stopWords.has(token));
        const matcher: StatementMatcher = { name: 'variant', matches: (a, b) => (strict ? tokenF1(tokens(a), tokens(b)) > 0.5 : tokenF1(tokens(a), tokens(b)) >= 0.5) };
        const row: Record<string, string | number> = { tokens: tokenizerName, stopWords: removeStopWords ? 'NLTK removed' : 'kept', threshold: strict ? '> 0.5' : '>= 0.5' };
        for (const [name, select] of [
          ['all', (item: Case) => item.ownerSentences],
          ['firstPerson', (item: Case) => item.ownerSentences.filter(isFirstPersonStatement)],
        ] as const) {
          let counts = zeroCounts();
          for (const item of cases) counts = addCounts(counts, matchStatements(select(item), item.gold, matcher));
          const { precision, recall, f1 } = precisionRecall(counts);
          Object.assign(row, { [`${name}P`]: precision, [`${name}R`]: recall, [`${name}F1`]: f1 });
        }
        rows.push(row);
      }
    }
  }
  return rows;
}

/** Data sets left out of this run, as the sentence the results print. */
const skippedDataSets: string[] = [];

/**
 * A missing data set: its sections are left out and the results say so, except in the headline run, which would
 * replace the committed results with a report that lacks them (it had: a warning on stderr, nothing in the files).
 */
function missingDataSet(name: 'persona-chat' | 'synthetic-persona-chat', section: string): undefined {
  if (options.headline) {
    throw new PersonalabError('not_found', `${name} not found (${howToGet(name)}); the headline run writes the committed results and needs it: give --out DIR to run without it`);
  }
  const note = `${name} not found: the ${section} sections are left out (${howToGet(name)}).`;
  console.warn(note);
  skippedDataSets.push(note);
  return undefined;
}

async function personaChatCases(): Promise<Case[] | undefined> {
  const directory = findDataset('persona-chat', { environmentDataDir: config.dataDir });
  if (!directory) return missingDataSet('persona-chat', 'Persona-Chat valid');
  const { dialogues } = await loadPersonaChat(join(directory, 'valid_self_original_no_cands.txt'));
  return dialogues.slice(0, limit).map((dialogue) => ({
    id: dialogue.id,
    messages: personaChatToSession(dialogue, { user: 'self' }).messages,
    ownerSentences: dialogue.turns.filter((turn) => turn.speaker === 'self').flatMap((turn) => splitSentences(turn.text)),
    gold: dialogue.yourPersona,
  }));
}

async function syntheticPersonaChatCases(): Promise<Case[] | undefined> {
  const directory = findDataset('synthetic-persona-chat', { environmentDataDir: config.dataDir });
  if (!directory) return missingDataSet('synthetic-persona-chat', 'Synthetic-Persona-Chat valid');
  const { conversations } = await loadSyntheticPersonaChat(join(directory, 'Synthetic-Persona-Chat_valid.csv'));
  return conversations.slice(0, limit).map((conversation) => ({
    id: conversation.id,
    messages: syntheticPersonaChatToSession(conversation, { user: 'user1' }).messages,
    ownerSentences: conversation.turns.filter((turn) => turn.speaker === 'user1').flatMap((turn) => splitSentences(turn.text)),
    gold: conversation.user1Persona,
  }));
}

const genreKey = (genre: string) => normalizeSubject(genre.replace(/ movies$/, '').replace(/'s$/, ''));

/** Synthetic world: facts, current genre tastes and their change histories against the hidden truth. */
async function syntheticWorld(extractor: ProfileExtractor, phrasing: 'templates' | 'varied') {
  const world = generateSyntheticWorld({ seed: 7, users: worldUsers, phrasing });
  const matcher = createTokenF1Matcher(0.5);
  let facts = zeroCounts();
  let goals = zeroCounts();
  const tally = { genres: 0, currentCorrect: 0, changed: 0, historyCorrect: 0, changeTimeCorrect: 0, reasonCorrect: 0, movies: 0, moviesCorrect: 0, traitsGuessed: 0 };
  const styleErrors = { meanLength: 0, questionRate: 0, emojiRate: 0, exclamationRate: 0 };
  const formalityPairs: Array<[number, number]> = [];
  const llm = emptyTally();
  for (const user of world.users) {
    const messages = syntheticSessions(world, user.id).flatMap((session) => session.messages);
    const truth = syntheticGroundTruthProfile(world, user.id);
    // A failed user extracted nothing: an empty profile (default style) is scored.
    const profile: Profile = (await extractCounting(extractor, messages, { userId: user.id }, llm)) ?? emptyProfile(user.id, 0);
    facts = addCounts(facts, matchStatements(profile.facts.map((fact) => fact.value), truth.facts.map((fact) => fact.value), matcher));
    goals = addCounts(goals, matchStatements(profile.goals.map((goal) => goal.description), truth.goals.map((goal) => goal.description), matcher));
    for (const gold of truth.preferences) {
      if (gold.category === 'genre') {
        tally.genres++;
        const key = genreKey(gold.subject);
        const found = profile.preferences.find((preference) => normalizeSubject(preference.subject).includes(key));
        if (found?.polarity === gold.polarity) tally.currentCorrect++;
        if (gold.history.length > 0) {
          tally.changed++;
          const sameHistory = found !== undefined && found.polarity === gold.polarity && found.history.map((change) => change.polarity).join() === gold.history.map((change) => change.polarity).join();
          if (sameHistory) tally.historyCorrect++;
          if (sameHistory && found.history.at(-1)?.to === gold.history.at(-1)?.to) tally.changeTimeCorrect++;
          if (found?.reason && gold.reason && tokenF1(contentTokens(found.reason), contentTokens(gold.reason)) >= 0.5) tally.reasonCorrect++;
        }
      } else if (gold.category === 'movie') {
        tally.movies++;
        const found = profile.preferences.find((preference) => normalizeSubject(preference.subject) === normalizeSubject(gold.subject));
        if (found?.polarity === gold.polarity) tally.moviesCorrect++;
      }
    }
    tally.traitsGuessed += Object.values(profile.personality).filter((trait) => trait.score !== null).length;
    for (const field of ['meanLength', 'questionRate', 'emojiRate', 'exclamationRate'] as const) styleErrors[field] += Math.abs(profile.style[field] - truth.style[field]);
    formalityPairs.push([profile.style.formality, truth.style.formality]);
  }
  const users = world.users.length;
  return {
    users,
    seed: 7,
    phrasing,
    ...(extractor instanceof LlmProfileExtractor ? { chunks: llm.chunks, failedChunks: llm.failedChunks, failedUsers: llm.failedDialogues, llm } : {}),
    facts: { counts: facts, ...precisionRecall(facts) },
    goals: { counts: goals, ...precisionRecall(goals) },
    genrePreferences: tally.genres,
    currentPolarityAccuracy: tally.currentCorrect / tally.genres,
    changedPreferences: tally.changed,
    changeHistoryAccuracy: tally.historyCorrect / tally.changed,
    changeTimeAccuracy: tally.changeTimeCorrect / tally.changed,
    changeReasonAccuracy: tally.reasonCorrect / tally.changed,
    moviePreferences: tally.movies,
    moviePolarityAccuracy: tally.moviesCorrect / tally.movies,
    traitsGuessed: tally.traitsGuessed,
    styleMeanAbsoluteError: Object.fromEntries(Object.entries(styleErrors).map(([field, total]) => [field, total / users])),
    formalityCorrelation: pearson(formalityPairs),
  };
}

function pearson(pairs: ReadonlyArray<readonly [number, number]>): number {
  const n = pairs.length;
  const meanX = pairs.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = pairs.reduce((sum, [, y]) => sum + y, 0) / n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (const [x, y] of pairs) {
    covariance += (x - meanX) * (y - meanY);
    varianceX += (x - meanX) ** 2;
    varianceY += (y - meanY) ** 2;
  }
  return covariance / Math.sqrt(varianceX * varianceY);
}

/**
 * Where the LLM extractor's answers came from, for the report: the endpoint only when a request was sent this run;
 * a run answered wholly from the record/replay cache says so, not "measured against" an endpoint it never called.
 */
function describeLlmRun(modelId: string, usage: UsageTotals): string {
  const cache = `the LLM cache (${config.llm.cachePath ?? `${config.stateDir}/llm-cache.sqlite`}, PERSONALAB_LLM_CACHE=${config.llm.cacheMode})`;
  const endpoint = config.llm.baseURL ?? 'the default endpoint';
  if (usage.requests === 0 && usage.cacheHits > 0) return `LLM extractor (model ${modelId}) replayed from ${cache}: every answer came from the cache, no request was sent to ${endpoint} in this run.`;
  if (usage.requests === 0) return `LLM extractor (model ${modelId}) configured for ${endpoint}, but no answer was obtained in this run.`;
  return `LLM extractor measured against ${endpoint} (model ${modelId}; ${usage.requests} requests${usage.cacheHits > 0 ? `, ${usage.cacheHits} answers replayed from ${cache}` : ''}).`;
}

const reference = { all: { precision: 0.106, recall: 0.29, f1: 0.155 }, firstPerson: { precision: 0.175, recall: 0.234, f1: 0.2 } };

async function main() {
  const startedAt = new Date();
  const started = startedAt.toISOString();
  const personaChat = await personaChatCases();
  const spc = await syntheticPersonaChatCases();
  const personaChatResults = personaChat ? await evaluateCases('Persona-Chat', personaChat) : undefined;
  const variants = personaChat ? matchingVariants(personaChat) : undefined;
  const spcResults = spc ? await evaluateCases('Synthetic-Persona-Chat', spc) : undefined;
  const personaChatSweep = personaChat ? await thresholdSweep(personaChat) : undefined;
  const spcSweep = spc ? await thresholdSweep(spc) : undefined;
  const worldResults: Record<string, Awaited<ReturnType<typeof syntheticWorld>>> = {};
  // Template phrasing says everything the way the rules were written for; varied phrasing is the regression check.
  for (const phrasing of ['templates', 'varied'] as const) {
    for (const { name, extractor } of extractors) worldResults[phrasing === 'templates' ? name : `${name}, varied phrasing`] = await syntheticWorld(extractor, phrasing);
  }

  const usage = runUsage.snapshot();
  const llmNote = llmModel
    ? describeLlmRun(llmModel.modelId, usage)
    : 'No LLM endpoint was configured (getConfig().llm.enabled is false: no OPENAI_BASE_URL or OPENAI_API_KEY), so only the offline extractor was measured; the LLM extractor runs through this same script when one is configured.';
  const json = {
    experiment: 'profile-extraction',
    started,
    finished: new Date().toISOString(),
    command: scriptCommand('experiments/profile-extraction/run.ts'),
    limit: Number.isFinite(limit) ? limit : null,
    skippedDataSets,
    matching: 'a gold sentence is recovered when an extracted statement matches it: token F1 >= 0.5 over lower-cased alphanumeric tokens with NLTK English stop words removed; embedding-style matchers: TF-IDF cosine >= 0.5 over content tokens, and cosine of HashingEmbedder vectors (@personalab/retrieval, 256-d, word + bigram + character n-grams) at 0.4, 0.5 and 0.6, both fitted on the gold and owner sentences of the data set',
    llm: { enabled: llmModel !== undefined, note: llmNote, ...(llmModel ? { usage, cacheMode: config.llm.cacheMode } : {}) },
    reference,
    target: { personaChatHeuristicF1: 0.4 },
    filter: { model: defaultPersonaFilterModel.description, threshold: defaultPersonaFilterModel.threshold, features: Object.keys(defaultPersonaFilterModel.weights).length },
    personaChat: personaChatResults,
    personaChatThresholdSweep: personaChatSweep,
    matchingVariants: variants,
    syntheticPersonaChat: spcResults,
    syntheticPersonaChatThresholdSweep: spcSweep,
    syntheticWorld: worldResults,
  };

  const table = (results: MethodResult[], cases: number) =>
    markdownTable(
      ['method', 'matcher', 'precision', 'recall', 'F1', 'statements / dialogue'],
      results.map((result) => [
        result.failedChunks === undefined
          ? result.method
          : `${result.method} (${result.failedChunks} of ${result.chunks} chunks failed, skipped${result.failedDialogues ? `; ${result.failedDialogues} of ${cases} dialogues failed on every chunk, scored as extracting nothing` : ''})`,
        result.matcher,
        result.precision,
        result.recall,
        result.f1,
        result.statementsPerDialogue,
      ]),
      3,
    );
  /** The LLM extractor's requests, tokens and failures over a data set, as a sentence (nothing without one). */
  const llmSpend = (timings: Record<string, { llm?: LlmTally }>, cases: number, unit: string): string[] =>
    Object.entries(timings).flatMap(([name, { llm }]) =>
      llm === undefined
        ? []
        : [
            `${name}: ${llm.requests} requests, ${llm.usage.totalTokens} tokens (${llm.usage.promptTokens} prompt + ${llm.usage.completionTokens} completion), ${llm.cachedChunks} of ${llm.chunks} chunks answered from the cache. ` +
              (llm.failedDialogues > 0
                ? `${llm.failedDialogues} of ${cases} ${unit} failed on every chunk (no valid reply after the repairs, or an upstream error after the retries) and are scored as extracting nothing; first failure: ${llm.firstFailure ?? ''}`
                : `No ${unit.replace(/s$/, '')} failed on every chunk.`),
            '',
          ],
    );
  const lines = [
    '# Profile recovery',
    '',
    ...runHeader({ command: json.command, date: startedAt }),
    llmNote,
    '',
    ...skippedDataSets.flatMap((note) => [note, '']),
    ...(llmModel ? [`LLM usage of the whole run: ${formatUsage(usage)}.`, ''] : []),
    `Matching: ${json.matching}. Precision = share of extracted statements that match some gold sentence; recall = share of gold sentences matched by some statement; micro-averaged over dialogues.`,
    '',
  ];
  if (personaChatResults) {
    const heuristic = personaChatResults.results.find((result) => result.method === heuristicName && result.matcher.startsWith('token'));
    lines.push(
      `## Persona-Chat (ConvAI2) valid: ${personaChatResults.cases} dialogues, ${personaChatResults.goldSentences} gold "your persona" sentences, owner (self) turns only`,
      '',
      table(personaChatResults.results, personaChatResults.cases),
      '',
      ...llmSpend(personaChatResults.timings, personaChatResults.cases, 'dialogues'),
      `Recall ceiling (share of gold sentences that some owner sentence matches): ${Object.entries(personaChatResults.ceilings).map(([name, value]) => `${name}: ${value.toFixed(3)}`).join('; ')}. Cut into clauses (at commas and conjunctions), the owner's sentences match ${personaChatResults.clauseCeiling.toFixed(3)} of the gold sentences (token F1 >= 0.5): shorter statements match more.`,
      '',
      `Target: heuristic F1 >= 0.40. Measured: ${heuristic?.f1.toFixed(3)} (${heuristic && heuristic.f1 >= 0.4 ? 'met' : 'not met'}).`,
      '',
      heuristic
        ? `Upper bound for any filter of the default extractor's statements (an oracle keeping exactly the matching ones: precision 1, same recall): F1 = ${((2 * heuristic.recall) / (1 + heuristic.recall)).toFixed(3)}. ${(100 * (1 - heuristic.precision)).toFixed(0)}% of its statements match no gold sentence and ${(100 * (personaChatResults.disjointShare[heuristicName] ?? 0)).toFixed(0)}% share no content word with any (speakers state first-person facts beyond their persona sheet).`
        : '',
      '',
      `Heuristic variants: "patterns only" is the pattern miner (with bare answers to the partner's questions) without clause facts and the filter; the extractor before this change scored 0.300 / 0.244 / 0.269 on Persona-Chat valid and 0.167 / 0.209 / 0.185 on SPC valid; "patterns + clauses" adds every other first-person clause in canonical form (fillers, tails and second-person clauses removed, list items completed with their subject); the default adds the persona-likeness filter over facts and clauses (stated tastes, changes and goals always pass: the preference tracker needs every taste; logistic regression fitted on Synthetic-Persona-Chat TEST, both speakers, threshold ${defaultPersonaFilterModel.threshold} chosen by cross-validation there; never fitted or tuned on the data sets scored here). "${crossValidatedName}" fits the same filter on this data set's other folds (dialogues grouped by persona: sheets sharing a sentence share a fold, since the 1,000 sheets are drawn from about 100 personas; threshold by an inner 4-fold CV), to show what an in-domain filter adds.`,
      '',
      ...(personaChatSweep
        ? [
            'Default extractor with the filter threshold moved (token F1 >= 0.5; for information only: the shipped threshold was chosen on SPC test, not here):',
            '',
            markdownTable(['threshold', 'precision', 'recall', 'F1', 'statements / dialogue'], personaChatSweep.map((row) => [row.threshold, row.precision, row.recall, row.f1, row.statementsPerDialogue]), 3),
            '',
          ]
        : []),
      '',
      `Reference baselines (measured independently): every sentence ${reference.all.precision} / ${reference.all.recall} / ${reference.all.f1}; first-person non-question ${reference.firstPerson.precision} / ${reference.firstPerson.recall} / ${reference.firstPerson.f1}.`,
      '',
    );
  }
  if (variants) {
    lines.push(
      '### Baselines under other matching choices',
      '',
      'To locate the difference with the reference baselines: the same two baselines under other tokenisations, stop-word handling and thresholds.',
      '',
      markdownTable(
        ['tokens', 'stop words', 'threshold', 'all P', 'all R', 'all F1', 'first-person P', 'first-person R', 'first-person F1'],
        variants.map((row) => [row.tokens, row.stopWords, row.threshold, row.allP, row.allR, row.allF1, row.firstPersonP, row.firstPersonR, row.firstPersonF1] as Array<string | number>),
        3,
      ),
      '',
    );
    const distance = (row: Record<string, string | number>) =>
      Math.max(
        ...(['allP', 'allR', 'allF1', 'firstPersonP', 'firstPersonR', 'firstPersonF1'] as const).map((field, index) =>
          Math.abs(Number(row[field]) - [reference.all.precision, reference.all.recall, reference.all.f1, reference.firstPerson.precision, reference.firstPerson.recall, reference.firstPerson.f1][index]!),
        ),
      );
    const closest = [...variants].sort((a, b) => distance(a) - distance(b))[0];
    if (closest) {
      lines.push(
        `Closest variant to the reference numbers: tokens ${closest.tokens}, stop words ${closest.stopWords}, threshold ${closest.threshold} (largest difference over the six numbers: ${distance(closest).toFixed(3)}). ` +
          'No variant reproduces both reference rows within 0.01: the reference matching is stricter than ours by about a quarter in both precision and recall (between our ">= 0.5" and "> 0.5" rows), and its first-person filter keeps fewer sentences. The tokenizer and stop-word list behind the reference numbers were not given; ours are documented above, and every number in this report uses the same code for baselines and extractors.',
        '',
      );
    }
  }
  if (spcResults) {
    lines.push(`## Synthetic-Persona-Chat valid: ${spcResults.cases} conversations, user 1`, '', table(spcResults.results, spcResults.cases), '', ...llmSpend(spcResults.timings, spcResults.cases, 'conversations'), `Recall ceiling: ${Object.entries(spcResults.ceilings).map(([name, value]) => `${name}: ${value.toFixed(3)}`).join('; ')}.`, '');
    if (spcSweep) lines.push('Default extractor with the filter threshold moved (token F1 >= 0.5, for information only):', '', markdownTable(['threshold', 'precision', 'recall', 'F1', 'statements / dialogue'], spcSweep.map((row) => [row.threshold, row.precision, row.recall, row.f1, row.statementsPerDialogue]), 3), '');
  }
  for (const [name, world] of Object.entries(worldResults)) {
    lines.push(
      `## Synthetic world (seed ${world.seed}, ${world.users} users, ${world.phrasing} phrasing): ${name.replace(/, varied phrasing$/, '')}`,
      '',
      markdownTable(
        ['measure', 'value', 'over'],
        [
          ['fact precision', world.facts.precision, `${world.facts.counts.predicted} extracted facts`],
          ['fact recall', world.facts.recall, `${world.facts.counts.gold} hidden facts`],
          ['fact F1', world.facts.f1, ''],
          ['goal recall', world.goals.recall, `${world.goals.counts.gold} goals`],
          ['current genre preference: polarity accuracy', world.currentPolarityAccuracy, `${world.genrePreferences} stated genre preferences`],
          ['change history (earlier states, in order) correct', world.changeHistoryAccuracy, `${world.changedPreferences} changed preferences`],
          ['... and change time correct', world.changeTimeAccuracy, ''],
          ['change reason recovered (token F1 >= 0.5)', world.changeReasonAccuracy, ''],
          ['mentioned movie: polarity accuracy', world.moviePolarityAccuracy, `${world.moviePreferences} movies`],
          ['Big Five traits given a score', world.traitsGuessed, 'should be 0 offline: unknown, never guessed'],
          ['style MAE: words / message', world.styleMeanAbsoluteError.meanLength ?? NaN, 'truth counts whitespace tokens (emoji included)'],
          ['style MAE: question rate', world.styleMeanAbsoluteError.questionRate ?? NaN, ''],
          ['style MAE: emoji / message', world.styleMeanAbsoluteError.emojiRate ?? NaN, ''],
          ['style MAE: exclamations / message', world.styleMeanAbsoluteError.exclamationRate ?? NaN, ''],
          ['formality: Pearson r with hidden formality', world.formalityCorrelation, ''],
          ...('llm' in world
            ? ([
                ['LLM chunks failed and skipped', world.failedChunks, `${world.chunks} chunks`],
                ['LLM users failed on every chunk (scored as an empty profile)', world.failedUsers, `${world.users} users`],
                ['LLM requests', world.llm.requests, `${world.llm.cachedChunks} chunks from the cache`],
                ['LLM tokens', world.llm.usage.totalTokens, `${world.llm.usage.promptTokens} prompt + ${world.llm.usage.completionTokens} completion`],
              ] as Array<[string, number, string]>)
            : []),
        ],
        3,
      ),
      '',
    );
  }
  if (personaChatResults) {
    const timing = personaChatResults.timings[heuristicName];
    if (timing) lines.push(`Heuristic extractor on Persona-Chat: ${timing.messages} owner messages in ${timing.seconds.toFixed(2)} s (${(timing.messages / timing.seconds).toFixed(0)} messages/s, single run, shared machine; see bench/profile for the benchmark).`, '');
  }

  const svgs: Record<string, string> = {};
  if (personaChatResults) {
    const rows = personaChatResults.results.filter((result) => result.matcher.startsWith('token'));
    svgs[''] = svgBarChart(
      ['precision', 'recall', 'F1'],
      rows.map((result) => ({ name: result.method.replace('first-person non-question sentences (baseline)', 'first-person sentences').replace('every owner sentence (baseline)', 'every sentence').replace('heuristic: ', '').replace('heuristic + filter fitted on this data set (5-fold CV by persona)', 'in-domain filter (5-fold CV)').replace('heuristic extractor', 'heuristic (default)'), values: [result.precision, result.recall, result.f1] })),
      { title: 'Persona-Chat valid: persona recovery (token F1 >= 0.5)', yLabel: 'score', yMin: 0, yMax: 0.6, width: 1200, references: [{ label: 'target F1', value: 0.4 }, { label: 'recall ceiling', value: Number((personaChatResults.ceilings[rows[0]?.matcher ?? ''] ?? 0).toFixed(3)) }] },
    );
  }
  const written = writeResults(resultsDirectory, 'profile-extraction', { json, markdown: lines.join('\n'), svgs });
  console.log(lines.join('\n'));
  console.log(`\nwrote ${written.join(', ')}`);
}

await runScript(main);
