// A separate process that runs an evaluation until it is killed (used by the resume e2e test).
import { OpenAIChatModel } from '@personalab/llm';
import { evaluate } from '../evaluator.js';
import { LlmResponder } from '../responders/llm-responder.js';
import { RunStore } from '../run-store.js';
import { smallBenchmark } from './index.js';

const [url, databasePath] = process.argv.slice(2);
const benchmark = smallBenchmark({ personas: 3, questionsPerPersona: 20 });
const store = new RunStore(databasePath as string);
const model = new OpenAIChatModel({ baseURL: url, apiKey: 'test', model: 'scripted', maxRetries: 0, concurrency: 4 });
await evaluate({ ...benchmark, responder: new LlmResponder({ model }), store, runId: 'killed-run', benchmark: 'small', concurrency: 4, quiet: true });
store.close();
