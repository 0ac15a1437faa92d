// A simulation run in its own process, for the kill-and-resume test: `node --import tsx
// resume-child.fixture.ts <store.sqlite> <started.log> <users> [<hold-from>]`. Each conversation start is
// appended to the log with this process id, so the test can see what each process ran.
// With <hold-from>, the conversation of each user from that index on stops before the user's first reply and
// prints `held <userId>` on stdout: once the four workers are all held, the earlier users are stored and four
// conversations are in flight, a known point for the test to kill the process at. Held ones go on when stdin ends.
import { appendFileSync } from 'node:fs';
import { OpenAIChatModel } from '@personalab/llm';
import { startTestServer } from '@personalab/llm/test';
import { createMostPopularAssistant } from '../assistants/most-popular-assistant.js';
import { LlmUserSimulator } from '../llm-user-simulator.js';
import { horrorFan, testCatalog, testItems } from '../test/fixtures.js';
import { RunStore } from './run-store.js';
import { simulate } from './simulate.js';

const [storePath, logPath, userCount, holdFrom] = process.argv.slice(2);
if (!storePath || !logPath || !userCount) throw new Error('usage: resume-child.fixture.ts <store> <log> <users> [<hold-from>]');
const server = await startTestServer({ chat: () => 'Anything scary? I love horror movies.' });
const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'user-sim', maxRetries: 0 });
// Popularity puts the target (m6) third: each conversation takes three assistant turns.
const popularity = ['m2', 'm8', 'm6', 'm5', 'm4'].flatMap((itemId, rank) => Array.from({ length: 10 - rank }, (_, index) => ({ kind: 'event' as const, userId: `p${index}`, itemId, event: 'view' as const, weight: 1, timestamp: index })));
const inner = createMostPopularAssistant({ interactions: popularity, catalog: new Map(testItems.map((item) => [item.id, item])), k: 1, useMentionedTags: false });
const store = new RunStore(storePath);
const users = Array.from({ length: Number(userCount) }, (_, index) => horrorFan(`user-${String(index).padStart(3, '0')}`, { seenItemIds: new Set() }));
const held = new Set(holdFrom === undefined ? [] : users.slice(Number(holdFrom)).map((user) => user.id));
// Read only when holding: stdin ending (the test closed it, or is gone) releases the held conversations.
const released = held.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => process.stdin.on('end', resolve).on('close', resolve).resume());
const simulator = (user: { id: string }) => {
  const instance = new LlmUserSimulator({ model, catalog: testCatalog });
  const start = instance.start.bind(instance);
  instance.start = (options) => {
    appendFileSync(logPath, `${process.pid} ${options.profile.userId}\n`);
    return start(options);
  };
  if (held.has(user.id)) {
    const respond = instance.respond.bind(instance);
    let waited = false;
    instance.respond = async (options) => {
      if (!waited) {
        waited = true;
        process.stdout.write(`held ${user.id}\n`);
        await released;
      }
      return respond(options);
    };
  }
  return instance;
};
await simulate({ simulator, assistant: inner, users, maxTurns: 5, concurrency: 4, store, runId: 'resume', quiet: true });
store.close();
await server.close();
