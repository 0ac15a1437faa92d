// A separate process using an LLM cache (used by llm-cache-process.e2e.test.ts and crash drivers).
// `replay <file> <text>...`: a read-mode chat model built from config (PERSONALAB_LLM_CACHE=read) replays one
//   generate per text; prints {"texts": [...]} or {"error": message, "code": code} as one JSON line.
// `record <file> <writer> <count>`: sets keys `<writer>-0` .. `<writer>-<count - 1>` one at a time, printing each key
//   once it is stored, then "done"; run it twice at once on one file to test two writers.
import { PersonalabError, loadConfig } from '@personalab/core';
import { createChatModelFromConfig } from '../from-config.js';
import { LlmCache } from '../llm-cache.js';

const [mode, file, ...rest] = process.argv.slice(2) as [string, string, ...string[]];
if (mode === 'replay') {
  try {
    const model = createChatModelFromConfig(loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', PERSONALAB_LLM_CACHE: 'read', PERSONALAB_LLM_CACHE_PATH: file, PERSONALAB_CHAT_MODEL: 'test-model' }));
    const texts: string[] = [];
    for (const content of rest) texts.push((await model!.generate({ messages: [{ role: 'user', content }], temperature: 0 })).text);
    process.stdout.write(`${JSON.stringify({ texts })}\n`);
  } catch (error) {
    process.stdout.write(`${JSON.stringify({ error: (error as Error).message, code: PersonalabError.is(error) ? error.code : undefined })}\n`);
  }
} else if (mode === 'record') {
  const [writer, count] = rest as [string, string];
  const cache = new LlmCache(file);
  for (let position = 0; position < Number(count); position++) {
    const key = `${writer}-${position}`;
    // A large response spreads each write over several pages of the log.
    cache.set(key, { kind: 'chat', model: 'm', request: key, response: `${key}:${'x'.repeat(20_000)}` });
    process.stdout.write(`${key}\n`);
  }
  cache.close();
  process.stdout.write('done\n');
} else {
  throw new Error(`unknown mode ${mode}`);
}
