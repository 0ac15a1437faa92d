import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { dataError, formatZodError, PersonalabError, profileSchema, roleSchema, type Message, type Profile } from '@personalab/core';

/** The longest message accepted, in every format (as the core message schema). */
const maxContentLength = 200_000;

/** A message as a file may give it: id and time may be left out (filled by position). */
const inputMessageSchema = z.object({
  id: z.string().min(1).max(256).optional(),
  role: z.enum(roleSchema.options, {
    error: (issue) => (issue.input === undefined ? `required (${roleSchema.options.join(', ')})` : `must be one of ${roleSchema.options.join(', ')}, got ${JSON.stringify(issue.input)}`),
  }),
  content: z.string({ error: (issue) => (issue.input === undefined ? 'required (the message text)' : 'must be a string') }).max(maxContentLength, { error: `longer than ${maxContentLength} characters` }),
  timestamp: z.number().int().nonnegative().optional(),
  userId: z.string().min(1).max(256).optional(),
  sessionId: z.string().min(1).max(256).optional(),
});
type InputMessage = z.infer<typeof inputMessageSchema>;
const messageListSchema = z.array(inputMessageSchema);
const conversationObjectSchema = z.object({ userId: z.string().min(1).max(256).optional(), messages: messageListSchema });

export interface Conversation {
  userId: string | undefined;
  messages: Message[];
}

export interface ReadConversationOptions {
  /** Time of the first message without one (default 0, or just after `previous.updatedAt`). */
  startTime?: number;
  /**
   * Keep only this user's messages (and the assistant and system messages that name no user).
   * Required when the file holds messages of several users; an error when the file names only others.
   */
  userId?: string;
  /**
   * The profile this conversation updates: missing ids continue after the `m<n>` ids its evidence
   * cites (so new evidence never reuses an old message's id), and missing times start after it.
   */
  previous?: Profile;
}

/** One message read from the file and where it was, for errors. */
interface Located {
  message: InputMessage;
  /** 1-based line (JSONL, plain text). */
  line?: number;
  /** JSON path (a .json file). */
  path?: string;
}

const secondsApart = 1_000;

function errorAt(file: string, entry: Located, message: string): PersonalabError {
  return dataError(file, entry.line, entry.path === undefined ? message : `${entry.path}: ${message}`);
}

/**
 * `JSON.parse`, or an error naming the file, line and column of the first bad character. `firstLine`: the file's line
 * on which `text` starts (a JSONL record is parsed alone).
 */
function parseJson(file: string, text: string, what = 'not valid JSON', firstLine = 1): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : /end of JSON input/.test(message) ? text.length : undefined;
    if (offset === undefined) throw dataError(file, undefined, `${what}: ${message}`, error);
    const before = text.slice(0, offset);
    const line = firstLine - 1 + before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    throw dataError(file, line, `${what} at column ${column}: ${message.replace(/ in JSON at position \d+.*$/s, '')}`, error);
  }
}

/** Strict UTF-8: a Latin-1 or binary file fails instead of reaching the profile as U+FFFD characters. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a UTF-8 file, or an error naming the first line that is not UTF-8. */
function decodeUtf8(file: string, bytes: Buffer): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    let start = 0;
    for (let line = 1; ; line++) {
      const end = bytes.indexOf(0x0a, start);
      try {
        utf8.decode(bytes.subarray(start, end === -1 ? bytes.length : end));
      } catch {
        throw dataError(file, line, 'not valid UTF-8 text (save the file as UTF-8)', error);
      }
      if (end === -1) throw dataError(file, undefined, 'not valid UTF-8 text (save the file as UTF-8)', error);
      start = end + 1;
    }
  }
}

function readText(file: string): string {
  let text: string;
  try {
    text = decodeUtf8(file, readFileSync(file));
  } catch (error) {
    if (PersonalabError.is(error)) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'EISDIR' ? 'it is a folder, not a file' : (error as Error).message;
    throw new PersonalabError(code === 'ENOENT' || code === 'EISDIR' ? 'not_found' : 'invalid_data', `cannot read ${file}: ${reason}`, { cause: error });
  }
  // Editors on Windows save UTF-8 with a byte order mark, which JSON.parse rejects.
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function parseLines(file: string, text: string): Located[] {
  const entries: Located[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const value = parseJson(file, line, 'not valid JSON', index + 1);
    const result = inputMessageSchema.safeParse(value);
    if (!result.success) throw dataError(file, index + 1, formatZodError(result.error));
    entries.push({ message: result.data, line: index + 1 });
  });
  return entries;
}

function parseJsonFile(file: string, text: string): { entries: Located[]; userId: string | undefined } {
  if (text.trim() === '') return { entries: [], userId: undefined };
  const value = parseJson(file, text);
  // Pick the shape first, so errors point into it rather than at a failed union.
  if (Array.isArray(value)) {
    const result = messageListSchema.safeParse(value);
    if (!result.success) throw dataError(file, undefined, formatZodError(result.error));
    return { entries: result.data.map((message, index) => ({ message, path: `[${index}]` })), userId: undefined };
  }
  const result = conversationObjectSchema.safeParse(value);
  if (!result.success) throw dataError(file, undefined, formatZodError(result.error));
  return { entries: result.data.messages.map((message, index) => ({ message, path: `messages[${index}]` })), userId: result.data.userId };
}

function parsePlainText(file: string, text: string): Located[] {
  const entries: Located[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const result = inputMessageSchema.safeParse(plainTextMessage(line));
    if (!result.success) throw dataError(file, index + 1, formatZodError(result.error));
    entries.push({ message: result.data, line: index + 1 });
  });
  return entries;
}

const rolePrefix = /^(user|assistant|system)\s*:\s*/i;

/** One line of a plain-text transcript: "assistant: hello" is the assistant's; an unprefixed line is the user's. */
function plainTextMessage(line: string): InputMessage {
  const match = rolePrefix.exec(line);
  if (!match) return { role: 'user', content: line };
  return { role: (match[1] as string).toLowerCase() as InputMessage['role'], content: line.slice(match[0].length) };
}

/** Every message id a profile's evidence cites. */
function citedMessageIds(profile: Profile): Set<string> {
  const ids = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'messageId' && typeof child === 'string') ids.add(child);
        else visit(child);
      }
    }
  };
  visit(profile);
  return ids;
}

/** Refuses a message id given twice, naming where each one is. */
function checkUniqueIds(file: string, entries: readonly Located[]): void {
  const seen = new Map<string, Located>();
  for (const entry of entries) {
    const id = entry.message.id;
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first) throw errorAt(file, entry, `duplicate message id ${JSON.stringify(id)} (first at ${first.line === undefined ? first.path : `line ${first.line}`})`);
    seen.set(id, entry);
  }
}

/**
 * The messages of the chosen user. A file may name several users (`userId` on its messages); then
 * one must be chosen, and a user message that names nobody is ambiguous.
 */
function selectUser(file: string, entries: readonly Located[], fileUserId: string | undefined, wanted: string | undefined): { entries: Located[]; userId: string | undefined } {
  const author = (message: InputMessage) => message.userId ?? (message.role === 'user' ? fileUserId : undefined);
  const users = [...new Set(entries.map((entry) => author(entry.message)).filter((id): id is string => id !== undefined))];
  if (users.length === 0) return { entries: [...entries], userId: wanted };
  if (wanted === undefined) {
    if (users.length === 1) return { entries: [...entries], userId: users[0] };
    throw new PersonalabError('invalid_argument', `${file} holds messages of ${users.length} users (${users.join(', ')}): choose one with --user-id`, { details: { file, users } });
  }
  if (!users.includes(wanted)) {
    throw new PersonalabError('invalid_argument', `${file} has no messages of user ${wanted}; its users: ${users.join(', ')}`, { details: { file, users } });
  }
  if (users.length === 1) return { entries: [...entries], userId: wanted };
  const unnamed = entries.find((entry) => entry.message.role === 'user' && author(entry.message) === undefined);
  if (unnamed) throw errorAt(file, unnamed, `a user message without userId in a file with several users (${users.join(', ')}): give it its userId`);
  return { entries: entries.filter((entry) => (author(entry.message) ?? wanted) === wanted), userId: wanted };
}

/**
 * Fills ids and times: a missing id becomes the next free `m<n>` (after the highest the previous
 * profile cites, skipping ids given in the file); a missing time is one second after the message
 * before it (the first one: `startTime`), so a file that mixes given and missing times keeps its order.
 */
function complete(entries: readonly Located[], fileUserId: string | undefined, startTime: number, previous: Profile | undefined): Message[] {
  const cited = previous ? citedMessageIds(previous) : new Set<string>();
  const taken = new Set([...cited, ...entries.flatMap((entry) => (entry.message.id === undefined ? [] : [entry.message.id]))]);
  let counter = Math.max(0, ...[...cited].map((id) => /^m(\d+)$/.exec(id)?.[1]).filter((digits) => digits !== undefined).map(Number));
  const nextId = () => {
    do counter++;
    while (taken.has(`m${counter}`));
    return `m${counter}`;
  };
  let lastTime: number | undefined;
  return entries.map(({ message }) => {
    const author = message.userId ?? (message.role === 'user' ? fileUserId : undefined);
    const timestamp = message.timestamp ?? (lastTime === undefined ? startTime : lastTime + secondsApart);
    lastTime = timestamp;
    return {
      id: message.id ?? nextId(),
      role: message.role,
      content: message.content,
      timestamp,
      ...(author ? { userId: author } : {}),
      ...(message.sessionId ? { sessionId: message.sessionId } : {}),
    };
  });
}

/**
 * Reads a conversation for profile extraction. The format follows the extension, in any case:
 * - `.json`: an array of messages, or an object with `messages` (a core Session qualifies);
 * - `.jsonl` or `.ndjson`: one message object per line;
 * - anything else: plain text, one message per non-empty line; a line may open with its role
 *   (`user:`, `assistant:` or `system:`, any case), and a line without one is a user message.
 * Messages need `role` and `content` (at most 200,000 characters in every format); ids must be
 * unique. A UTF-8 byte order mark is ignored. A file without messages is an error. Errors name the
 * file and the line (and column, for JSON syntax) or the JSON path.
 */
export function readConversationFile(path: string, options: ReadConversationOptions = {}): Conversation {
  const startTime = options.startTime ?? (options.previous ? options.previous.updatedAt + secondsApart : 0);
  const text = readText(path);
  const extension = extname(path).toLowerCase();
  let entries: Located[];
  let fileUserId: string | undefined;
  if (extension === '.jsonl' || extension === '.ndjson') entries = parseLines(path, text);
  else if (extension === '.json') ({ entries, userId: fileUserId } = parseJsonFile(path, text));
  else entries = parsePlainText(path, text);
  if (entries.length === 0) throw dataError(path, undefined, 'no messages: the file holds no conversation');
  checkUniqueIds(path, entries);
  const selected = selectUser(path, entries, fileUserId, options.userId);
  return { userId: selected.userId, messages: complete(selected.entries, fileUserId, startTime, options.previous) };
}

/** Reads a profile written earlier (`--previous`), validated against the core schema. */
export function readProfileFile(path: string): Profile {
  const value = parseJson(path, readText(path));
  const result = profileSchema.safeParse(value);
  if (!result.success) throw dataError(path, undefined, formatZodError(result.error));
  return result.data;
}
