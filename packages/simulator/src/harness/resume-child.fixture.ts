// A simulation run in its own process, for the kill-and-resume test: `node --import tsx
// resume-child.fixture.ts <store.sqlite> <started.log> <users>`. Each conversation start is
// appended to the log with this process id, so the test can see what each process ran.
import { appendFileSync } from 'node:fs';
import { OpenAIChatModel } from '@personalab/llm';
import { startTestServer } from '@personalab/llm/test';
import { createMostPopularAssistant } from '../assistants/most-popular-assistant.js';
import { LlmUserSimulator } from '../llm-user-simulator.js';
import { horrorFan, testCatalog, testItems } from '../test/fixtures.js';
import { RunStore } from './run-store.js';
import { simulate } from './simulate.js';

const [storePath, logPath, userCount] = process.argv.slice(2);
if (!storePath || !logPath || !userCount) throw new Error('usage: resume-child.fixture.ts <store> <log> <users>');
// Uneven delays keep the four workers out of step, so some conversation is always in flight.
let request = 0;
const server = await startTestServer({ chat: () => ({ text: 'Anything scary? I love horror movies.', delayMs: 5 + ((request++ * 7) % 30) }) });
const model = new OpenAIChatModel({ baseURL: server.url, apiKey: 'test', model: 'user-sim', maxRetries: 0 });
// Popularity puts the target (m6) third: each conversation takes three assistant turns.
const popularity = ['m2', 'm8', 'm6', 'm5', 'm4'].flatMap((itemId, rank) => Array.from({ length: 10 - rank }, (_, index) => ({ kind: 'event' as const, userId: `p${index}`, itemId, event: 'view' as const, weight: 1, timestamp: index })));
const inner = createMostPopularAssistant({ interactions: popularity, catalog: new Map(testItems.map((item) => [item.id, item])), k: 1, useMentionedTags: false });
const store = new RunStore(storePath);
const users = Array.from({ length: Number(userCount) }, (_, index) => horrorFan(`user-${String(index).padStart(3, '0')}`, { seenItemIds: new Set() }));
const simulator = () => {
  const instance = new LlmUserSimulator({ model, catalog: testCatalog });
  const start = instance.start.bind(instance);
  instance.start = (options) => {
    appendFileSync(logPath, `${process.pid} ${options.profile.userId}\n`);
    return start(options);
  };
  return instance;
};
await simulate({ simulator, assistant: inner, users, maxTurns: 5, concurrency: 4, store, runId: 'resume', quiet: true });
store.close();
await server.close();
