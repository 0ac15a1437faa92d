// A bare OpenAI-compatible endpoint that answers every chat request at once without parsing it:
// the cheapest possible "model", so what remains is the client and the evaluator.
import { createServer } from 'node:http';

const completion = JSON.stringify({
  id: 'chatcmpl-instant',
  object: 'chat.completion',
  created: 0,
  model: 'instant',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Instant.\n<final_answer>(a)' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});
const server = createServer((request, response) => {
  request.on('data', () => undefined);
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
    response.end(completion);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/v1\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
