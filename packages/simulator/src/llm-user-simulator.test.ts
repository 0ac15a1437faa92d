import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DialogueTurn } from '@personalab/core';
import { OpenAIChatModel } from '@personalab/llm';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { createMostPopularAssistant } from './assistants/most-popular-assistant.js';
import { ContradictionChecker } from './contradiction.js';
import { simulate } from './harness/simulate.js';
import { RunStore } from './harness/run-store.js';
import type { ReportedSimulatorTurn } from './harness/simulator-report.js';
import { groundTruthNote } from './llm-user-prompt.js';
import { LlmUserSimulator } from './llm-user-simulator.js';
import { hiddenFacts, horrorFan, testCatalog, testItems } from './test/fixtures.js';

let server: TestServer;
const model = (maxRetries = 2) => new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'user-sim', maxRetries, baseDelayMs: 1, maxDelayMs: 5, timeoutMs: 20_000, sleep: async () => undefined });
const systemOf = (index: number) => (server.chatRequests()[index]?.body as { messages: Array<{ role: string; content: string }> }).messages;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  server.reset();
  server.setChatHandler(undefined);
});

describe('LlmUserSimulator against the local OpenAI-compatible server', () => {
  it('plays the user from a system prompt holding facts, goal and hidden targets, with the roles flipped', async () => {
    server.enqueue('hey! any good scary movies you would recommend?', 'Hmm, not sure about that one. Sounds fine, what else?');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog });
    const first = await simulator.start(horrorFan());
    // The turn says the model wrote it, at the first try (`simulate` stores that with the conversation).
    expect(first).toEqual({ type: 'message', content: 'hey! any good scary movies you would recommend?', provenance: { modelReplies: 1, rejectedReplies: 0, fallback: false } });
    const prompt = systemOf(0)[0]?.content ?? '';
    for (const fact of hiddenFacts) expect(prompt).toContain(fact);
    expect(prompt).toContain('I want a scary movie for tonight.');
    expect(prompt).toContain('Alien (1979)');
    expect(prompt).toMatch(/never say or hint that you are an ai/i);
    const next = await simulator.respond({
      dialogue: [
        { role: 'user', content: first.type === 'message' ? first.content : '' },
        { role: 'assistant', content: 'Try Airplane! (1980).', recommendedItemIds: ['m7'] },
      ],
    });
    expect(next.type).toBe('message');
    const messages = systemOf(1);
    // The assistant speaks as "user" to the model, the simulated user as "assistant".
    expect(messages[1]).toEqual({ role: 'assistant', content: 'hey! any good scary movies you would recommend?' });
    expect(messages[2]).toEqual({ role: 'user', content: 'Try Airplane! (1980).' });
    // The hidden ground truth about the recommendation follows the assistant's turn.
    expect(messages[3]?.role).toBe('system');
    expect(messages[3]?.content).toMatch(/Airplane! \(1980\): you would not like it/);
  });

  it('ends with goal_met when a hidden target is recommended, whatever the model says', async () => {
    server.enqueue('scary movie please', 'Alien, perfect, thank you! [END]');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog });
    await simulator.start(horrorFan());
    const end = await simulator.respond({ dialogue: [{ role: 'user', content: 'scary movie please' }, { role: 'assistant', content: 'Alien (1979)?', recommendedItemIds: ['m6'] }] });
    expect(end).toEqual({ type: 'end', reason: 'goal_met', content: 'Alien, perfect, thank you!', provenance: { modelReplies: 1, rejectedReplies: 0, fallback: false } });
  });

  it('regenerates a reply that contradicts a hidden fact or breaks character', async () => {
    server.enqueue('Honestly I hate horror movies.', 'As an AI language model I do not watch films.', 'Something scary please, I love horror movies!');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog });
    const first = await simulator.start(horrorFan());
    expect(first).toEqual({ type: 'message', content: 'Something scary please, I love horror movies!', provenance: { modelReplies: 3, rejectedReplies: 2, fallback: false } });
    expect(simulator.stats).toEqual({ calls: 3, repairs: 2, fallbacks: 0 });
    expect(systemOf(1).at(-1)?.content).toMatch(/contradicts a fact about you/);
    expect(systemOf(2).at(-1)?.content).toMatch(/broke character/);
  });

  it('regenerates a reply that names a hidden target the assistant has not offered (it would hand the assistant its answer)', async () => {
    // Alien (m6) is the horror fan's hidden target: a user that names it lets any assistant that echoes titles succeed.
    server.enqueue('Got anything like Alien? I loved that one.', 'Something properly scary please, with aliens in space.', 'Alien! Thank you.');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog });
    const first = await simulator.start(horrorFan());
    expect(first).toEqual({ type: 'message', content: 'Something properly scary please, with aliens in space.', provenance: { modelReplies: 2, rejectedReplies: 1, fallback: false } });
    expect(systemOf(1).at(-1)?.content).toMatch(/You named Alien, which you must let the assistant find/);
    // Once the assistant has offered it, the user may name it.
    const next = await simulator.respond({ dialogue: [{ role: 'user', content: 'scary please' }, { role: 'assistant', content: 'How about Alien (1979)?', recommendedItemIds: ['m6'] }] });
    expect(next).toMatchObject({ type: 'end', reason: 'goal_met', content: 'Alien! Thank you.', provenance: { modelReplies: 1, rejectedReplies: 0 } });
  });

  it('falls back to a grounded reply when the model keeps contradicting the profile', async () => {
    server.setChatHandler(() => 'I have never seen The Haunting and I hate horror movies.');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 1 });
    server.enqueue('hello there');
    await simulator.start(horrorFan());
    const reply = await simulator.respond({ dialogue: [{ role: 'user', content: 'hello there' }, { role: 'assistant', content: 'The Haunting (1963)?', recommendedItemIds: ['m1'] }] });
    expect(reply.type).toBe('message');
    const text = reply.type === 'message' ? reply.content : '';
    expect(text).toMatch(/seen The Haunting/i);
    expect(new ContradictionChecker(hiddenFacts).contradicts(text)).toBe(false);
    expect(simulator.stats.fallbacks).toBe(1);
    // The turn says the grounded fallback wrote it, after both model replies failed the checks.
    expect((reply as ReportedSimulatorTurn).provenance).toEqual({ modelReplies: 2, rejectedReplies: 2, fallback: true });
  });

  // Without recommendations to react to, the fallback had said "Okay. What else can you tell me?" to any message, a
  // question about the user included, and opened a chat persona's talk with its goal's instruction.
  it('falls back, without recommendations, to a turn that asserts nothing and answers a question as one', async () => {
    server.setChatHandler(() => 'As an AI, I do not watch films.');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 0, seed: 3 });
    expect((await simulator.start(horrorFan())).content).toBe('I want a scary movie for tonight.');
    const answer = await simulator.respond({ dialogue: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: 'What do you do for a living?' }] });
    expect(answer).toMatchObject({ type: 'message', content: expect.stringMatching(/^(?:Hmm, hard to say|Good question, I am not sure|I would have to think about that)\.$/) });
    const chat = new LlmUserSimulator({ model: model(), maxRepairs: 0, seed: 3 });
    const opening = await chat.start({ ...horrorFan(), goal: { description: 'Get to know the person you are talking to.' } });
    expect(opening.content).toMatch(/^(?:Hi!|Hello there!|Hi, how are you\?)$/);
  });

  // Asked "What genres do you like?" or "Have you seen The Haunting?", the fallback had said "Hmm, hard to say.".
  it('falls back, asked about its film tastes, to the answer its profile and history give', async () => {
    server.setChatHandler(() => 'As an AI, I do not watch films.');
    const ask = async (question: string) => {
      const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 0, seed: 3 });
      await simulator.start(horrorFan());
      return (await simulator.respond({ dialogue: [{ role: 'user', content: 'hi' }, { role: 'assistant', content: question }] })).content;
    };
    expect(await ask('What genres do you like?')).toMatch(/horror movies/i);
    // m1, The Haunting, is seen and liked; m6, Alien, the target, is one it has not seen.
    expect(await ask('Have you seen The Haunting?')).toMatch(/^(?:Yes|I have)\b/);
    expect(await ask('Have you seen Alien?')).toMatch(/^No, I have not seen/);
  });

  // Asked "Did you like the last one I suggested?" after a list, the fallback had said "Hmm, hard to say.".
  it('falls back, asked what it thought of the films offered before, to what its hidden ratings say of them', async () => {
    server.setChatHandler(() => 'As an AI, I do not watch films.');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 0, seed: 3 });
    await simulator.start(horrorFan());
    const dialogue: DialogueTurn[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'You could try Toy Story.', recommendedItemIds: ['m3'] },
      { role: 'user', content: 'Hmm.' },
      { role: 'assistant', content: 'Did you like the last one I suggested?' },
    ];
    // m3, Toy Story, is seen and disliked.
    expect((await simulator.respond({ dialogue })).content).toMatch(/^(?:I have seen Toy Story and did not like it|I watched Toy Story already, not for me|Seen Toy Story, I did not enjoy it)\. /);
  });

  // Asked it of a list holding the hidden target, the fallback had said "Alien sounds perfect, I will watch that!" and talked on.
  it('falls back, asked what it thought of films offered before, to accepting one it would watch, and ends', async () => {
    server.setChatHandler(() => 'As an AI, I do not watch films.');
    const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 0, seed: 3 });
    await simulator.start(horrorFan());
    const dialogue: DialogueTurn[] = [
      { role: 'user', content: 'hi' },
      { role: 'assistant', content: 'You could try Alien.', recommendedItemIds: ['m6'] },
      { role: 'user', content: 'Hmm.' },
      { role: 'assistant', content: 'Did you like the last one I suggested?' },
    ];
    const turn = await simulator.respond({ dialogue });
    expect(turn).toMatchObject({ type: 'end', reason: 'goal_met', content: expect.stringMatching(/Alien/), provenance: { fallback: true } });
    expect(turn.content).not.toMatch(/\b(?:seen|watched)\b/);
  });

  it('adds to a stats object shared by the simulators of a run, so the run can report its fallbacks', async () => {
    const stats = { calls: 0, repairs: 0, fallbacks: 0 };
    server.setChatHandler(() => 'As an AI language model I do not watch films.');
    for (const userId of ['a', 'b']) {
      const simulator = new LlmUserSimulator({ model: model(), catalog: testCatalog, maxRepairs: 1, stats });
      const first = await simulator.start(horrorFan(userId));
      expect(first.type === 'message' ? first.content : '').not.toMatch(/as an ai/i);
      expect(simulator.stats).toBe(stats);
    }
    expect(stats).toEqual({ calls: 4, repairs: 4, fallbacks: 2 });
    expect(new LlmUserSimulator({ model: model(), catalog: testCatalog }).stats).toEqual({ calls: 0, repairs: 0, fallbacks: 0 });
  });

  it('rides out a 429 and a 500 through the client retries', async () => {
    server.enqueue({ fault: 'rate_limit', retryAfter: 0 }, { fault: 'server_error' }, 'horror please');
    const simulator = new LlmUserSimulator({ model: model(3), catalog: testCatalog });
    // Client retries are not model replies: one reply, accepted.
    expect(await simulator.start(horrorFan())).toEqual({ type: 'message', content: 'horror please', provenance: { modelReplies: 1, rejectedReplies: 0, fallback: false } });
    expect(server.chatRequests()).toHaveLength(3);
  });

  it('in the harness, a conversation whose upstream keeps failing is stored as an error, the others finish, and a resume retries it', async () => {
    const store = new RunStore(':memory:');
    const assistant = createMostPopularAssistant({ interactions: testItems.map((item, index) => ({ kind: 'event' as const, userId: 'x', itemId: item.id, event: 'view' as const, weight: 1, timestamp: index })), catalog: testCatalog, k: 2 });
    const users = [horrorFan('a'), horrorFan('b'), horrorFan('c')];
    const failFor = new Set(['b']);
    server.setChatHandler(() => 'I want something scary, I love horror movies.');
    let calls = 0;
    const simulator = () => {
      const instance = new LlmUserSimulator({ model: model(0), catalog: testCatalog });
      const start = instance.start.bind(instance);
      instance.start = async (options) => {
        calls++;
        // Conversations run one at a time, so the queued fault reaches this user's first request.
        if (failFor.has(options.profile.userId)) server.enqueue({ fault: 'malformed_body' });
        return start(options);
      };
      return instance;
    };
    const first = await simulate({ simulator, assistant, users, maxTurns: 3, concurrency: 1, store, runId: 'llm', quiet: true });
    expect(first.conversations.map((record) => [record.userId, record.endReason])).toEqual([
      ['a', 'goal_met'],
      ['b', 'error'],
      ['c', 'goal_met'],
    ]);
    expect(first.conversations[1]?.error).toMatch(/not JSON|bad|body/i);
    failFor.clear();
    calls = 0;
    const second = await simulate({ simulator, assistant, users, maxTurns: 3, concurrency: 1, store, runId: 'llm', quiet: true });
    expect(calls).toBe(1);
    expect(second.resumed).toBe(2);
    expect(second.conversations.map((record) => record.endReason)).toEqual(['goal_met', 'goal_met', 'goal_met']);
    store.close();
  });
});

describe('groundTruthNote', () => {
  it('tells the truth about each recommended film by title, and never names an id the catalogue does not hold', () => {
    const [first] = testItems;
    const note = groundTruthNote({ recommendedItemIds: [first?.id ?? '', 'nope'], goal: { description: 'find a film' }, catalog: testCatalog });
    expect(note).toContain(`- ${first?.title ?? ''}: `);
    // The model read the note's "item nope" out to the assistant.
    expect(note).not.toContain('nope');
    expect(note).toContain('- one of them is nothing you have heard of: say you do not know that one');
  });
});
