import type { ChatReply, RecordedRequest } from '@personalab/llm/test';
import { mineStatements } from '../heuristic/statement-miner.js';

/** The extraction prompt's `[id] USER: text` lines. */
function promptUserLines(request: RecordedRequest): Array<{ id: string; text: string }> {
  const prompt: string = request.body.messages.at(-1).content;
  return [...prompt.matchAll(/^\[([^\]]+)\] USER: (.*)$/gm)].map((match) => ({ id: match[1] as string, text: match[2] as string }));
}

/**
 * A scripted "model" for the local OpenAI-compatible test server: answers an extraction request in
 * the extraction schema with the heuristic miner's statements about the prompt's user lines.
 */
export function scriptedExtraction(request: RecordedRequest): ChatReply {
  const reply = { facts: [] as unknown[], preferences: [] as unknown[], goals: [] as unknown[], personality: [] as unknown[] };
  for (const { id, text } of promptUserLines(request)) {
    for (const statement of mineStatements(text)) {
      if (statement.kind === 'fact') reply.facts.push({ key: statement.key, statement: statement.value, confidence: 0.8, message_ids: [id] });
      else if (statement.kind === 'goal') reply.goals.push({ description: statement.description, status: 'active', message_ids: [id] });
      else reply.preferences.push({ subject: statement.subject, category: statement.category ?? null, polarity: statement.polarity, strength: statement.strength, tense: statement.tense, reason: statement.reason ?? null, message_ids: [id] });
    }
  }
  return { json: reply };
}
