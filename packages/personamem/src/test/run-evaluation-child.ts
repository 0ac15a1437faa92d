// A separate process that runs an evaluation until it is killed (used by the resume e2e tests and crash drivers).
// Arguments: <url> <database> [runId = killed-run]. Prints `answered <questionId> ok|error` as each answer is stored,
// then `done <asked> <resumed>`; an error that ends the run is printed as `failed <message>` (exit 1).
import { OpenAIChatModel } from '@personalab/llm';
import { evaluate } from '../evaluator.js';
import { LlmResponder } from '../responders/llm-responder.js';
import { RunStore } from '../run-store.js';
import { smallBenchmark } from './index.js';

const [url, databasePath, runId = 'killed-run'] = process.argv.slice(2);
const benchmark = smallBenchmark({ personas: 3, questionsPerPersona: 20 });
try {
  const store = new RunStore(databasePath as string);
  const model = new OpenAIChatModel({ baseURL: url, apiKey: 'test', model: 'scripted', maxRetries: 0, concurrency: 4 });
  const result = await evaluate({
    ...benchmark,
    responder: new LlmResponder({ model }),
    store,
    runId,
    benchmark: 'small',
    concurrency: 4,
    quiet: true,
    onAnswer: (answer) => process.stdout.write(`answered ${answer.questionId} ${answer.error === null ? 'ok' : 'error'}\n`),
  });
  store.close();
  process.stdout.write(`done ${result.asked} ${result.resumed}\n`);
} catch (error) {
  process.stdout.write(`failed ${(error as Error).message.split('\n')[0]}\n`);
  process.exitCode = 1;
}
