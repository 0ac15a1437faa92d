import { join } from 'node:path';
import type { Command } from 'commander';
import { getConfig, markdownTable, PersonalabError, type Assistant, type Item, type RatingInteraction, type User, type UserSimulator } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k, loadSyntheticPersonaChat, stratifiedSplit } from '@personalab/datasets';
import { createChatModelFromConfig } from '@personalab/llm';
import { HashingEmbedder, HnswIndex } from '@personalab/retrieval';
import { EaseRecommender } from '@personalab/user-embedding';
import {
  createMostPopularAssistant,
  LlmUserSimulator,
  OpenAiChatAssistant,
  parseShard,
  selectShard,
  personaProfile,
  RecommenderAssistant,
  RecommenderHttpAssistant,
  RetrievalUserSimulator,
  RunStore,
  ScriptedAssistant,
  simulate,
  simulatedUsersFromRatings,
  TitleMatcher,
  UserTurnCorpus,
  writeTranscripts,
  type SimulatedUser,
  type UserTurn,
} from '@personalab/simulator';
import { globalOptions } from '../global-options.js';

const integer = (value: string) => Number.parseInt(value, 10);

interface SimulateCommandOptions {
  users: string;
  limit?: number;
  simulator: string;
  assistant: string;
  assistantUrl?: string;
  assistantKey?: string;
  httpUserPrefix: string;
  systemPrompt?: string;
  maxTurns: number;
  k: number;
  concurrency: number;
  shard?: string;
  runId?: string;
  store: string;
  transcripts?: string;
  seed: number;
  corpusSize: number;
  patience?: number;
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

/** `personalab simulate`: simulated users with hidden profiles and goals against an assistant. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('run simulated users (hidden profiles and goals) against an assistant; resumable, shardable, JSONL transcripts')
    .option('--users <source>', 'movielens-100k (targets: held-out items rated >= 4) | synthetic-persona-chat (personas of the test split)', 'movielens-100k')
    .option('--limit <n>', 'only the first n users', integer)
    .option('--simulator <name>', 'retrieval (offline) | llm (needs OPENAI_BASE_URL or OPENAI_API_KEY)', 'retrieval')
    .option('--assistant <name>', 'most-popular | ease | openai (an OpenAI-compatible endpoint) | http (the recommender API) | replay (synthetic-persona-chat: the real partner)', 'most-popular')
    .option('--assistant-url <url>', 'http: recommender root URL (e.g. http://127.0.0.1:3000); openai: endpoint base URL (default: the configured one)')
    .option('--assistant-key <key>', 'http: API key of the recommender')
    .option(
      '--http-user-prefix <prefix>',
      'http: the simulated MovieLens users are created on the service under this prefix with their visible (training) ratings, so the service knows what they rated but not their hidden targets; "" sends the ids as they are',
      'sim-',
    )
    .option('--system-prompt <text>', 'openai: the assistant system prompt')
    .option('--max-turns <n>', 'user turns per conversation at most', integer, 5)
    .option('--k <n>', 'recommendations per turn counted by recall@k', integer, 5)
    .option('--concurrency <n>', 'conversations in flight', integer, 8)
    .option('--shard <i/n>', 'run only shard i of n (1-based), e.g. 2/4')
    .option('--run-id <id>', 'run id in the store (default <simulator>--<assistant>--<users>)')
    .option('--store <file>', 'SQLite run store (resumes a run with the same id)', join(getConfig().stateDir, 'simulations.sqlite'))
    .option('--transcripts <file>', 'write the conversations as JSON Lines')
    .option('--seed <n>', 'seed of the split and the simulators', integer, 1)
    .option('--corpus-size <n>', 'retrieval simulator: real user turns in its corpus', integer, 8000)
    .option('--patience <n>', 'rounds of unwanted recommendations before a simulated user gives up', integer)
    .action(async (options: SimulateCommandOptions, command: Command) => {
      const global = globalOptions(command);
      const config = getConfig();
      const shard = options.shard ? parseShard(options.shard) : undefined;
      const spcDirectory = findDataset('synthetic-persona-chat', { dataDir: global.dataDir, environmentDataDir: config.dataDir });
      let users: SimulatedUser[];
      let items: Item[] = [];
      let train: RatingInteraction[] = [];
      let userData: User[] = [];
      if (options.users === 'movielens-100k') {
        const directory = findDataset('movielens-100k', { dataDir: global.dataDir, environmentDataDir: config.dataDir });
        if (!directory) throw new PersonalabError('not_found', `MovieLens 100K not found: ${howToGet('movielens-100k')}`);
        const data = await loadMovieLens100k(directory);
        const split = stratifiedSplit(data.ratings, { ratio: 0.8, seed: options.seed });
        items = data.items;
        train = split.train;
        userData = data.users;
        users = simulatedUsersFromRatings({ items: data.items, train: split.train, test: split.test, users: data.users });
      } else if (options.users === 'synthetic-persona-chat') {
        if (!spcDirectory) throw new PersonalabError('not_found', `Synthetic-Persona-Chat not found: ${howToGet('synthetic-persona-chat')}`);
        const test = await loadSyntheticPersonaChat(join(spcDirectory, 'Synthetic-Persona-Chat_test.csv'), { onInvalid: 'skip' });
        users = test.conversations.map((conversation) => ({
          id: conversation.id,
          profile: personaProfile({ userId: conversation.id, statements: conversation.user1Persona }),
          goal: { description: 'Get to know the person you are talking to.' },
          script: conversation.turns.filter((turn) => turn.speaker === 'user2').map((turn) => turn.text),
        }));
      } else {
        throw new PersonalabError('invalid_argument', `--users must be movielens-100k or synthetic-persona-chat, got ${options.users}`);
      }
      if (options.limit !== undefined) users = users.slice(0, options.limit);
      const catalog = new Map(items.map((item) => [item.id, item]));
      const historyByUser = new Map<string, string[]>();
      for (const rating of train) historyByUser.set(rating.userId, [...(historyByUser.get(rating.userId) ?? []), rating.itemId]);
      const historyOf = (userId: string) => historyByUser.get(userId) ?? [];

      let assistant: Assistant;
      switch (options.assistant) {
        case 'most-popular':
          assistant = createMostPopularAssistant({ interactions: train, catalog, k: options.k, historyOf });
          break;
        case 'ease': {
          const model = new EaseRecommender();
          await model.fit({ interactions: train, items, users: userData }, { seed: options.seed, quiet: global.quiet });
          assistant = new RecommenderAssistant({ recommender: model, catalog, k: options.k, historyOf });
          break;
        }
        case 'openai': {
          const model = createChatModelFromConfig(options.assistantUrl ? { ...config, llm: { ...config.llm, enabled: true, baseURL: options.assistantUrl } } : config);
          if (!model) throw new PersonalabError('config_error', '--assistant openai needs an endpoint: --assistant-url or OPENAI_BASE_URL / OPENAI_API_KEY');
          assistant = new OpenAiChatAssistant({ model, titles: new TitleMatcher(items), ...(options.systemPrompt ? { systemPrompt: options.systemPrompt } : {}) });
          break;
        }
        case 'http': {
          if (!options.assistantUrl) throw new PersonalabError('invalid_argument', '--assistant http needs --assistant-url');
          const http = new RecommenderHttpAssistant({
            baseUrl: options.assistantUrl,
            k: options.k,
            userIdPrefix: options.httpUserPrefix,
            ...(options.assistantKey ? { apiKey: options.assistantKey } : {}),
          });
          if (options.users === 'movielens-100k' && options.httpUserPrefix !== '') {
            // The service's own user 1 may be the real user 1 with every rating, hidden targets included:
            // then nothing the simulated user wants can be recommended. Fresh ids carry the training ratings only.
            const mine = selectShard(users, shard);
            const byUser = new Map<string, RatingInteraction[]>();
            for (const rating of train) {
              const ratings = byUser.get(rating.userId);
              if (ratings) ratings.push(rating);
              else byUser.set(rating.userId, [rating]);
            }
            const created = await http.registerUsers(mine.map((user) => ({ id: user.id, ratings: byUser.get(user.id) ?? [] })));
            process.stderr.write(
              `http: ${created} simulated users created on ${options.assistantUrl} as ${options.httpUserPrefix}<id> with their training ratings (${mine.length - created} there already). ` +
                `The service's model may have been trained on the hidden ratings too (npm start trains on all of MovieLens); ` +
                `experiments/simulation/movielens.ts serves the training split only. ` +
                `The users and their ratings stay in the service's store (and its next training): use a scratch service (PERSONALAB_STATE_DIR=/tmp/scratch npm start).\n`,
            );
          }
          assistant = http;
          break;
        }
        case 'replay':
          assistant = new ScriptedAssistant(new Map(users.map((user) => [user.id, user.script ?? []])), 'real-partner-replay');
          break;
        default:
          throw new PersonalabError('invalid_argument', `unknown --assistant ${options.assistant}`);
      }

      let simulator: (user: SimulatedUser) => UserSimulator;
      if (options.simulator === 'llm') {
        const model = createChatModelFromConfig(config);
        if (!model) throw new PersonalabError('config_error', '--simulator llm needs an OpenAI-compatible endpoint: set OPENAI_BASE_URL (and OPENAI_API_KEY)');
        simulator = () => new LlmUserSimulator({ model, catalog, maxTurns: options.maxTurns, seed: options.seed });
      } else if (options.simulator === 'retrieval') {
        let turns: UserTurn[] = [{ text: 'Hi!', context: '', conversationId: 'none' }];
        if (spcDirectory) turns = userTurns((await loadSyntheticPersonaChat(join(spcDirectory, 'Synthetic-Persona-Chat_valid.csv'), { onInvalid: 'skip' })).conversations).slice(0, options.corpusSize);
        else process.stderr.write(`Synthetic-Persona-Chat not found, the retrieval simulator has no chit-chat corpus: ${howToGet('synthetic-persona-chat')}\n`);
        const embedder = HashingEmbedder.fit(turns.map((turn) => turn.text), { dimension: 256 });
        const corpus = await UserTurnCorpus.build({ turns, embedder, createIndex: (dimension) => new HnswIndex({ dimension, m: 12, efConstruction: 48 }) });
        simulator = () => new RetrievalUserSimulator({ corpus, catalog, seed: options.seed, ...(options.patience === undefined ? {} : { patience: options.patience }) });
      } else {
        throw new PersonalabError('invalid_argument', `--simulator must be retrieval or llm, got ${options.simulator}`);
      }

      const store = new RunStore(options.store);
      try {
        const result = await simulate({
          simulator,
          assistant,
          users,
          maxTurns: options.maxTurns,
          k: options.k,
          concurrency: options.concurrency,
          store,
          runId: options.runId ?? `${options.simulator}--${assistant.name}--${options.users}`,
          config: { users: options.users, seed: options.seed, ...(options.assistant === 'http' ? { httpUserPrefix: options.httpUserPrefix } : {}) },
          ...(shard ? { shard } : {}),
          quiet: global.quiet,
        });
        if (options.transcripts) writeTranscripts(options.transcripts, result.conversations);
        const summary = result.summary;
        process.stdout.write(
          `run ${result.runId}: ${result.conversations.length} conversations (${result.ran} run now, ${result.resumed} resumed) in ${options.store}\n` +
            markdownTable(
              ['conversations', 'success', 'goal met', 'mean turns to success', ...summary.recallByTurn.map((_, turn) => `recall@${options.k} t${turn + 1}`), 'errors'],
              [[summary.conversations, summary.successRate, summary.goalMetRate, summary.meanTurnsToSuccess, ...summary.recallByTurn, result.conversations.filter((record) => record.endReason === 'error').length]],
              3,
            ) +
            '\n',
        );
      } finally {
        store.close();
      }
    });
}
