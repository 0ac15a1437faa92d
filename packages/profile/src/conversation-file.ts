import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dataError, formatZodError, PersonalabError, profileSchema, roleSchema, type Message, type Profile } from '@personalab/core';

/** A message as a file may give it: id and time may be left out (filled by position). */
const inputMessageSchema = z.object({
  id: z.string().min(1).max(256).optional(),
  role: roleSchema,
  content: z.string().max(200_000),
  timestamp: z.number().int().nonnegative().optional(),
  userId: z.string().min(1).max(256).optional(),
  sessionId: z.string().min(1).max(256).optional(),
});
const messageListSchema = z.array(inputMessageSchema);
const conversationObjectSchema = z.object({ userId: z.string().min(1).max(256).optional(), messages: messageListSchema });

export interface Conversation {
  userId: string | undefined;
  messages: Message[];
}

const secondsApart = 1_000;

function complete(messages: ReadonlyArray<z.infer<typeof inputMessageSchema>>, userId: string | undefined, startTime: number): Message[] {
  return messages.map((message, index) => {
    const author = message.userId ?? (message.role === 'user' ? userId : undefined);
    return {
      id: message.id ?? `m${index + 1}`,
      role: message.role,
      content: message.content,
      timestamp: message.timestamp ?? startTime + index * secondsApart,
      ...(author ? { userId: author } : {}),
      ...(message.sessionId ? { sessionId: message.sessionId } : {}),
    };
  });
}

/**
 * Reads a conversation for profile extraction:
 * - `.json`: an array of messages, or an object with `messages` (a core Session qualifies);
 * - `.jsonl`: one message object per line;
 * - anything else: plain text, one message per non-empty line; a line may open with its role
 *   (`user:`, `assistant:` or `system:`, any case), and a line without one is a user message.
 * Messages need `role` and `content`; missing ids become `m1, m2, ...` and missing times
 * `startTime` plus their position in seconds (give a start after a previous profile's `updatedAt`,
 * so new statements count as newer). Errors name the file and the line or JSON path.
 */
export function readConversationFile(path: string, options: { startTime?: number } = {}): Conversation {
  const startTime = options.startTime ?? 0;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PersonalabError('not_found', `cannot read ${path}`, { cause: error });
  }
  if (path.endsWith('.jsonl')) {
    const parsed: Array<z.infer<typeof inputMessageSchema>> = [];
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw dataError(path, index + 1, 'not valid JSON', error);
      }
      const result = inputMessageSchema.safeParse(value);
      if (!result.success) throw dataError(path, index + 1, formatZodError(result.error));
      parsed.push(result.data);
    });
    return { userId: parsed.find((message) => message.userId)?.userId, messages: complete(parsed, undefined, startTime) };
  }
  if (path.endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw dataError(path, undefined, `not valid JSON: ${(error as Error).message}`, error);
    }
    // Pick the shape first, so errors point into it rather than at a failed union.
    const result = Array.isArray(value) ? messageListSchema.safeParse(value) : conversationObjectSchema.safeParse(value);
    if (!result.success) throw dataError(path, undefined, formatZodError(result.error));
    const list = Array.isArray(result.data) ? result.data : result.data.messages;
    const userId = (Array.isArray(result.data) ? undefined : result.data.userId) ?? list.find((message) => message.userId)?.userId;
    return { userId, messages: complete(list, userId, startTime) };
  }
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return { userId: undefined, messages: complete(lines.map(plainTextMessage), undefined, startTime) };
}

const rolePrefix = /^(user|assistant|system)\s*:\s*/i;

/** One line of a plain-text transcript: "assistant: hello" is the assistant's; an unprefixed line is the user's. */
function plainTextMessage(line: string): z.infer<typeof inputMessageSchema> {
  const match = rolePrefix.exec(line);
  if (!match) return { role: 'user', content: line };
  return { role: (match[1] as string).toLowerCase() as 'user' | 'assistant' | 'system', content: line.slice(match[0].length) };
}

/** Reads a profile written earlier (`--previous`), validated against the core schema. */
export function readProfileFile(path: string): Profile {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw dataError(path, undefined, `not a readable JSON file: ${(error as Error).message}`, error);
  }
  const result = profileSchema.safeParse(value);
  if (!result.success) throw dataError(path, undefined, formatZodError(result.error));
  return result.data;
}
