import { type ChatMessage, type ChatModel, PersonalabError } from '@personalab/core';

export interface EnrichWordingOptions {
  contexts: ReadonlyMap<string, readonly ChatMessage[]>;
  model: ChatModel;
  /** Which messages to rewrite; default: user messages that state something (not filler questions). */
  select?: (message: ChatMessage, index: number) => boolean;
  /** Requests in flight at once (the model's own limiter applies too). Default 8. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Default selection: the user's statements, i.e. user messages that are not questions. */
export const isUserStatement = (message: ChatMessage): boolean => message.role === 'user' && !message.content.trim().endsWith('?');

const instruction =
  'Rewrite the following chat message from a user so that it sounds natural and varied, in the first person. ' +
  'Keep every fact, preference, change of mind and reason, and keep the names of things exactly as written. ' +
  'Answer with the rewritten message only.';

/**
 * Rewrites the wording of selected messages with an LLM (when one is configured), keeping the number
 * and order of messages so that every question's end index still points where it did. Contexts are
 * returned as new arrays; the input is not changed.
 */
export async function enrichWording(options: EnrichWordingOptions): Promise<Map<string, ChatMessage[]>> {
  const select = options.select ?? isUserStatement;
  const result = new Map<string, ChatMessage[]>();
  const jobs: { messages: ChatMessage[]; index: number }[] = [];
  for (const [id, messages] of options.contexts) {
    const copy = messages.map((message) => ({ ...message }));
    result.set(id, copy);
    copy.forEach((message, index) => {
      if (select(message, index)) jobs.push({ messages: copy, index });
    });
  }
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const job = jobs[next++] as { messages: ChatMessage[]; index: number };
      const original = job.messages[job.index] as ChatMessage;
      const reply = await options.model.generate({
        messages: [
          { role: 'system', content: instruction },
          { role: 'user', content: original.content },
        ],
        temperature: 0.7,
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      const text = reply.text.trim();
      if (text === '') throw new PersonalabError('upstream_bad_response', `the model returned an empty rewrite for: ${original.content.slice(0, 80)}`);
      job.messages[job.index] = { role: original.role, content: text };
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 8, jobs.length)) }, worker));
  return result;
}
