import { createHash } from 'node:crypto';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { getConfig, PersonalabError, type Assistant, type Item, type PersonalabConfig, type RatingInteraction, type User, type UserSimulator } from '@personalab/core';
import { findDataset, loadMovieLens100k, loadSyntheticPersonaChat, stratifiedSplit } from '@personalab/datasets';
import { createChatModelFromConfig, isConfigurationError } from '@personalab/llm';
import { HashingEmbedder, HnswIndex } from '@personalab/retrieval';
import { EaseRecommender } from '@personalab/user-embedding';
import {
  createMostPopularAssistant,
  formatRetryCauses,
  isRefusedK,
  LlmUserSimulator,
  OpenAiChatAssistant,
  parseShard,
  selectShard,
  personaProfile,
  RecommenderAssistant,
  RecommenderHttpAssistant,
  replayScript,
  RetrievalUserSimulator,
  retryCount,
  RunStore,
  runConfiguration,
  ScriptedAssistant,
  simulate,
  simulatedUsersFromRatings,
  summarizeServiceReports,
  TitleMatcher,
  unknownRecommendations,
  UserTurnCorpus,
  writeTranscripts,
  type ConversationRecord,
  type RecommendationSummary,
  type RetryInfo,
  type ServiceReport,
  type ServiceReportSummary,
  type SimulatedUser,
  type SimulationResult,
  type SimulatorReportSummary,
  type UserTurn,
} from '@personalab/simulator';
import { globalOptions, missingDatasetHint, requireDataset } from '../global-options.js';
import { integerOption, positive, seedRange } from '../integer-option.js';
import { interruptOnSignals, servePendingSignals, type Interrupt } from '../interrupt.js';
import { OutageWatch } from '../service-outage.js';
import { parseHttpUrl } from '../url-option.js';
import { refuseFileAsFolder } from '../writable-folder.js';

const userSources = ['movielens-100k', 'synthetic-persona-chat'] as const;
const simulatorNames = ['retrieval', 'llm'] as const;
const assistantNames = ['most-popular', 'ease', 'openai', 'http', 'replay'] as const;
const hints = ['profile', 'target'] as const;
/** Settings added after runs were stored, with the value those runs had: such a run resumes under it. */
const settingDefaults = { hint: 'profile' };
/** Assistants that recommend from MovieLens ratings: they need users with a rating history. */
const ratingAssistants: readonly string[] = ['most-popular', 'ease'];

interface SimulateCommandOptions {
  users: string;
  limit?: number;
  simulator: string;
  assistant: string;
  assistantUrl?: string;
  assistantKey?: string;
  assistantTimeout: number;
  httpUserPrefix?: string;
  systemPrompt?: string;
  maxTurns: number;
  k: number;
  concurrency: number;
  shard?: string;
  runId?: string;
  store?: string;
  transcripts?: string;
  seed: number;
  corpusSize: number;
  patience?: number;
  hint: string;
}

function oneOf(flag: string, value: string, allowed: readonly string[]): void {
  if (!allowed.includes(value)) throw new PersonalabError('invalid_argument', `${flag} must be one of ${allowed.join(', ')}, got "${value}"`);
}

/**
 * Checks the options against each other before any data is loaded or model fitted: unknown names,
 * combinations that cannot work, and options the chosen simulator or assistant would ignore.
 */
function validateOptions(options: SimulateCommandOptions, command: Command, config: PersonalabConfig): void {
  oneOf('--users', options.users, userSources);
  oneOf('--simulator', options.simulator, simulatorNames);
  oneOf('--assistant', options.assistant, assistantNames);
  oneOf('--hint', options.hint, hints);
  const given = (name: string) => {
    const source = command.getOptionValueSource(name);
    return source !== undefined && source !== 'default';
  };
  const onlyWith = (flag: string, name: string, applies: boolean, what: string) => {
    if (given(name) && !applies) throw new PersonalabError('invalid_argument', `${flag} applies to ${what} only (--assistant ${options.assistant}, --simulator ${options.simulator})`);
  };
  onlyWith('--assistant-url', 'assistantUrl', options.assistant === 'http' || options.assistant === 'openai', '--assistant http or openai');
  onlyWith('--assistant-key', 'assistantKey', options.assistant === 'http', '--assistant http');
  onlyWith('--assistant-timeout', 'assistantTimeout', options.assistant === 'http', '--assistant http');
  onlyWith('--http-user-prefix', 'httpUserPrefix', options.assistant === 'http', '--assistant http');
  onlyWith('--system-prompt', 'systemPrompt', options.assistant === 'openai', '--assistant openai');
  onlyWith('--patience', 'patience', options.simulator === 'retrieval', '--simulator retrieval');
  onlyWith('--corpus-size', 'corpusSize', options.simulator === 'retrieval', '--simulator retrieval');
  // The retrieval simulator hints only to users looking for a film (Synthetic-Persona-Chat users chat).
  onlyWith('--hint', 'hint', options.simulator === 'retrieval' && options.users === 'movielens-100k', '--simulator retrieval with --users movielens-100k');
  if (options.assistant === 'replay' && options.users !== 'synthetic-persona-chat') {
    throw new PersonalabError('invalid_argument', `--assistant replay replays the real partner of a Synthetic-Persona-Chat conversation: use it with --users synthetic-persona-chat (${options.users} users have no partner to replay)`);
  }
  if (ratingAssistants.includes(options.assistant) && options.users !== 'movielens-100k') {
    throw new PersonalabError(
      'invalid_argument',
      `--assistant ${options.assistant} recommends from MovieLens ratings, and ${options.users} users have none: use --users movielens-100k, or --assistant replay, openai or http`,
    );
  }
  if (options.assistant === 'http' && !options.assistantUrl) throw new PersonalabError('invalid_argument', '--assistant http needs --assistant-url');
  if (options.assistant === 'openai' && !options.assistantUrl && !config.llm.enabled) {
    throw new PersonalabError('config_error', '--assistant openai needs an endpoint: --assistant-url or OPENAI_BASE_URL / OPENAI_API_KEY');
  }
  if (options.simulator === 'llm' && !config.llm.enabled) throw new PersonalabError('config_error', '--simulator llm needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY)');
  if (options.assistantUrl !== undefined) {
    // A URL fetch cannot take had been retried as a network error once the data was read and users were being created.
    const url = parseHttpUrl('--assistant-url', options.assistantUrl);
    // The HTTP assistant adds /v1/chat itself (the openai one takes a base URL that ends in /v1).
    if (options.assistant === 'http' && /\/v1\/*$/.test(url.pathname)) {
      const root = options.assistantUrl.replace(/\/v1\/*$/, '');
      throw new PersonalabError('invalid_argument', `--assistant-url ${options.assistantUrl} ends in /v1: give the service's root (${root}); the requests add /v1/chat`);
    }
  }
  if (options.runId !== undefined && options.runId.trim() === '') throw new PersonalabError('invalid_argument', '--run-id must not be empty (leave it out for the default)');
  // Missing folders are made (as train, profile and personamem make theirs); one under a file had failed with EEXIST from mkdir.
  const storePath = runStorePath(options, config);
  refuseFileAsFolder(options.store === undefined ? `the run store ${storePath} ($PERSONALAB_STATE_DIR/simulations.sqlite; --store names another)` : `--store ${options.store}`, dirname(resolve(storePath)));
  if (options.transcripts !== undefined) {
    // Checked before the run, whose end writes the file: a folder here (or a file above it) had crashed after every conversation was made.
    const path = resolve(options.transcripts);
    if (existsSync(path) && statSync(path).isDirectory()) throw new PersonalabError('invalid_argument', `--transcripts ${options.transcripts} is a folder: name a file (JSON Lines), e.g. ${join(options.transcripts, 'transcripts.jsonl')}`);
    refuseFileAsFolder(`--transcripts ${options.transcripts}`, dirname(path));
    // Writing the transcripts replaces the file: over the store (or its WAL) it had destroyed every stored conversation.
    const store = canonicalPath(storePath);
    if ([store, `${store}-wal`, `${store}-shm`, `${store}-journal`].includes(canonicalPath(options.transcripts))) {
      throw new PersonalabError('invalid_argument', `--transcripts ${options.transcripts} is the run store's file (--store): name another file, e.g. transcripts.jsonl`);
    }
  }
}

/** `--store`, or the default under the state folder (read when the command runs, not when the CLI starts: a bad environment must not stop `--help`). */
function runStorePath(options: SimulateCommandOptions, config: PersonalabConfig): string {
  return options.store ?? join(config.stateDir, 'simulations.sqlite');
}

/**
 * The prefix of the simulated users' ids on the service when `--http-user-prefix` is not given: the one the run was
 * stored with (runs stored when "sim-" was the default resume with it), else one naming the store and run id
 * ("sim-1a2b3c4d-"), the same for every shard and call of the run. One prefix for all runs had carried a run's
 * conversations and evidence on the service into the next run: the same seed gave other results.
 */
function defaultHttpUserPrefix(stored: Record<string, unknown> | undefined, storePath: string, runId: string): string {
  const prefix = stored?.['httpUserPrefix'];
  if (typeof prefix === 'string') return prefix;
  return `sim-${createHash('sha256').update(`${canonicalPath(storePath)}\n${runId}`).digest('hex').slice(0, 8)}-`;
}

/** What a signal while the data is read ends the command with: nothing was opened or sent, nothing is stored. */
function interruptedWhileReading(): PersonalabError {
  return new PersonalabError('cancelled', 'interrupted while reading the data: nothing was stored or sent (no run was started). Run the same command again to start');
}

/** The work's result, or the `cancelled` error as soon as the signal aborts (the work's own later failure is dropped). */
async function unlessInterrupted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) throw interruptedWhileReading();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(interruptedWhileReading());
    signal.addEventListener('abort', onAbort, { once: true });
  });
  work.catch(() => undefined);
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
  }
}


/** The absolute path with symbolic links resolved, as far as the path exists. */
function canonicalPath(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    // The file does not exist yet: its folder may be a link.
    try {
      return join(realpathSync(dirname(absolute)), basename(absolute));
    } catch {
      return absolute;
    }
  }
}

/** The failed conversations, grouped by message, most frequent first: "3× ease: unknown user spc-0". */
function describeErrors(records: readonly ConversationRecord[], shown = 3): string[] {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.endReason !== 'error') continue;
    const message = record.error ?? 'unknown error';
    counts.set(message, (counts.get(message) ?? 0) + 1);
  }
  const sorted = [...counts].sort((left, right) => right[1] - left[1]);
  const lines = sorted.slice(0, shown).map(([message, count]) => `  ${count}× ${message}`);
  const rest = sorted.slice(shown);
  if (rest.length > 0) {
    // "1 other errors" had read as a slip; the conversations they failed are counted too.
    const failed = rest.reduce((sum, [, count]) => sum + count, 0);
    lines.push(`  … and ${rest.length} other ${rest.length === 1 ? 'error' : 'errors'} (${failed} ${failed === 1 ? 'conversation' : 'conversations'}; all are in the run store)`);
  }
  return lines;
}

/** Synthetic-Persona-Chat turns with the message each answered, for the retrieval simulator. */
function userTurns(conversations: ReadonlyArray<{ id: string; turns: ReadonlyArray<{ speaker: string; text: string }> }>): UserTurn[] {
  const turns: UserTurn[] = [];
  for (const conversation of conversations) {
    conversation.turns.forEach((turn, index) => {
      const previous = conversation.turns[index - 1];
      const context = previous && previous.speaker !== turn.speaker ? previous.text : '';
      if (index === 0 || context !== '') turns.push({ text: turn.text, context, conversationId: conversation.id });
    });
  }
  return turns;
}

/**
 * The run's summary as a table whose columns line up in a terminal (and stay a markdown table). Success,
 * goal met and recall read "n/a" when no scored conversation had hidden targets: a 0 there would be made up.
 */
function summaryTable(summary: RecommendationSummary, k: number, failed: number): string {
  const measured = summary.withTargets > 0;
  const rate = (value: number | null) => (!measured || value === null ? 'n/a' : Number.isInteger(value) ? String(value) : value.toFixed(3));
  const headers = ['conversations', 'success', 'goal met', 'mean turns to success', ...summary.recallByTurn.map((_, turn) => `recall@${k} t${turn + 1}`), 'errors'];
  const cells = [String(summary.conversations), rate(summary.successRate), rate(summary.goalMetRate), measured && summary.meanTurnsToSuccess === null ? '–' : rate(summary.meanTurnsToSuccess), ...summary.recallByTurn.map(rate), String(failed)];
  const widths = headers.map((header, column) => Math.max(header.length, (cells[column] ?? '').length, 3));
  const row = (values: readonly string[]) => `| ${values.map((value, column) => value.padStart(widths[column] ?? 0)).join(' | ')} |`;
  return [row(headers), `| ${widths.map((width) => `${'-'.repeat(width - 1)}:`).join(' | ')} |`, row(cells)].join('\n');
}

/**
 * How often the LLM simulator's model never passed the character and fact checks and a grounded reply stood in, over
 * the stored conversations of the run (every call of a resumed one), from the report stored with each:
 * "llm simulator: 2 of 14 user turns fell back to the grounded simulator (7 of 20 model replies failed the character and fact checks), in the 3 conversations stored".
 * Failed conversations (no turns) and conversations stored before reports were recorded (unknown) are left out and counted.
 */
function fallbackLine(report: SimulatorReportSummary, scope: string): string {
  const count = (value: number, one: string, many: string) => `${value} ${value === 1 ? one : many}`;
  const leftOut = [
    ...(report.unreported > 0 ? [`${report.unreported} stored before fallbacks were recorded: unknown, not counted`] : []),
    ...(report.failed > 0 ? [`${report.failed} failed, not counted`] : []),
  ];
  return (
    `llm simulator: ${report.fallbackTurns} of ${count(report.userTurns, 'user turn', 'user turns')} fell back to the grounded simulator ` +
    `(${report.rejectedReplies} of ${count(report.modelReplies, 'model reply', 'model replies')} failed the character and fact checks), in the ${count(report.conversations, 'conversation', 'conversations')} stored${scope}` +
    (leftOut.length > 0 ? ` (${leftOut.join('; ')})` : '')
  );
}

/**
 * How the service held up, from the report stored with each conversation (every call of a resumed run), and the requests
 * that created the users in this call: "service retries: 12 (429 ×9, 503 ×2, connection reset ×1); 0 requests failed after
 * retries (in 480 requests of the 20 conversations stored, every call of the run)". Failed conversations count (their
 * requests are what failed); conversations stored before retries were recorded are left out and counted.
 */
function serviceRetriesLine(report: ServiceReportSummary, scope: string, registration: ServiceReport | undefined): string {
  const count = (value: number, one: string, many: string) => `${value} ${value === 1 ? one : many}`;
  const causes = (retries: Readonly<Record<string, number>>) => (retryCount(retries) > 0 ? ` (${formatRetryCauses(retries)})` : '');
  const details = [
    `in ${count(report.requests, 'request', 'requests')} of the ${count(report.conversations, 'conversation', 'conversations')} stored${scope}, every call of the run`,
    ...(registration && registration.requests > 0
      ? [
          `creating the users this call: ${count(retryCount(registration.retries), 'retry', 'retries')}${causes(registration.retries)} in ${count(registration.requests, 'request', 'requests')}` +
            (registration.failedRequests > 0 ? `, ${registration.failedRequests} failed after retries` : ''),
        ]
      : []),
    ...(report.unreported > 0 ? [`${count(report.unreported, 'conversation', 'conversations')} stored before retries were recorded: unknown, not counted`] : []),
  ];
  return `service retries: ${report.retries}${causes(report.retriesByCause)}; ${count(report.failedRequests, 'request', 'requests')} failed after retries (${details.join('; ')})`;
}

/**
 * Says that the assistant recommended ids the catalogue lacks (they count as misses; the simulated user does not know them):
 * an assistant of one's own answering with its own ids would otherwise read as one that recommends badly.
 */
function unknownItemsLine(conversations: readonly ConversationRecord[], catalog: ReadonlyMap<string, Item>, users: string): string | undefined {
  const unknown = unknownRecommendations(conversations, (itemId) => catalog.has(itemId));
  if (unknown.ids === 0) return undefined;
  const quote = (ids: readonly string[]) => ids.map((id) => JSON.stringify(id)).join(', ');
  const examples = quote(unknown.distinct.slice(0, 3)) + (unknown.distinct.length > 3 ? ', …' : '');
  const count = (value: number, one: string, many: string) => `${value} ${value === 1 ? one : many}`;
  return (
    `assistant: ${count(unknown.ids, 'recommended id is', 'recommended ids are')} not ${users} items (${unknown.distinct.length} distinct: ${examples}), ` +
    `in ${count(unknown.turns, 'turn', 'turns')} of ${count(unknown.conversations, 'conversation', 'conversations')}: they count as misses and the simulated user does not know them; ` +
    `recommend the catalogue's item ids (e.g. ${quote([...catalog.keys()].slice(0, 3))})`
  );
}

/**
 * `RunStore.checkRun` (runs stored before a setting resume under its default), with the refusal naming the option
 * that takes another id: "use another run id" had left it unsaid, and the default id names no setting, so
 * `--hint target` beside a profile run under the default was refused with no way on in sight.
 */
function checkRunId(store: RunStore, runId: string, config: Record<string, unknown>, defaultId: boolean): void {
  try {
    store.checkRun(runId, config, settingDefaults);
  } catch (error) {
    if (!PersonalabError.is(error, 'conflict')) throw error;
    const why = defaultId ? ` (the default, ${runId}, names the simulator, assistant, users and --hint, not the other settings)` : '';
    throw new PersonalabError('conflict', `${error.message}: --run-id <id>${why}`, { cause: error, details: error.details });
  }
}

/**
 * `RunStore.removeEmptyRun`, false when the store cannot say: the run's own error (a store that failed, say) is the one
 * to report, and the run's record then stays as it was.
 */
function removeEmptyRun(store: RunStore, runId: string): boolean {
  try {
    return store.removeEmptyRun(runId);
  } catch {
    return false;
  }
}

/** Says on stderr, at most once a minute, that the service rate-limits the run and the run waits. */
function rateLimitNotice(): (info: RetryInfo) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (info) => {
    if (info.status !== 429 || Date.now() - last < 60_000) return;
    last = Date.now();
    process.stderr.write(
      `http: the service answered 429 (rate limit); waiting ${Math.ceil(info.delayMs / 1000)} s${info.fromRetryAfter ? ' as its Retry-After asks' : ''}, then going on. ` +
        `A faster run needs a higher limit on the service (PERSONALAB_RATE_LIMIT, default 600 requests a minute per key).\n`,
    );
  };
}

/** `personalab simulate`: simulated users with hidden profiles and goals against an assistant. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run simulated users (hidden profiles and goals) against an assistant; resumable, shardable, JSONL transcripts')
    .option('--users <source>', 'movielens-100k (targets: held-out items rated >= 4) | synthetic-persona-chat (personas of the test split)', 'movielens-100k')
    .addOption(integerOption('--limit <n>', 'only the first n users (a run may be resumed with another --limit: the first users stay the same)', positive))
    .option('--simulator <name>', 'retrieval (offline) | llm (needs OPENAI_BASE_URL or OPENAI_API_KEY)', 'retrieval')
    .option(
      '--assistant <name>',
      'most-popular | ease (movielens-100k users) | openai (an OpenAI-compatible endpoint) | http (the recommender API, or your own service answering its POST /v1/chat: the simulator README lists the requests) | replay (synthetic-persona-chat users: the real partner)',
      'most-popular',
    )
    .option('--assistant-url <url>', 'http: recommender root URL (e.g. http://127.0.0.1:3000); openai: endpoint base URL (default: the configured one)')
    .option('--assistant-key <key>', 'http: API key of the recommender')
    .addOption(
      integerOption(
        '--assistant-timeout <seconds>',
        'http: how long one request may take before it is retried (twice) and then fails its conversation; raise it for a slow assistant of your own',
        { min: 1, max: 3600 },
        30,
      ),
    )
    .option(
      '--http-user-prefix <prefix>',
      'http: the simulated users are created on the service under this prefix, MovieLens users with their visible (training) ratings, so the service knows what they rated but not their hidden targets, Synthetic-Persona-Chat users without ratings; ' +
        'default sim-<8 hex digits>-, naming the run store and run id: each run has users of its own (another run id or store starts with fresh users, not ones with earlier conversations on the service), every shard and resume of a run the run\'s own; ' +
        'a run stored with another prefix (sim- before this default) resumes with it; a prefix given is shared by every run that gives it; "" creates none and sends the ids as they are (the service must know them)',
    )
    .option('--system-prompt <text>', 'openai: the assistant system prompt')
    .addOption(integerOption('--max-turns <n>', 'assistant replies per conversation at most; the user still reacts to the last one (up to n + 1 user turns)', { min: 1, max: 1000 }, 5))
    .addOption(integerOption('--k <n>', 'recommendations per turn counted by recall@k (http: the project\'s recommender takes at most 20; a service refusing k stops the run at the first chat)', { min: 1, max: 1000 }, 5))
    .addOption(integerOption('--concurrency <n>', 'conversations in flight', { min: 1, max: 1024 }, 8))
    .option('--shard <i/n>', 'run only shard i of n (1-based), e.g. 2/4')
    .option('--run-id <id>', 'run id in the store (default <simulator>--<assistant name>--<users>, with the assistant as it names itself: retrieval--recommender:ease--movielens-100k, and --hint-target after it with --hint target; printed at the end of each run); resuming with options that change the results is refused')
    .option('--store <file>', 'SQLite run store (resumes a run with the same id; default $PERSONALAB_STATE_DIR/simulations.sqlite)')
    .option(
      '--transcripts <file>',
      'write the conversations as JSON Lines, each with the run settings in a config field (with --simulator llm also its simulatorReport: which user turns fell back; with --assistant http its serviceReport: requests, retries by cause, requests failed after retries)',
    )
    .addOption(integerOption('--seed <n>', 'seed of the split and the simulators', seedRange, 1))
    .addOption(integerOption('--corpus-size <n>', 'retrieval simulator: real user turns in its corpus', positive, 8000))
    .addOption(integerOption('--patience <n>', 'retrieval simulator: rounds of unwanted recommendations before a simulated user gives up (default: never)', positive))
    .option(
      '--hint <kind>',
      'retrieval simulator, movielens-100k users: what a user who accepts nothing from a list says it is in the mood for: profile (one of its profile\'s liked genres, unrelated to its hidden targets) | target (a genre of one of its hidden targets, as a user who knows what it wants)',
      'profile',
    )
    .action(async (options: SimulateCommandOptions, command: Command) => {
      const global = globalOptions(command);
      const config = getConfig();
      validateOptions(options, command, config);
      // Ctrl-C or SIGTERM while the data is read (a second or two) had ended the command with 130 and no word. Replaced
      // by the next handler (`preparing`) without a moment between them; disposed on every way out.
      const loading = interruptOnSignals({ stopping: 'stopping before anything is stored', kept: 'nothing is stored yet' });
      try {
        const shard = options.shard ? parseShard(options.shard) : undefined;
        const spcDirectory = findDataset('synthetic-persona-chat', global.dataDirectory);

        // 1. Read the data (a second or so): everything the run's settings depend on.
        let users: SimulatedUser[];
        let items: Item[] = [];
        let train: RatingInteraction[] = [];
        let userData: User[] = [];
        if (options.users === 'movielens-100k') {
          const data = await unlessInterrupted(loadMovieLens100k(requireDataset('movielens-100k', global)), loading.signal);
          const split = stratifiedSplit(data.ratings, { ratio: 0.8, seed: options.seed });
          items = data.items;
          train = split.train;
          userData = data.users;
          users = simulatedUsersFromRatings({ items: data.items, train: split.train, test: split.test, users: data.users });
        } else {
          if (!spcDirectory) throw new PersonalabError('not_found', `synthetic-persona-chat not found: ${missingDatasetHint('synthetic-persona-chat', global)}`);
          const test = await unlessInterrupted(loadSyntheticPersonaChat(join(spcDirectory, 'Synthetic-Persona-Chat_test.csv'), { onInvalid: 'skip' }), loading.signal);
          users = test.conversations.map((conversation) => ({
            id: conversation.id,
            profile: personaProfile({ userId: conversation.id, statements: conversation.user1Persona }),
            goal: { description: 'Get to know the person you are talking to.' },
            // The partner's turns hold SPC's template slots ("Hi, I'm [user 2's name]."): filled as a person would say them, and a
            // turn left empty ("I'm from [place].") left out.
            script: replayScript(conversation.turns.filter((turn) => turn.speaker === 'user2').map((turn) => turn.text), { speaker: 2, name: 'Alex' }),
          }));
        }
        if (options.limit !== undefined) users = users.slice(0, options.limit);
        let corpusTurns: UserTurn[] = [];
        if (options.simulator === 'retrieval') {
          corpusTurns = [{ text: 'Hi!', context: '', conversationId: 'none' }];
          if (spcDirectory) corpusTurns = userTurns((await unlessInterrupted(loadSyntheticPersonaChat(join(spcDirectory, 'Synthetic-Persona-Chat_valid.csv'), { onInvalid: 'skip' }), loading.signal)).conversations).slice(0, options.corpusSize);
          else process.stderr.write(`synthetic-persona-chat not found, the retrieval simulator has no chit-chat corpus: ${missingDatasetHint('synthetic-persona-chat', global)}\n`);
        }
        // A signal that came during the parsing waits in the event loop: served here, before anything is opened.
        await servePendingSignals();
        if (loading.signal.aborted) throw interruptedWhileReading();
        const catalog = new Map(items.map((item) => [item.id, item]));
        const historyByUser = new Map<string, string[]>();
        for (const rating of train) historyByUser.set(rating.userId, [...(historyByUser.get(rating.userId) ?? []), rating.itemId]);
        const historyOf = (userId: string) => historyByUser.get(userId) ?? [];

        // 2. The assistant and the simulator, with their slow parts (model fit, users on the service, corpus index) put off.
        let assistant: Assistant;
        // The HTTP assistant counts its retries: the command ends with a line on how the service held up.
        let http: RecommenderHttpAssistant | undefined;
        // Given this shard's users whose conversation is still to run (not stored, or failed), once the run id is checked.
        let prepareAssistant = async (_pending: readonly SimulatedUser[], _signal: AbortSignal): Promise<void> => undefined;
        /** `--assistant http`: builds the assistant (and what creates the users on the service) for the users' id prefix. */
        let connectHttp: ((userIdPrefix: string) => RecommenderHttpAssistant) | undefined;
        // Everything besides the names, seed, turns and k that changes the conversations: a resumed run must match it.
        const runConfig: Record<string, unknown> = { users: options.users, seed: options.seed };
        switch (options.assistant) {
          case 'most-popular':
            assistant = createMostPopularAssistant({ interactions: train, catalog, k: options.k, historyOf });
            break;
          case 'ease': {
            const model = new EaseRecommender();
            assistant = new RecommenderAssistant({ recommender: model, catalog, k: options.k, historyOf });
            prepareAssistant = () => model.fit({ interactions: train, items, users: userData }, { seed: options.seed, quiet: global.quiet });
            break;
          }
          case 'openai': {
            const model = createChatModelFromConfig(options.assistantUrl ? { ...config, llm: { ...config.llm, enabled: true, baseURL: options.assistantUrl } } : config);
            if (!model) throw new PersonalabError('config_error', '--assistant openai needs an endpoint: --assistant-url or OPENAI_BASE_URL / OPENAI_API_KEY');
            assistant = new OpenAiChatAssistant({ model, titles: new TitleMatcher(items), ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}) });
            Object.assign(runConfig, { assistantUrl: options.assistantUrl ?? config.llm.baseURL ?? null, systemPrompt: options.systemPrompt ?? null });
            break;
          }
          case 'http': {
            const baseUrl = options.assistantUrl as string;
            const onRetry = rateLimitNotice();
            connectHttp = (userIdPrefix) => {
              const service = new RecommenderHttpAssistant({
                baseUrl,
                k: options.k,
                userIdPrefix,
                timeoutMs: options.assistantTimeout * 1000,
                ...(options.assistantKey ? { apiKey: options.assistantKey } : {}),
                onRetry,
              });
              Object.assign(runConfig, { assistantUrl: baseUrl, httpUserPrefix: userIdPrefix });
              http = service;
              if (userIdPrefix === '') return service;
              // Synthetic-Persona-Chat users have no ratings, but are created too: the recommender chats only with users it
              // knows (every conversation had failed with 404 "unknown user sim-spc-0").
              const rated = options.users === 'movielens-100k';
              prepareAssistant = async (mine, signal) => {
                // Users whose conversation is stored need nothing on the service: a finished run run again sends nothing.
                if (mine.length === 0) return;
                // The service's own user 1 may be the real user 1 with every rating, hidden targets included:
                // then nothing the simulated user wants can be recommended. Fresh ids carry the training ratings only.
                const byUser = new Map<string, RatingInteraction[]>();
                for (const rating of train) {
                  const ratings = byUser.get(rating.userId);
                  if (ratings) ratings.push(rating);
                  else byUser.set(rating.userId, [rating]);
                }
                let created: number;
                try {
                  created = await service.registerUsers(
                    mine.map((user) => ({ id: user.id, ratings: byUser.get(user.id) ?? [] })),
                    signal,
                  );
                } catch (error) {
                  // An assistant of one's own may answer POST /v1/chat only: say what it lacks and the way around it.
                  const status = PersonalabError.is(error) ? error.details?.['status'] : undefined;
                  if (status !== 404 && status !== 405 && status !== 501) throw error;
                  const lacks = rated
                    ? `the service does not take the simulated users' ratings (POST /v1/users, then /v1/users/:id/events; the simulator README lists the requests). ` +
                      `Without them, --http-user-prefix "" chats as the MovieLens user ids and sends no ratings (the service must then know those users' histories itself)`
                    : `the service does not create the simulated users (POST /v1/users; the simulator README lists the requests). ` +
                      `Without it, --http-user-prefix "" chats as the ${options.users} ids (${mine[0]?.id ?? ''}, …): the service must then know those users itself`;
                  throw new PersonalabError('upstream_bad_response', `${(error as Error).message.slice(0, 200)}: ${lacks}`, { cause: error });
                }
                const existing = mine.length - created;
                process.stderr.write(
                  rated
                    ? `http: ${created} simulated users created on ${baseUrl} as ${userIdPrefix}<id> with their training ratings${existing > 0 ? ` (${existing} there already: their ratings re-sent, batches the service had refused as stored)` : ''}. ` +
                        `The service's model may have been trained on the hidden ratings too (npm start trains on all of MovieLens); ` +
                        `experiments/simulation/movielens.ts serves the training split only. ` +
                        `The users and their ratings stay in the service's store (and its next training): use a scratch service (PERSONALAB_STATE_DIR=/tmp/scratch npm start).\n`
                    : `http: ${created} simulated users created on ${baseUrl} as ${userIdPrefix}<id>, without ratings (${options.users} users have none)${existing > 0 ? ` (${existing} there already)` : ''}. ` +
                        `The users stay in the service's store: use a scratch service (PERSONALAB_STATE_DIR=/tmp/scratch npm start).\n`,
                );
              };
              return service;
            };
            // The name (in the default run id) is the same whatever the prefix: the default prefix, which names the run, is set once the run id is known.
            assistant = connectHttp(options.httpUserPrefix ?? '');
            break;
          }
          default:
            assistant = new ScriptedAssistant(new Map(users.map((user) => [user.id, user.script ?? []])), 'real-partner-replay');
        }

        let simulator: (user: SimulatedUser) => UserSimulator;
        let simulatorName: string;
        let corpus: UserTurnCorpus | undefined;
        if (options.simulator === 'llm') {
          const model = createChatModelFromConfig(config);
          if (!model) throw new PersonalabError('config_error', '--simulator llm needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY)');
          // Each conversation's fallbacks are stored with it (`simulatorReport`): the summary counts the whole run from the store.
          simulator = () => new LlmUserSimulator({ model, catalog, maxTurns: options.maxTurns, seed: options.seed });
          // Recorded in the run's settings (a run resumed with another model is refused by name); the run id names the option.
          simulatorName = new LlmUserSimulator({ model, catalog }).name;
        } else {
          // Only users looking for a film hint (validated: --hint is refused for the others).
          const hint = options.users === 'movielens-100k' ? (options.hint as (typeof hints)[number]) : undefined;
          simulator = () => {
            if (!corpus) throw new PersonalabError('internal', 'the retrieval corpus is built before the run');
            return new RetrievalUserSimulator({ corpus, catalog, seed: options.seed, ...(options.patience === undefined ? {} : { patience: options.patience }), ...(hint ? { hint } : {}) });
          };
          simulatorName = RetrievalUserSimulator.simulatorName;
          // The corpus actually used (1 turn when Synthetic-Persona-Chat is missing), not just the option.
          Object.assign(runConfig, { corpusSize: corpusTurns.length, patience: options.patience ?? null, ...(hint ? { hint } : {}) });
        }

        // 3. A run id taken by other settings is refused now, before the model is fitted or users are sent anywhere.
        // The default names the --simulator option ("llm--most-popular--movielens-100k"), as it always had: a run started before resumes.
        // Target hints are another experiment beside the profile's (the default, whose id is as before --hint; --hint is
        // refused where it would be ignored, so a target here is a run that hints at targets).
        const runId = options.runId ?? `${options.simulator}--${assistant.name}--${options.users}${options.hint === 'target' ? '--hint-target' : ''}`;
        const storePath = runStorePath(options, config);
        const store = new RunStore(storePath);
        /** Writes how the service held up (`--assistant http`), on every way out once the run id is checked, but for a refused run. */
        let reportService: (() => void) | undefined;
        try {
          // The run's settings as stored, read once (every run of the store had been read twice for this one).
          const storedRun = store.storedConfig(runId);
          if (connectHttp && options.httpUserPrefix === undefined) assistant = connectHttp(defaultHttpUserPrefix(storedRun, storePath, runId));
          // As `simulate` records it (a shard without users records the simulator as "none").
          const mine = selectShard(users, shard);
          // A run this call records, removed again if it stores no conversation: a refused run had held its settings (its id refused the corrected command).
          const newRun = storedRun === undefined;
          checkRunId(store, runId, runConfiguration({ simulator: mine.length > 0 ? simulatorName : 'none', assistant: assistant.name, maxTurns: options.maxTurns, k: options.k, config: runConfig }), options.runId === undefined);
          // The requests that created the users (this call's only requests before the run).
          let registration: ServiceReport | undefined;
          if (http) {
            const mineIds = new Set(mine.map((user) => user.id));
            reportService = () => {
              let line: string;
              try {
                // From the store, so that a resumed run (and a finished one run again) counts every call's requests.
                const report = summarizeServiceReports(store.conversations(runId).filter((record) => mineIds.has(record.userId)));
                line = serviceRetriesLine(report, shard ? ` for shard ${options.shard}` : '', registration);
              } catch (error) {
                line = `service retries: unknown (${error instanceof Error ? error.message : String(error)})`;
              }
              process.stderr.write(`${line}\n`);
            };
          }

          // 4. The slow parts.
          // As `simulate` picks them: failed conversations run again, stored ones are skipped.
          const stored = store.finishedUserIds(runId);
          // Ctrl-C or SIGTERM here (creating a whole user set on a rate-limited service takes minutes) had ended the
          // command at once, without a word: now it stops creating users and says what is stored and how to resume.
          const preparing = interruptOnSignals({
            stopping: 'stopping before the conversations start',
            kept: `the conversations stored so far stay in ${storePath}, and the same command resumes`,
          });
          loading.dispose();
          // Replaced by the run's own handler without a moment between them: a signal then would end the command silently.
          let interrupt: Interrupt = preparing;
          try {
            let stoppedCreatingUsers = false;
            try {
              await prepareAssistant(
                mine.filter((user) => !stored.has(user.id)),
                preparing.signal,
              );
            } catch (error) {
              if (!preparing.signal.aborted) throw error;
              stoppedCreatingUsers = http !== undefined;
            } finally {
              registration = http?.serviceTotals();
            }
            if (options.simulator === 'retrieval' && !preparing.signal.aborted) {
              const embedder = HashingEmbedder.fit(corpusTurns.map((turn) => turn.text), { dimension: 256 });
              corpus = await UserTurnCorpus.build({ turns: corpusTurns, embedder, createIndex: (dimension) => new HnswIndex({ dimension, m: 12, efConstruction: 48 }) });
            }
            // A signal that came during the synchronous work above waits in the event loop: let it be served here (removing
            // the last handler before it was would have dropped it, and the run had gone on as if nothing was sent).
            await servePendingSignals();
            if (preparing.signal.aborted) {
              throw new PersonalabError(
                'cancelled',
                `interrupted before the conversations started${stoppedCreatingUsers ? ` (creating the simulated users on ${options.assistantUrl ?? ''}: those created stay there, and their ratings are sent again on resume)` : ''}: ` +
                  `${mine.filter((user) => stored.has(user.id)).length} of ${mine.length} conversations${shard ? ` of shard ${options.shard}` : ''} of run ${runId} are stored in ${storePath}. Run the same command again to resume.`,
              );
            }
            // 5. The run. Ctrl-C or SIGTERM stops it cleanly: conversations in flight are dropped (they run again on resume), the stored ones stay.
            interrupt = interruptOnSignals({
              stopping: 'stopping the run; conversations in flight are dropped',
              kept: `the conversations stored so far stay in ${storePath}, and the same command resumes`,
            });
          } finally {
            preparing.dispose();
          }
          // Conversations this call stored finished; failed ones are left out, as `finishedUserIds` leaves them out (they run again on resume).
          let finishedNow = 0;
          // A dead or hung service had failed every remaining conversation, each after its retries: a few in a row stop the run.
          // At least as many as run at once: those in flight beside the answered ones end together, and three users a slow
          // service timed out on had stopped a run it answered (as a gone one fails every conversation in flight, no later).
          const outage = new OutageWatch(Math.max(3, options.concurrency));
          let result: SimulationResult;
          try {
            result = await simulate({
              simulator,
              assistant,
              users,
              maxTurns: options.maxTurns,
              k: options.k,
              concurrency: options.concurrency,
              store,
              runId,
              config: runConfig,
              configDefaults: settingDefaults,
              ...(shard ? { shard } : {}),
              quiet: global.quiet,
              signal: interrupt.signal,
              // A wrong URL, key or model of an LLM fails every conversation alike: the run stops at the first.
              // Not the HTTP assistant's errors: its 404 may name one unknown user.
              // Nor its 400, but for a refused k (the project's recommender takes at most 20): every chat would ask for it.
              // And a service that a few conversations in a row could not reach (`OutageWatch`): not one that answered an error.
              stopOn: (error, source) =>
                (isConfigurationError(error) && (source === 'simulator' ? options.simulator === 'llm' : options.assistant === 'openai')) ||
                (source === 'assistant' && (isRefusedK(error) || (http !== undefined && outage.failed(error)))),
              onConversation: (record) => {
                if (record.endReason !== 'error') {
                  finishedNow++;
                  outage.answered();
                }
              },
            });
          } catch (error) {
            // A run that stored nothing holds no settings: its id takes the corrected command. Not an interrupted one (it
            // resumes), nor one refused by another's settings (not its record).
            const forgotten = newRun && !PersonalabError.is(error, 'cancelled') && !PersonalabError.is(error, 'conflict') && removeEmptyRun(store, runId);
            // Both counts leave failed conversations out: they are stored as errors and run again on resume.
            const endReasons = () => new Map(store.conversations(runId).map((record) => [record.userId, record.endReason]));
            const stored = (reasons: ReadonlyMap<string, string>) =>
              `${mine.filter((user) => (reasons.get(user.id) ?? 'error') !== 'error').length} of ${mine.length} conversations${shard ? ` of shard ${options.shard}` : ''}`;
            if (isRefusedK(error) && !interrupt.signal.aborted) {
              // A refused run is said in its error alone.
              reportService = undefined;
              // The harness's "run the same command again to resume" does not hold here: the command must change.
              const refused = error.cause instanceof Error ? error.cause.message : error.message;
              const most = /<=\s*(\d+)/.exec(refused)?.[1];
              throw new PersonalabError(
                'invalid_argument',
                `--k ${options.k}: ${refused}; the run stopped at the first refused chat (every chat asks for k = ${options.k}). ` +
                  `Run with ${most === undefined ? 'a smaller --k' : `--k ${most} or less`}` +
                  (forgotten ? ` (run ${runId} stored nothing, so it keeps no settings)` : ` and another --run-id (run ${runId} is recorded with k ${options.k})`),
                { cause: error },
              );
            }
            if (PersonalabError.is(error, 'conflict')) reportService = undefined;
            const unreachable = outage.stoppedBy;
            if (unreachable && !interrupt.signal.aborted) {
              throw new PersonalabError(
                'unavailable',
                `the service at ${options.assistantUrl ?? ''} cannot be reached: ${outage.limit} conversations in a row failed (${unreachable.message}). ` +
                  `Run ${runId} stopped: ${stored(endReasons())} are stored in ${storePath} (those that failed run again). Once the service answers, run the same command again to resume` +
                  // A slow service answers in time once it is given time: resuming as it was meets the same timeouts.
                  (PersonalabError.is(unreachable, 'upstream_timeout') ? ` (a slow service: with a larger --assistant-timeout than ${options.assistantTimeout})` : ''),
                { cause: error, isRetryable: true },
              );
            }
            if (!interrupt.signal.aborted) throw error;
            const reasons = endReasons();
            const failedHere = mine.filter((user) => reasons.get(user.id) === 'error').length;
            throw new PersonalabError(
              'cancelled',
              `interrupted: ${stored(reasons)} of run ${runId} are stored in ${storePath} ` +
                `(${finishedNow} finished this time${failedHere > 0 ? `; ${failedHere} failed and ${failedHere === 1 ? 'runs' : 'run'} again` : ''}; those in flight were dropped). ` +
                `Run the same command again to resume: the stored ones are skipped (a different --limit or --shard is fine, other options are refused).`,
              { cause: error },
            );
          } finally {
            interrupt.dispose();
          }
          if (options.transcripts) {
            // Every line names the run's settings (and which users it covers), so a copied file can be re-scored.
            writeTranscripts(options.transcripts, result.conversations, {
              runId: result.runId,
              ...result.config,
              ...(options.limit === undefined ? {} : { limit: options.limit }),
              ...(options.shard === undefined ? {} : { shard: options.shard }),
            });
          }
          const failed = result.conversations.filter((record) => record.endReason === 'error').length;
          process.stdout.write(`run ${result.runId}: ${result.conversations.length} conversations (${result.ran} run now, ${result.resumed} resumed) in ${storePath}\n${summaryTable(result.summary, options.k, failed)}\n`);
          if (result.summary.conversations > 0 && result.summary.withTargets === 0) {
            process.stdout.write('(no user had hidden targets, so success, goal met and recall do not apply: n/a)\n');
          }
          if (options.simulator === 'llm') process.stdout.write(`${fallbackLine(result.simulatorReport, shard ? ` for shard ${options.shard}` : '')}\n`);
          // Users without a catalogue (Synthetic-Persona-Chat) have no item ids to check against.
          const unknownLine = catalog.size > 0 ? unknownItemsLine(result.conversations, catalog, options.users) : undefined;
          if (unknownLine) process.stderr.write(`${unknownLine}\n`);
          if (failed > 0) {
            const errors = describeErrors(result.conversations);
            process.stderr.write(`${failed} of ${result.conversations.length} conversations failed (not scored; retried when the run is resumed):\n${errors.join('\n')}\n`);
            if (failed === result.conversations.length) {
              throw new PersonalabError('upstream_error', `every conversation failed (${failed}); first error: ${(errors[0] ?? '').trim()}`);
            }
          }
        } finally {
          try {
            reportService?.();
          } finally {
            store.close();
          }
        }
      } finally {
        loading.dispose();
      }
    });
}
