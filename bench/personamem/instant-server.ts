// The local OpenAI-compatible test server as an "instant model" in its own process: it answers every
// chat request at once with a final answer, so the benchmark measures the evaluator, not a model.
import { startTestServer } from '@personalab/llm/test';

const server = await startTestServer({ chat: () => ({ text: 'Instant.\n<final_answer>(a)', usage: { promptTokens: 1, completionTokens: 1 } }) });
process.stdout.write(`${server.url}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
