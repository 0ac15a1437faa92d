import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExactIndex } from '@personalab/retrieval';
import { PersonalabError, type Assistant, type Interaction } from '@personalab/core';
import { isConfigurationError, OpenAIChatModel } from '@personalab/llm';
import { startTestServer } from '@personalab/llm/test';
import { LlmUserSimulator, type LlmUserSimulatorStats } from '../llm-user-simulator.js';
import { createMostPopularAssistant } from '../assistants/most-popular-assistant.js';
import { RecommenderHttpAssistant } from '../assistants/recommender-http-assistant.js';
import { RetrievalUserSimulator } from '../retrieval-user-simulator.js';
import { horrorFan, testCatalog } from '../test/fixtures.js';
import { createTestEmbedder } from '../test/test-embedder.js';
import { UserTurnCorpus } from '../user-turn-corpus.js';
import { RunStore } from './run-store.js';
import { parseShard, selectShard } from './shard.js';
import { runConfiguration, simulate, type ErrorSource } from './simulate.js';
import { summarizeRecommendations } from '../metrics/recommendation-metrics.js';
import { readTranscripts, transcriptsToJsonl, writeTranscripts } from './transcripts.js';

const directory = mkdtempSync(join(tmpdir(), 'personalab-simulate-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

// Popularity order m2 > m8 > m6 > m5 ...: with k = 1 the target m6 comes on the third turn.
const interactions: Interaction[] = ['m2', 'm8', 'm6', 'm5', 'm4', 'm7'].flatMap((itemId, rank) =>
  Array.from({ length: 10 - rank }, (_, index) => ({ kind: 'event' as const, userId: `p${index}`, itemId, event: 'view' as const, weight: 1, timestamp: index })),
);
const corpus = await UserTurnCorpus.build({ turns: [{ context: '', text: 'Hello!', conversationId: 'c' }], embedder: createTestEmbedder(64), createIndex: (dimension) => new ExactIndex({ dimension }) });
const simulator = () => new RetrievalUserSimulator({ corpus, catalog: testCatalog });
const assistant = createMostPopularAssistant({ interactions, catalog: testCatalog, k: 1, useMentionedTags: false });
const users = Array.from({ length: 10 }, (_, index) => horrorFan(`u${index}`, { seenItemIds: new Set() }));

describe('simulate', () => {
  it('runs every user to the end and scores recall@k over turns, success and turns to success', async () => {
    const result = await simulate({ simulator, assistant, users, maxTurns: 5, concurrency: 3, k: 1, quiet: true });
    expect(result.conversations).toHaveLength(10);
    expect(result.ran).toBe(10);
    for (const record of result.conversations) {
      expect(record.endReason).toBe('goal_met');
      expect(record.turns.filter((turn) => turn.role === 'assistant').map((turn) => turn.recommendedItemIds)).toEqual([['m2'], ['m8'], ['m6']]);
      expect(record.turns.at(-1)?.content).toMatch(/Alien/);
    }
    expect(result.summary.successRate).toBe(1);
    expect(result.summary.meanTurnsToSuccess).toBe(3);
    expect(result.summary.recallByTurn).toEqual([0, 0, 1, 1, 1]);
  });

  it('stops at maxTurns with turn_limit when the target is not reached', async () => {
    const result = await simulate({ simulator, assistant, users: users.slice(0, 2), maxTurns: 2, k: 1, quiet: true });
    expect(result.conversations.map((record) => record.endReason)).toEqual(['turn_limit', 'turn_limit']);
    expect(result.conversations[0]?.turns.filter((turn) => turn.role === 'assistant')).toHaveLength(2);
    // The user reacts to the last reply: maxTurns + 1 user turns.
    expect(result.conversations[0]?.turns.filter((turn) => turn.role === 'user')).toHaveLength(3);
    expect(result.summary.successRate).toBe(0);
  });

  it('splits users into disjoint shards that cover everyone, stored in one file', async () => {
    expect(parseShard('2/3')).toEqual({ index: 1, count: 3 });
    expect(() => parseShard('4/3')).toThrow(PersonalabError);
    expect(() => parseShard('x')).toThrow(/i\/n/);
    const parts = [0, 1, 2].map((index) => selectShard(users, { index, count: 3 }).map((user) => user.id));
    expect(parts.flat().sort()).toEqual(users.map((user) => user.id).sort());
    const path = join(directory, 'shards.sqlite');
    const stores = [0, 1, 2].map(() => new RunStore(path));
    const results = await Promise.all(stores.map((store, index) => simulate({ simulator, assistant, users, maxTurns: 5, k: 1, store, runId: 'sharded', shard: { index, count: 3 }, quiet: true })));
    expect(results.map((result) => result.conversations.length)).toEqual(parts.map((part) => part.length));
    expect(stores[0]?.conversations('sharded').map((record) => record.userId).sort()).toEqual(users.map((user) => user.id).sort());
    for (const store of stores) store.close();
  });

  it('resumes from the store, and refuses to resume a run with a different configuration', async () => {
    const store = new RunStore(join(directory, 'resume.sqlite'));
    const first = await simulate({ simulator, assistant, users: users.slice(0, 4), maxTurns: 5, k: 1, store, runId: 'r', quiet: true });
    expect(first.ran).toBe(4);
    const second = await simulate({ simulator, assistant, users, maxTurns: 5, k: 1, store, runId: 'r', quiet: true });
    expect(second.ran).toBe(6);
    expect(second.resumed).toBe(4);
    expect(second.conversations).toHaveLength(10);
    await expect(simulate({ simulator, assistant, users, maxTurns: 3, k: 1, store, runId: 'r', quiet: true })).rejects.toThrow(/different configuration \(maxTurns: before 5, now 3\)/);
    await expect(simulate({ simulator, assistant, users, maxTurns: 5, k: 1, store, runId: 'r', config: { patience: 1 }, quiet: true })).rejects.toThrow(/patience: before unset, now 1/);
    store.close();
  });

  it('checks a run id without creating it, with the configuration simulate records', async () => {
    const store = new RunStore(join(directory, 'check.sqlite'));
    const config = runConfiguration({ simulator: 'retrieval', assistant: assistant.name, maxTurns: 5, k: 1, config: { users: 'test' } });
    store.checkRun('c', config);
    expect(store.runs()).toEqual([]);
    await simulate({ simulator, assistant, users: users.slice(0, 1), maxTurns: 5, k: 1, store, runId: 'c', config: { users: 'test' }, quiet: true });
    expect(store.runs().map((run) => run.config)).toEqual([config]);
    store.checkRun('c', config);
    expect(() => store.checkRun('c', { ...config, k: 2 })).toThrow(/run c exists with a different configuration \(k: before 1, now 2\)/);
    store.close();
  });

  it("shows this call's work in the progress bar: resumed conversations count neither in its total nor in its rate", async () => {
    const store = new RunStore(join(directory, 'progress.sqlite'));
    const many = Array.from({ length: 1000 }, (_, index) => horrorFan(`r${index}`, { seenItemIds: new Set() }));
    const config = runConfiguration({ simulator: 'retrieval', assistant: 'slow', maxTurns: 5, k: 1 });
    store.ensureRun('p', config, 0);
    for (const user of many.slice(3)) store.save({ runId: 'p', userId: user.id, simulator: 'retrieval', assistant: 'slow', endReason: 'turn_limit', turns: [], targetItemIds: [], startedAt: 0, finishedAt: 0 });
    // Each reply takes 20 ms: the three conversations run now cannot go faster than 50 a second.
    const slow = { name: 'slow', reply: async () => new Promise<{ content: string; recommendedItemIds: string[] }>((resolve) => setTimeout(() => resolve({ content: 'Try these.', recommendedItemIds: ['m6'] }), 20)) };
    let written = '';
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((written += chunk.toString()), done()) }) as unknown as NodeJS.WriteStream;
    const result = await simulate({ simulator, assistant: slow, users: many, maxTurns: 5, k: 1, store, runId: 'p', concurrency: 1, progressStream: stream });
    expect(result).toMatchObject({ ran: 3, resumed: 997 });
    const last = written.trim().split(/[\r\n]+/).at(-1) ?? '';
    expect(last).toMatch(/^simulate \(997 resumed\) \[.*\] 3\/3 100% \| [\d.]+\/s/);
    expect(Number(/\| ([\d.]+)\/s/.exec(last)?.[1])).toBeLessThanOrEqual(50);
    expect(last).toMatch(/success 1\.000/);
    store.close();
  });

  it('leaves the running success rate out of the progress bar when no user has targets', async () => {
    let written = '';
    const stream = new Writable({ write: (chunk: Buffer, _encoding, done) => ((written += chunk.toString()), done()) }) as unknown as NodeJS.WriteStream;
    const chatty = users.slice(0, 2).map((user) => ({ ...user, goal: { description: 'Get to know the person you are talking to.' } }));
    await simulate({ simulator, assistant, users: chatty, maxTurns: 1, k: 1, progressStream: stream });
    expect(written).toMatch(/2\/2 100%/);
    expect(written).not.toMatch(/success/);
  });

  it('gives the event loop turns during an in-process run, so that timers and signals (Ctrl-C) are served', async () => {
    let finished = 0;
    let finishedWhenTimerFired: number | undefined;
    setTimeout(() => (finishedWhenTimerFired = finished), 0);
    await simulate({ simulator, assistant, users, maxTurns: 5, k: 1, concurrency: 3, quiet: true, onConversation: () => finished++ });
    expect(finishedWhenTimerFired).toBeDefined();
    expect(finishedWhenTimerFired).toBeLessThan(users.length);
  });

  it('stops on an aborted signal: stored conversations stay, and no worker goes on after simulate rejects', async () => {
    const store = new RunStore(join(directory, 'abort.sqlite'));
    const controller = new AbortController();
    let replies = 0;
    const aborting = { name: assistant.name, reply: async (request: Parameters<typeof assistant.reply>[0]) => {
      if (++replies === 20) controller.abort();
      return assistant.reply(request);
    } };
    const many = Array.from({ length: 30 }, (_, index) => horrorFan(`a${index}`, { seenItemIds: new Set() }));
    await expect(simulate({ simulator, assistant: aborting, users: many, maxTurns: 5, k: 1, concurrency: 3, store, runId: 'a', signal: controller.signal, quiet: true })).rejects.toMatchObject({ code: 'cancelled' });
    const stored = store.finishedUserIds('a').size;
    expect(stored).toBeGreaterThan(0);
    expect(stored).toBeLessThan(30);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(store.finishedUserIds('a').size).toBe(stored);
    const resumed = await simulate({ simulator, assistant, users: many, maxTurns: 5, k: 1, store, runId: 'a', quiet: true });
    expect(resumed).toMatchObject({ ran: 30 - stored, resumed: stored });
    store.close();
  });

  it('stops at the first error stopOn names (an LLM simulator meeting a wrong base URL), storing the finished conversations only', async () => {
    // Two conversations of two user turns each are answered, then every request meets a 404, as a wrong base URL would.
    let chats = 0;
    const server = await startTestServer({ chat: () => (++chats <= 4 ? 'I want a scary movie for tonight.' : { status: 404, message: 'no route POST /nope/chat/completions' }) });
    try {
      const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'user-sim', maxRetries: 0 });
      const stats: LlmUserSimulatorStats = { calls: 0, repairs: 0, fallbacks: 0 };
      const llmSimulator = () => new LlmUserSimulator({ model, catalog: testCatalog, maxTurns: 1, stats });
      const store = new RunStore(':memory:');
      const sources: ErrorSource[] = [];
      const stopOn = (error: unknown, source: ErrorSource) => {
        sources.push(source);
        return source === 'simulator' && isConfigurationError(error);
      };
      await expect(simulate({ simulator: llmSimulator, assistant, users, maxTurns: 1, k: 1, concurrency: 1, store, runId: 'wrong-url', quiet: true, stopOn })).rejects.toSatisfy(
        (error) =>
          PersonalabError.is(error, 'upstream_error') &&
          error.details.status === 404 &&
          error.message.includes('answered HTTP 404: no route POST /nope/chat/completions') &&
          error.message.endsWith(`Run wrong-url stopped: this error would fail every conversation alike; 2 of ${users.length} conversations finished and stored in :memory:; fix the setting and run the same command again to resume`),
      );
      expect(sources).toEqual(['simulator']);
      // No user started after the 404, and its conversation was not stored (a resumed run has it converse again).
      expect(server.chatRequests()).toHaveLength(5);
      expect(store.conversations('wrong-url').map((record) => record.endReason)).toEqual(['turn_limit', 'turn_limit']);
      expect(stats).toEqual({ calls: 5, repairs: 0, fallbacks: 0 });
      // Without stopOn, the same error fails each conversation on its own, as before.
      const unstopped = await simulate({ simulator: llmSimulator, assistant, users: users.slice(0, 3), maxTurns: 1, k: 1, concurrency: 1, quiet: true });
      expect(unstopped.conversations.map((record) => record.endReason)).toEqual(['error', 'error', 'error']);
      store.close();
    } finally {
      await server.close();
    }
  });

  it("stores with each conversation which user turns the LLM simulator's fallback wrote, totalled over every call of a resumed run", async () => {
    // The opening turn always breaks character (three replies, then the grounded fallback); the reaction passes the checks.
    const server = await startTestServer({ chat: (request) => ((request.body.messages as unknown[]).length <= 2 ? 'As an AI language model, I have no taste in films.' : 'Hm, what else do you have?') });
    try {
      const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'user-sim', maxRetries: 0 });
      const llmSimulator = () => new LlmUserSimulator({ model, catalog: testCatalog, maxTurns: 1 });
      const path = join(directory, 'fallbacks.sqlite');
      const first = new RunStore(path);
      const before = await simulate({ simulator: llmSimulator, assistant, users: users.slice(0, 2), maxTurns: 1, k: 1, concurrency: 1, store: first, runId: 'fb', quiet: true });
      first.close();
      expect(before.simulatorReport).toEqual({ conversations: 2, userTurns: 4, fallbackTurns: 2, modelReplies: 8, rejectedReplies: 6, unreported: 0, failed: 0 });
      // A resumed call, with a store opened anew: the totals hold the conversations of both calls.
      const second = new RunStore(path);
      const result = await simulate({ simulator: llmSimulator, assistant, users: users.slice(0, 4), maxTurns: 1, k: 1, concurrency: 1, store: second, runId: 'fb', quiet: true });
      expect(result).toMatchObject({ ran: 2, resumed: 2 });
      expect(result.simulatorReport).toEqual({ conversations: 4, userTurns: 8, fallbackTurns: 4, modelReplies: 16, rejectedReplies: 12, unreported: 0, failed: 0 });
      for (const record of second.conversations('fb')) {
        // Turn 0, the opening, is the fallback's (the goal, said plainly); turn 2 is the model's.
        expect(record.simulatorReport).toEqual({ fallbackTurns: [0], modelReplies: 4, rejectedReplies: 3 });
        expect(record.turns[0]).toEqual({ role: 'user', content: 'I want a scary movie for tonight.' });
        expect(record.turns[2]).toEqual({ role: 'user', content: 'Hm, what else do you have?' });
      }
      second.close();
      // The transcripts carry each conversation's report.
      const transcripts = join(directory, 'fallbacks.jsonl');
      writeTranscripts(transcripts, result.conversations, result.config);
      expect(readTranscripts(transcripts).map((line) => line.simulatorReport?.fallbackTurns)).toEqual([[0], [0], [0], [0]]);
    } finally {
      await server.close();
    }
    // The retrieval simulator keeps no report: its conversations are unreported, not "0 fallbacks".
    const offline = await simulate({ simulator, assistant, users: users.slice(0, 2), maxTurns: 1, k: 1, quiet: true });
    expect(offline.conversations.map((record) => record.simulatorReport)).toEqual([undefined, undefined]);
    expect(offline.simulatorReport).toMatchObject({ conversations: 0, unreported: 2, failed: 0 });
  });

  it("stores with each conversation the service's retries by cause, a failed one's included, totalled over every call of a resumed run", async () => {
    // The recommender's chat route in miniature, answering each request as `script` says (then the target m6).
    const script: Array<'answer' | 'busy' | 'limited' | 'drop'> = [];
    const server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        const step = script.shift() ?? 'answer';
        if (step === 'drop') return void request.socket.destroy();
        if (step === 'busy') return void response.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":"internal","message":"busy"}}');
        if (step === 'limited') return void response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' }).end('{"error":{"code":"rate_limited","message":"slow down"}}');
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sessionId: 's', reply: 'Try Alien.', recommendations: [{ item: { id: 'm6' } }] }));
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const http = () => new RecommenderHttpAssistant({ baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, k: 1, sleep: async () => undefined });
    const path = join(directory, 'service-reports.sqlite');
    try {
      // One conversation at a time, one chat each: u0 meets a 429, u1 three 503s (it fails after two retries), u2 a dropped connection.
      script.push('limited', 'answer', 'busy', 'busy', 'busy', 'drop', 'answer');
      const first = new RunStore(path);
      const before = await simulate({ simulator, assistant: http(), users: users.slice(0, 3), maxTurns: 1, k: 1, concurrency: 1, store: first, runId: 'svc', quiet: true });
      first.close();
      expect(before.conversations.map((record) => [record.userId, record.endReason, record.serviceReport])).toEqual([
        ['u0', 'goal_met', { requests: 1, retries: { '429': 1 }, failedRequests: 0 }],
        ['u1', 'error', { requests: 1, retries: { '503': 2 }, failedRequests: 1 }],
        ['u2', 'goal_met', { requests: 1, retries: { 'connection closed': 1 }, failedRequests: 0 }],
      ]);
      expect(before.serviceReport).toEqual({ conversations: 3, requests: 3, retries: 4, retriesByCause: { '429': 1, '503': 2, 'connection closed': 1 }, failedRequests: 1, unreported: 0 });
      // Resumed with a fresh assistant and store: u1 runs again (one 503 this time) and keeps its failed attempt's account; u3 is new.
      script.push('busy', 'answer');
      const second = new RunStore(path);
      const result = await simulate({ simulator, assistant: http(), users: users.slice(0, 4), maxTurns: 1, k: 1, concurrency: 1, store: second, runId: 'svc', quiet: true });
      second.close();
      expect(result).toMatchObject({ ran: 2, resumed: 2 });
      expect(result.conversations.find((record) => record.userId === 'u1')).toMatchObject({ endReason: 'goal_met', serviceReport: { requests: 2, retries: { '503': 3 }, failedRequests: 1 } });
      expect(result.conversations.find((record) => record.userId === 'u3')?.serviceReport).toEqual({ requests: 1, retries: {}, failedRequests: 0 });
      expect(result.serviceReport).toEqual({ conversations: 4, requests: 5, retries: 5, retriesByCause: { '429': 1, '503': 3, 'connection closed': 1 }, failedRequests: 1, unreported: 0 });
      // The transcripts carry each conversation's account.
      const transcripts = join(directory, 'service-reports.jsonl');
      writeTranscripts(transcripts, result.conversations, result.config);
      expect(readTranscripts(transcripts).map((line) => line.serviceReport?.retries)).toEqual([{ '429': 1 }, { '503': 3 }, { 'connection closed': 1 }, {}]);
    } finally {
      await new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      });
    }
    // An assistant that keeps no account: its conversations are unreported, not "0 retries".
    const offline = await simulate({ simulator, assistant, users: users.slice(0, 2), maxTurns: 1, k: 1, quiet: true });
    expect(offline.conversations.map((record) => record.serviceReport)).toEqual([undefined, undefined]);
    expect(offline.serviceReport).toEqual({ conversations: 0, requests: 0, retries: 0, retriesByCause: {}, failedRequests: 0, unreported: 2 });
  });

  it('shows the user only the first k distinct items, the ones scored, and records how many more came', async () => {
    // Repeats m2 and puts the target m6 past k = 2: the user must not meet the goal on an unscored item.
    const overlong = { name: 'overlong', reply: async () => ({ content: 'Try these.', recommendedItemIds: ['m2', 'm2', 'm8', 'm6', 'm5'] }) };
    const result = await simulate({ simulator, assistant: overlong, users: users.slice(0, 1), maxTurns: 1, k: 2, quiet: true });
    const record = result.conversations[0];
    expect(record?.endReason).toBe('turn_limit');
    const reply = record?.turns.find((turn) => turn.role === 'assistant');
    expect(reply).toMatchObject({ recommendedItemIds: ['m2', 'm8'], itemsBeyondK: 2 });
    expect(result.summary.successRate).toBe(0);
    // Within k the same target is met.
    const inTopK = await simulate({ simulator, assistant: overlong, users: users.slice(0, 1), maxTurns: 1, k: 3, quiet: true });
    expect(inTopK.conversations[0]?.endReason).toBe('goal_met');
    expect(inTopK.conversations[0]?.turns.find((turn) => turn.role === 'assistant')).toMatchObject({ recommendedItemIds: ['m2', 'm8', 'm6'], itemsBeyondK: 1 });
  });

  it('rejects duplicate user ids and a bad maxTurns', async () => {
    await expect(simulate({ simulator, assistant, users: [users[0], users[0]].filter((user) => user !== undefined), maxTurns: 2, quiet: true })).rejects.toThrow(/duplicate/);
    await expect(simulate({ simulator, assistant, users, maxTurns: 0, quiet: true })).rejects.toThrow(/maxTurns/);
  });

  it('rejects a concurrency or turnTimeoutMs that is not positive, instead of running nothing', async () => {
    // concurrency NaN had started no worker: simulate returned at once, `ran` counting 10 conversations that never ran.
    await expect(simulate({ simulator, assistant, users, maxTurns: 2, concurrency: Number.NaN, quiet: true })).rejects.toThrow('concurrency must be a positive integer, got NaN');
    await expect(simulate({ simulator, assistant, users, maxTurns: 2, concurrency: 0, quiet: true })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(simulate({ simulator, assistant, users, maxTurns: 2, turnTimeoutMs: 0, quiet: true })).rejects.toThrow('turnTimeoutMs must be a positive number of ms, got 0');
  });

  it('runs no conversation for no users and says so in its result', async () => {
    const result = await simulate({ simulator, assistant, users: [], maxTurns: 2, quiet: true });
    expect(result).toMatchObject({ ran: 0, resumed: 0, conversations: [], summary: { conversations: 0, withTargets: 0 } });
  });

  it('settles when aborted even if the assistant ignores its signal and never answers', async () => {
    // A reply that never settles had kept simulate from returning after the abort, forever.
    const controller = new AbortController();
    let signalled = 0;
    const hanging = {
      name: 'hangs',
      reply: ({ signal }: Parameters<Assistant['reply']>[0]) => {
        signal?.addEventListener('abort', () => signalled++);
        return new Promise<never>(() => undefined);
      },
    };
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    await expect(simulate({ simulator, assistant: hanging, users: users.slice(0, 3), maxTurns: 2, signal: controller.signal, quiet: true })).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(signalled).toBe(3); // each reply in flight was told
  });

  it('fails a conversation whose assistant does not answer within turnTimeoutMs, and runs it again on resume', async () => {
    const store = new RunStore(join(directory, 'timeout.sqlite'));
    let aborted = 0;
    const slowForU1 = {
      name: assistant.name,
      reply: (options: Parameters<Assistant['reply']>[0]) => {
        if (options.userId !== 'u1') return assistant.reply(options);
        options.signal?.addEventListener('abort', () => aborted++);
        return new Promise<never>(() => undefined);
      },
    };
    const first = await simulate({ simulator, assistant: slowForU1, users: users.slice(0, 3), maxTurns: 5, k: 1, store, runId: 't', turnTimeoutMs: 100, quiet: true });
    expect(first.conversations.map((record) => [record.userId, record.endReason])).toEqual([
      ['u0', 'goal_met'],
      ['u1', 'error'],
      ['u2', 'goal_met'],
    ]);
    expect(first.conversations[1]?.error).toBe('the assistant did not answer within 100 ms');
    expect(aborted).toBe(1);
    const resumed = await simulate({ simulator, assistant, users: users.slice(0, 3), maxTurns: 5, k: 1, store, runId: 't', turnTimeoutMs: 100, quiet: true });
    expect(resumed).toMatchObject({ ran: 1, resumed: 2 });
    expect(resumed.conversations.map((record) => record.endReason)).toEqual(['goal_met', 'goal_met', 'goal_met']);
    store.close();
  });

  it('fails a conversation whose assistant answers without text or with ids that are not a list, naming the assistant', async () => {
    const reply = (answer: unknown) => ({ name: 'odd', reply: () => Promise.resolve(answer as { content: string }) });
    // content undefined had been stored as is; a string of ids had been spread into characters ("m6" → "m", "6").
    const noText = await simulate({ simulator, assistant: reply({ recommendedItemIds: ['m6'] }), users: users.slice(0, 1), maxTurns: 2, quiet: true });
    expect(noText.conversations[0]).toMatchObject({ endReason: 'error', error: 'assistant odd replied without a text content (content: undefined)' });
    const stringIds = await simulate({ simulator, assistant: reply({ content: 'try this', recommendedItemIds: 'm6' }), users: users.slice(0, 1), maxTurns: 2, quiet: true });
    expect(stringIds.conversations[0]).toMatchObject({ endReason: 'error', error: 'assistant odd replied with recommendedItemIds that is not a list of item id strings ("m6")' });
    // An empty text is a reply (the user answers it).
    const empty = await simulate({ simulator, assistant: reply({ content: '' }), users: users.slice(0, 1), maxTurns: 2, quiet: true });
    expect(empty.conversations[0]?.endReason).toBe('turn_limit');
  });

  it('exports transcripts as JSON Lines, one conversation per line', async () => {
    const result = await simulate({ simulator, assistant, users: users.slice(0, 3), maxTurns: 5, k: 1, quiet: true });
    const path = join(directory, 'transcripts.jsonl');
    writeTranscripts(path, result.conversations);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] as string)).toMatchObject({ userId: 'u0', endReason: 'goal_met', targetItemIds: ['m6'] });
    expect(transcriptsToJsonl([])).toBe('');
  });

  it('writes the run settings into every transcript line, so that a copied file can be re-scored', async () => {
    const result = await simulate({ simulator, assistant, users: users.slice(0, 3), maxTurns: 2, k: 1, config: { seed: 7, patience: 3 }, quiet: true });
    expect(result.config).toEqual({ simulator: 'retrieval', assistant: assistant.name, maxTurns: 2, k: 1, seed: 7, patience: 3 });
    const path = join(directory, 'transcripts-config.jsonl');
    writeTranscripts(path, result.conversations, result.config);
    const lines = readTranscripts(path);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line.config).toEqual(result.config);
    const config = lines[0]?.config as { k: number; maxTurns: number };
    expect(summarizeRecommendations(lines, { k: config.k, maxTurns: config.maxTurns })).toEqual(result.summary);
    // A file written without the settings has none to re-score with: refused, not scored with every item and no turns.
    const noSettings = {} as { k: number; maxTurns: number }; // what `config` of a line written without it reads as
    expect(() => summarizeRecommendations(lines, noSettings)).toThrow('k must be a positive integer, got undefined');
    expect(() => summarizeRecommendations(lines, { k: 1, maxTurns: Number.NaN })).toThrow('maxTurns must be a positive integer, got NaN');
  });

  it('re-scores a transcripts file holding failed conversations as the run scored it (failed ones are not scored)', async () => {
    // u1's conversation fails: the run's summary leaves it out, and so must a re-scoring of the file, which lists it.
    const failing = { name: 'fails-for-u1', reply: (options: Parameters<typeof assistant.reply>[0]) => (options.userId === 'u1' ? Promise.reject(new Error('boom')) : assistant.reply(options)) };
    const result = await simulate({ simulator, assistant: failing, users: users.slice(0, 3), maxTurns: 5, k: 1, quiet: true });
    expect(result.conversations.map((record) => record.endReason)).toEqual(['goal_met', 'error', 'goal_met']);
    expect(result.summary).toMatchObject({ conversations: 2, successRate: 1 });
    const path = join(directory, 'transcripts-failed.jsonl');
    writeTranscripts(path, result.conversations, result.config);
    const lines = readTranscripts(path);
    expect(lines).toHaveLength(3);
    const config = lines[0]?.config as { k: number; maxTurns: number };
    expect(summarizeRecommendations(lines, { k: config.k, maxTurns: config.maxTurns })).toEqual(result.summary);
  });
});
