/**
 * A long-lived local OpenAI-compatible endpoint for checking the LLM paths of the real commands
 * end to end (not part of CI). It is `@personalab/llm/test`'s server on a fixed port, answering
 * each component's prompt with a plausible reply:
 *   profile extraction JSON citing the chunk's ids, Chat-Rec re-rank lists (the candidates
 *   reversed, so an LLM order is visible), explanations, constraint updates, chit-chat, simulated
 *   user turns, an assistant naming titles, PersonaMem answers `<final_answer>(b)` and rewordings
 *   (`personamem generate --enrich`), embeddings (the test server's hashed vectors).
 *
 *   npx tsx --conditions=development scripts/llm-e2e/server.ts [--port 8765]
 *   OPENAI_BASE_URL=http://127.0.0.1:8765/v1 OPENAI_API_KEY=sk-local PERSONALAB_CHAT_MODEL=e2e-model npm run personalab -- ...
 *
 * A control port (port + 1) scripts faults and counts requests:
 *   curl -s localhost:8766/stats                                  requests per component
 *   curl -s -XPOST 'localhost:8766/mode?fault=server_error&count=3'   the next 3 chat requests fail (no count: all)
 *   curl -s -XPOST 'localhost:8766/mode?fault=server_error&component=chitchat'   only one component's requests fail
 *   faults: server_error | rate_limit (Retry-After 1) | hang | malformed_body | drop_connection | garbage (prose, no JSON) | schema_break (JSON that breaks the schema) | break_character ("As an AI language model...") | ok
 *   curl -s -XPOST localhost:8766/reset                           zero the counts, fault off
 */
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { parseInteger, scriptOptions } from '@personalab/core';
import { startTestServer, type ChatReply, type RecordedRequest } from '@personalab/llm/test';

// --help prints the comment above; a bad --port is named, not a stack trace (the control port is port + 1).
const port = scriptOptions(() => parseInteger('--port', parseArgs({ options: { port: { type: 'string', default: '8765' } } }).values.port, { min: 1, max: 65534 }));

type Fault = 'ok' | 'server_error' | 'rate_limit' | 'hang' | 'malformed_body' | 'drop_connection' | 'garbage' | 'schema_break' | 'break_character';
const faults: readonly Fault[] = ['ok', 'server_error', 'rate_limit', 'hang', 'malformed_body', 'drop_connection', 'garbage', 'schema_break', 'break_character'];
let fault: Fault = 'ok';
let faultCount = Infinity;
/** Only requests of this component get the fault (undefined: all). */
let faultComponent: string | undefined;
const counts: Record<string, number> = {};

interface Message {
  role: string;
  content: string;
}

function component(request: RecordedRequest): string {
  const messages = (request.body.messages ?? []) as Message[];
  const system = messages.find((message) => message.role === 'system')?.content ?? '';
  const last = messages.at(-1)?.content ?? '';
  const schemaName = request.body.response_format?.json_schema?.name as string | undefined;
  if (schemaName) return schemaName;
  if (system.includes('implicit profile of one user')) return 'profile_extraction';
  if (system.includes('re-rank candidate items')) return 'recommendations';
  if (system.includes('explain recommendations')) return 'explanation';
  if (system.includes('track what a user asks of a movie recommender')) return 'constraints';
  if (system.startsWith('You are a friendly movie recommender')) return 'chitchat';
  if (system.startsWith('You are role-playing a person')) return 'simulated_user';
  if (system.includes('movie recommendation assistant')) return 'assistant';
  if (system.startsWith('Rewrite the following chat message')) return 'enrich';
  if (messages.some((message) => message.content.includes('<final_answer>'))) return 'personamem';
  return last.includes('<final_answer>') ? 'personamem' : 'other';
}

function profileExtraction(prompt: string): unknown {
  const facts: unknown[] = [];
  const preferences: unknown[] = [];
  const goals: unknown[] = [];
  for (const match of prompt.matchAll(/^\[([^\]]+)\] USER: (.*)$/gm)) {
    const id = match[1] as string;
    const text = (match[2] as string).toLowerCase().replace(/[.!?]+$/, '');
    const taste = /\bi (love|like|enjoy|hate|can't stand|dislike) (.+)/.exec(text);
    const goal = /\bi want to (.+)/.exec(text);
    if (taste) {
      const like = ['love', 'like', 'enjoy'].includes(taste[1] as string);
      preferences.push({ subject: (taste[2] as string).slice(0, 200), category: null, polarity: like ? 'like' : 'dislike', strength: taste[1] === 'love' || taste[1] === 'hate' ? 0.9 : 0.6, tense: 'present', reason: null, message_ids: [id] });
    } else if (goal) {
      goals.push({ description: `wants to ${goal[1]}`.slice(0, 500), status: 'active', message_ids: [id] });
    } else if (/\bi (am|'m|have|work|live)\b/.test(text)) {
      facts.push({ key: /work/.test(text) ? 'occupation' : /live/.test(text) ? 'location' : 'other', statement: text.slice(0, 500), confidence: 0.8, message_ids: [id] });
    }
  }
  return { facts, preferences, goals, personality: [] };
}

function reply(request: RecordedRequest): ChatReply {
  const messages = (request.body.messages ?? []) as Message[];
  const name = component(request);
  counts[name] = (counts[name] ?? 0) + 1;
  const last = messages.at(-1)?.content ?? '';
  // The task's prompt: the first user message (a repair request appends the problems after it).
  const prompt = messages.find((message) => message.role === 'user')?.content ?? '';
  if (fault !== 'ok' && faultCount > 0 && (faultComponent === undefined || faultComponent === name)) {
    faultCount--;
    const current = fault;
    if (faultCount === 0) fault = 'ok';
    switch (current) {
      case 'rate_limit':
        return { fault: 'rate_limit', retryAfter: 1 };
      case 'garbage':
        return 'Sure! I would be happy to help with that. Let me think about it for a moment.';
      case 'schema_break':
        return { json: { facts: 'none', recommendations: [{ item: 7 }], explanation: 42, reset: 'maybe' } };
      case 'break_character':
        return 'As an AI language model, I do not watch movies.';
      default:
        return { fault: current };
    }
  }
  switch (name) {
    case 'profile_extraction':
      return { json: profileExtraction(prompt) };
    case 'recommendations': {
      const ids = [...prompt.matchAll(/^- id=(\S+):/gm)].map((match) => match[1] as string);
      const k = Number(/Rank the (\d+)/.exec(prompt)?.[1] ?? 5);
      // Reversed, so the LLM's order is visibly not the offline one.
      return { json: { recommendations: ids.reverse().slice(0, k).map((itemId) => ({ itemId, reason: `LLM: picked ${itemId} for this user's taste.` })) } };
    }
    case 'explanation': {
      const item = /The recommended item: (.*?)(?: \[|:|$)/m.exec(prompt)?.[1] ?? 'this film';
      return { json: { explanation: `LLM explanation: ${item} fits what you told me you like.` } };
    }
    case 'constraints': {
      const genres = (/Genres in the catalogue: (.*)\./.exec(prompt)?.[1] ?? '').split(', ');
      const said = (/The user's newest message: "(.*)"/.exec(prompt)?.[1] ?? '').toLowerCase();
      const wanted = genres.filter((genre) => genre !== '' && said.includes(genre.toLowerCase()));
      return { json: { reset: false, wantedGenres: wanted, avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' } };
    }
    case 'chitchat':
      return 'LLM chit-chat: happy to help! What kind of film are you in the mood for?';
    case 'simulated_user': {
      const lastSystem = messages.at(-1)?.role === 'system' ? last : '';
      if (lastSystem.includes('[END]')) return 'That sounds great, thank you! [END]';
      return messages.length <= 2 ? 'Hi, I am looking for a good comedy to watch tonight.' : 'Hmm, not quite. Maybe something funnier?';
    }
    case 'assistant':
      return 'You might enjoy Toy Story (1995), Heat (1995) and Fargo (1996).';
    case 'enrich':
      return `To put it another way: ${last}`;
    case 'personamem':
      return 'Considering what the user said earlier, the best response is (b).\n<final_answer>(b)';
    default:
      return 'LLM reply.';
  }
}

const server = await startTestServer({ port, chat: reply });

const control = createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const send = (status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(`${JSON.stringify(body)}\n`);
  };
  if (url.pathname === '/stats') {
    send(200, { chat: server.chatRequests().length, embeddings: server.embeddingRequests().length, byComponent: counts, fault, faultLeft: faultCount, faultComponent: faultComponent ?? 'all', peakInFlight: server.peakInFlight });
  } else if (url.pathname === '/mode' && request.method === 'POST') {
    const next = url.searchParams.get('fault') as Fault | null;
    if (next === null || !faults.includes(next)) return send(400, { error: `fault must be one of ${faults.join(', ')}` });
    fault = next;
    faultCount = url.searchParams.has('count') ? Number(url.searchParams.get('count')) : Infinity;
    faultComponent = url.searchParams.get('component') ?? undefined;
    send(200, { fault, count: faultCount, component: faultComponent ?? 'all' });
  } else if (url.pathname === '/reset' && request.method === 'POST') {
    server.reset();
    for (const key of Object.keys(counts)) delete counts[key];
    fault = 'ok';
    faultCount = Infinity;
    faultComponent = undefined;
    send(200, { reset: true });
  } else send(404, { error: 'GET /stats, POST /mode?fault=...&count=n&component=name, POST /reset' });
});
control.listen(port + 1, '127.0.0.1');
process.stdout.write(`OpenAI-compatible test endpoint at ${server.url} (control: http://127.0.0.1:${port + 1}/stats)\n`);
const stop = () => {
  control.close();
  void server.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
