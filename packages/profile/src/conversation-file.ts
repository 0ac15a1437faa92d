import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { z } from 'zod';
import { dataError, formatZodError, PersonalabError, profileSchema, roleSchema, type Message, type Profile } from '@personalab/core';
import { isChatGptConversation, isChatGptExport, parseChatGptExport } from './chatgpt-export.js';
import { maxContentLength, type InputMessage, type Place, type PlacedEntry, type ReadEntry, type SkipReason } from './conversation-entry.js';

/** Roles of messages that are not part of the conversation with the user: tool results and the developer's instructions. */
const skippedRoles: Readonly<Record<string, SkipReason>> = { tool: 'tool', function: 'tool', developer: 'developer' };

/** Content part types whose `text` is read (chat completions' `text`, the Responses API's `input_text` / `output_text`). */
const textPartTypes = new Set(['text', 'input_text', 'output_text']);

/** Below this a numeric timestamp is Unix seconds: 1e11 ms is March 1973, 1e11 s is the year 5138. */
const secondsBelow = 1e11;

const messageFieldsSchema = z.object({
  id: z.string().min(1).max(256).optional(),
  role: z.enum(roleSchema.options, {
    error: (issue) => (issue.input === undefined ? `required (${roleSchema.options.join(', ')})` : `must be one of ${roleSchema.options.join(', ')}, got ${JSON.stringify(issue.input)}`),
  }),
  userId: z.string().min(1).max(256).optional(),
  sessionId: z.string().min(1).max(256).optional(),
  // content, timestamp and tool_calls are read by `inputEntrySchema`: what they may be depends on each other.
});

const isoDateTime = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)$/;
const timestampHelp = 'Unix milliseconds, Unix seconds (a number below 1e11), or an ISO 8601 date-time with Z or an offset';

/**
 * A timestamp as milliseconds: a number of at least 1e11 is milliseconds (kept exactly: a non-negative integer), a smaller
 * one Unix seconds (1e11 ms is 1973, older than any chat log), an ISO 8601 string with a time zone its instant.
 */
function readTimestamp(value: unknown): { milliseconds: number; seconds: boolean } | { error: string } {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return { error: `must be ${timestampHelp}, got ${JSON.stringify(value)}` };
    if (value < secondsBelow) return { milliseconds: Math.round(value * 1000), seconds: true };
    return Number.isSafeInteger(value) ? { milliseconds: value, seconds: false } : { error: `milliseconds must be a whole number, got ${value}` };
  }
  if (typeof value !== 'string') return { error: `must be ${timestampHelp}` };
  const match = isoDateTime.exec(value.trim());
  if (!match) {
    const local = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?)?$/.test(value.trim());
    return { error: local ? `${JSON.stringify(value)} has no time zone: add Z (UTC) or an offset such as +02:00` : `must be ${timestampHelp}, got ${JSON.stringify(value)}` };
  }
  const field = (index: number) => Number(match[index] ?? 0);
  const [year, month, day, hour, minute, second, offsetHours, offsetMinutes] = [1, 2, 3, 4, 5, 6, 10, 11].map(field) as [number, number, number, number, number, number, number, number];
  // Fractions of a second past milliseconds are cut, as Date.parse does.
  const milliseconds = Number((match[7] ?? '').slice(0, 3).padEnd(3, '0'));
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return { error: `${JSON.stringify(value)} is not a valid date and time` };
  }
  const offset = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds) - offset;
  return utc < 0 ? { error: `${JSON.stringify(value)} is before 1970` } : { milliseconds: utc, seconds: false };
}

/**
 * One message object of a file, OpenAI chat logs included: `tool` / `function` results, `developer` instructions and
 * assistant messages that only call tools are skipped; content may be a string, null (no text) or a list of parts, whose
 * text parts are joined with a newline and whose other parts (images, audio, files) are left out. A message left without
 * any text is skipped; content of any other shape is an error.
 */
const inputEntrySchema = z.unknown().transform((value, context): ReadEntry => {
  const role = value !== null && typeof value === 'object' ? (value as { role?: unknown }).role : undefined;
  const skippedRole = typeof role === 'string' && Object.hasOwn(skippedRoles, role) ? skippedRoles[role] : undefined;
  if (skippedRole) return { message: undefined, skipped: skippedRole, nonTextParts: 0, secondsTimestamp: false };
  const result = messageFieldsSchema.safeParse(value);
  const issues: { path: (string | number)[]; message: string }[] = result.success ? [] : result.error.issues.map(({ path, message }) => ({ path: path as (string | number)[], message }));
  const fields = result.success ? result.data : undefined;
  const raw = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const toolCalls = (Array.isArray(raw.tool_calls) && raw.tool_calls.length > 0) || (raw.function_call !== undefined && raw.function_call !== null);
  const content = raw.content;
  let text: string | undefined;
  let nonTextParts = 0;
  if (typeof content === 'string') text = content;
  else if (content === undefined) {
    if (!toolCalls && typeof value === 'object' && value !== null) issues.push({ path: ['content'], message: 'required (the message text)' });
  } else if (Array.isArray(content)) {
    const texts: string[] = [];
    content.forEach((part: unknown, index) => {
      const type = part !== null && typeof part === 'object' ? (part as { type?: unknown }).type : undefined;
      if (typeof type !== 'string') issues.push({ path: ['content', index], message: 'a content part needs a "type" ("text", "image_url", …)' });
      else if (!textPartTypes.has(type)) nonTextParts++;
      else {
        const partText = (part as { text?: unknown }).text;
        if (typeof partText !== 'string') issues.push({ path: ['content', index, 'text'], message: partText === undefined ? 'required (the text of a text part)' : 'must be a string' });
        else if (partText !== '') texts.push(partText);
      }
    });
    text = texts.length === 0 ? undefined : texts.join('\n');
  } else if (content !== null) {
    issues.push({ path: ['content'], message: 'must be a string, null, or a list of content parts ([{"type": "text", "text": "…"}])' });
  }
  if (text !== undefined && text.length > maxContentLength) issues.push({ path: ['content'], message: `longer than ${maxContentLength} characters` });
  const timestamp = raw.timestamp === undefined ? undefined : readTimestamp(raw.timestamp);
  if (timestamp && 'error' in timestamp) issues.push({ path: ['timestamp'], message: timestamp.error });
  if (issues.length > 0 || !fields) {
    for (const issue of issues) context.issues.push({ code: 'custom', input: value, ...issue });
    return z.NEVER;
  }
  const secondsTimestamp = timestamp !== undefined && 'seconds' in timestamp && timestamp.seconds;
  // Null, parts without text, or text that is empty or only whitespace: nothing the user or partner said (an empty turn had
  // counted in the style and could be cited as evidence). A tool call's empty text is not a turn either.
  if (text === undefined || text.trim() === '') {
    return { message: undefined, skipped: toolCalls ? 'toolCall' : 'empty', nonTextParts, secondsTimestamp: false };
  }
  const message: InputMessage = { role: fields.role, content: text };
  if (fields.id !== undefined) message.id = fields.id;
  if (timestamp !== undefined && 'milliseconds' in timestamp) message.timestamp = timestamp.milliseconds;
  if (fields.userId !== undefined) message.userId = fields.userId;
  if (fields.sessionId !== undefined) message.sessionId = fields.sessionId;
  return { message, nonTextParts, secondsTimestamp };
});
const messageListSchema = z.array(inputEntrySchema);
const conversationObjectSchema = z.object({ userId: z.string().min(1).max(256).optional(), messages: messageListSchema });

/** What a file held that is not read, by kind. */
export interface SkippedMessages {
  /** `tool` and `function` messages (tool results). */
  toolMessages: number;
  /** Assistant messages that only call tools (`tool_calls` or `function_call`, no text). */
  toolCallMessages: number;
  /** `developer` messages (instructions, not the user's). */
  developerMessages: number;
  /** System messages of a ChatGPT export (its hidden instructions; other formats keep system messages, as context). */
  systemMessages: number;
  /** Messages a ChatGPT export marks hidden from the conversation (`metadata.is_visually_hidden_from_conversation`). */
  hiddenMessages: number;
  /** Other messages without any text (null content, or only images and other non-text parts). */
  emptyMessages: number;
  /** Content parts that are not text (images, audio, files, refusals), in every message. */
  nonTextParts: number;
}

export interface Conversation {
  userId: string | undefined;
  messages: Message[];
  /** What the file held that is not read (tool messages, tool calls, developer messages, messages without text, non-text parts). */
  skipped: SkippedMessages;
  /** How many timestamps were numbers below 1e11, read as Unix seconds and converted to milliseconds. */
  secondsTimestamps: number;
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

/** One message read from the file and where it was. */
interface Located extends Place {
  message: InputMessage;
}

/** The messages to read, and the tally of what was left out. */
function collect(placed: readonly PlacedEntry[]): { entries: Located[]; skipped: SkippedMessages; secondsTimestamps: number } {
  const skipped: SkippedMessages = { toolMessages: 0, toolCallMessages: 0, developerMessages: 0, systemMessages: 0, hiddenMessages: 0, emptyMessages: 0, nonTextParts: 0 };
  const counter = { tool: 'toolMessages', toolCall: 'toolCallMessages', developer: 'developerMessages', system: 'systemMessages', hidden: 'hiddenMessages', empty: 'emptyMessages' } as const;
  const entries: Located[] = [];
  let secondsTimestamps = 0;
  for (const { entry, line, path } of placed) {
    skipped.nonTextParts += entry.nonTextParts;
    if (entry.skipped) skipped[counter[entry.skipped]]++;
    if (!entry.message) continue;
    if (entry.secondsTimestamp) secondsTimestamps++;
    entries.push({ message: entry.message, ...(line === undefined ? {} : { line }), ...(path === undefined ? {} : { path }) });
  }
  return { entries, skipped, secondsTimestamps };
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
    // Past V8's longest string (about 512 MiB) the decoder fails for size, not for the bytes.
    if ((error as NodeJS.ErrnoException).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') {
      throw dataError(file, undefined, `too large to read at once (${bytes.length.toLocaleString('en-US')} bytes): split it into smaller files and update the profile with --previous`, error);
    }
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

function parseLines(file: string, text: string): PlacedEntry[] {
  const entries: PlacedEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const value = parseJson(file, line, 'not valid JSON', index + 1);
    const result = inputEntrySchema.safeParse(value);
    if (!result.success) throw dataError(file, index + 1, formatZodError(result.error));
    entries.push({ entry: result.data, line: index + 1 });
  });
  return entries;
}

/** The first non-empty line of `text` as a JSON object, or undefined when it is not one. */
function firstLineObject(text: string): Record<string, unknown> | undefined {
  const line = text.split('\n').find((candidate) => candidate.trim() !== '');
  if (line === undefined || !line.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function parseJsonFile(file: string, text: string, parsed?: { value: unknown }): { entries: PlacedEntry[]; userId: string | undefined } {
  if (text.trim() === '') return { entries: [], userId: undefined };
  let value: unknown;
  try {
    value = parsed ? parsed.value : parseJson(file, text);
  } catch (error) {
    // One message object per line is JSON Lines, which a .json file is not read as.
    if (!PersonalabError.is(error) || firstLineObject(text) === undefined) throw error;
    const line = error.details.line as number | undefined;
    const reason = error.message.slice(`${file}${line === undefined ? '' : `:${line}`}: `.length);
    throw dataError(file, line, `${reason} (one message per line is JSON Lines: name the file .jsonl)`, error);
  }
  // Pick the shape first, so errors point into it rather than at a failed union.
  if (isChatGptExport(value)) return { entries: parseChatGptExport(file, value), userId: undefined };
  if (isChatGptConversation(value)) {
    throw dataError(file, undefined, `one ChatGPT conversation (${JSON.stringify((value as { title?: unknown }).title ?? null)}), not an export: a ChatGPT export's conversations.json is a JSON array of conversations (wrap it in [ ])`);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('messages' in value) && ('role' in value || 'content' in value)) {
    // It had said only "messages: Invalid input: expected array, received undefined".
    throw dataError(file, undefined, 'one message object, not a conversation: a .json file holds a list of messages ([{…}, …]) or {"messages": [{…}, …]} (one message per line is JSON Lines: name the file .jsonl)');
  }
  if (Array.isArray(value)) {
    const result = messageListSchema.safeParse(value);
    if (!result.success) throw dataError(file, undefined, formatZodError(result.error));
    return { entries: result.data.map((entry, index) => ({ entry, path: `[${index}]` })), userId: undefined };
  }
  const result = conversationObjectSchema.safeParse(value);
  if (!result.success) throw dataError(file, undefined, formatZodError(result.error));
  return { entries: result.data.messages.map((entry, index) => ({ entry, path: `messages[${index}]` })), userId: result.data.userId };
}

function parsePlainText(file: string, text: string): PlacedEntry[] {
  const entries: PlacedEntry[] = [];
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const result = inputEntrySchema.safeParse(plainTextMessage(line));
    if (!result.success) throw dataError(file, index + 1, formatZodError(result.error));
    entries.push({ entry: result.data, line: index + 1 });
  });
  return entries;
}

const personaChatLine = /^(\d+) (.*)$/;
const personaPrefixes = ['your persona:', "partner's persona:"];

/**
 * Whether a file of no JSON extension is a Persona-Chat dialogue in ParlAI's text format (`1 your persona: …`,
 * `2 hello\thi there`): every line opens with its number, from 1, and some line holds a tab or a persona sentence.
 * Read as plain text, its persona sentences would pass for things the user said, and each line would join both speakers.
 */
function isPersonaChat(text: string): boolean {
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  if (!lines[0]?.startsWith('1 ') || !lines.every((line) => personaChatLine.test(line.replace(/\r$/, '')))) return false;
  return lines.some((line) => line.includes('\t') || personaPrefixes.some((prefix) => line.includes(` ${prefix}`)));
}

/**
 * One Persona-Chat dialogue: each `<n> <partner>\t<speaker>` line gives the partner's turn (`assistant`) and the reply
 * of the persona's owner (`user`; later tab-separated fields, candidates, are ignored); persona sentences are skipped,
 * since nobody said them. The numbering restarting at 1 starts another dialogue (another persona): an error.
 */
function parsePersonaChat(file: string, text: string): PlacedEntry[] {
  const entries: PlacedEntry[] = [];
  let expected = 1;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const match = personaChatLine.exec(line) as RegExpExecArray;
    const number = Number(match[1]);
    const body = match[2] as string;
    if (number !== expected) {
      throw dataError(file, index + 1, number === 1 ? 'a second Persona-Chat dialogue starts here (another persona): give one dialogue per file' : `line number ${number} out of sequence (expected ${expected})`);
    }
    expected++;
    if (personaPrefixes.some((prefix) => body.startsWith(prefix))) return;
    const [partner, speaker] = body.split('\t').map((field) => field.trim());
    if (!partner || !speaker) throw dataError(file, index + 1, 'expected "<partner\'s turn><TAB><reply>" after the line number');
    for (const [role, content] of [['assistant', partner], ['user', speaker]] as const) {
      // ParlAI's placeholder for a dialogue its owner opens.
      if (content === '__SILENCE__') continue;
      const result = inputEntrySchema.safeParse({ role, content });
      if (!result.success) throw dataError(file, index + 1, formatZodError(result.error));
      entries.push({ entry: result.data, line: index + 1 });
    }
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
 * - anything else (`.txt`, `/dev/stdin`): JSON or JSON Lines when its content is, one Persona-Chat dialogue
 *   in ParlAI's text format (the persona's owner is the user; persona sentences are skipped), else plain text,
 *   one message per non-empty line; a line may open with its role (`user:`, `assistant:` or `system:`,
 *   any case), and a line without one is a user message.
 * Messages need `role` and `content` (at most 200,000 characters in every format); ids must be
 * unique, and with `previous` none may be one its evidence cites (extracted already). A UTF-8 byte
 * order mark is ignored. A file without messages is an error. Errors name the file and the line
 * (and column, for JSON syntax) or the JSON path.
 * OpenAI-style chat logs read as they are exported: `tool` / `function` and `developer` messages and assistant
 * messages that only call tools are skipped, content given as a list of parts keeps its text parts (joined with a
 * newline) and leaves out the others, and a message with no text left is skipped (all counted in `skipped`).
 * A `timestamp` is milliseconds since 1970 when it is a number of at least 1e11, Unix seconds when it is a smaller
 * number (1e11 ms is 1973; converted, counted in `secondsTimestamps`), or an ISO 8601 date-time with `Z` or an offset.
 * A ChatGPT export (`conversations.json`: an array of objects with `mapping` and `current_node`, any extension) gives
 * each conversation's branch ending at `current_node`, all in time order; its system, tool and hidden messages and
 * assistant calls to tools are skipped and image parts left out (counted in `skipped`), its ids and `create_time`
 * (Unix seconds) kept. A malformed one is an error naming the conversation's index and title.
 */
export function readConversationFile(path: string, options: ReadConversationOptions = {}): Conversation {
  const startTime = options.startTime ?? (options.previous ? options.previous.updatedAt + secondsApart : 0);
  const text = readText(path);
  const format = formatOf(path, text);
  let placed: PlacedEntry[];
  let fileUserId: string | undefined;
  if (format.kind === 'jsonl') placed = parseLines(path, text);
  else if (format.kind === 'json') ({ entries: placed, userId: fileUserId } = parseJsonFile(path, text, format.parsed));
  else if (format.kind === 'persona-chat') placed = parsePersonaChat(path, text);
  else placed = parsePlainText(path, text);
  const { entries, skipped, secondsTimestamps } = collect(placed);
  if (entries.length === 0) {
    const all = placed.length === 1 ? 'its one message was' : `all ${placed.length} of its messages were`;
    throw dataError(path, undefined, `no messages: the file holds no conversation${placed.length === 0 ? '' : ` (${all} skipped: tool results, tool calls, developer, system or hidden messages, or no text)`}`);
  }
  checkUniqueIds(path, entries);
  const selected = selectUser(path, entries, fileUserId, options.userId);
  if (options.previous) {
    checkNotExtracted(path, selected.entries, options.previous);
    checkNotBefore(path, selected.entries, options.previous);
  }
  return { userId: selected.userId, messages: complete(selected.entries, fileUserId, startTime, options.previous), skipped, secondsTimestamps };
}

type Format = { kind: 'json'; parsed?: { value: unknown } } | { kind: 'jsonl' | 'persona-chat' | 'text' };

/**
 * The extension decides (`.json`, `.jsonl`, `.ndjson`, any case; a `.jsonl` holding a JSON array is a ChatGPT export
 * when its content is one, and refused as misnamed otherwise); any other file (`.txt`, `.log`, `/dev/stdin`) is looked at: JSON (one JSON value, a ChatGPT
 * export among them), JSON Lines (its first line a JSON object), a Persona-Chat dialogue, else plain text. Read as text,
 * JSON would reach the profile as quotes like `"i love jazz."}`.
 */
function formatOf(path: string, text: string): Format {
  const extension = extname(path).toLowerCase();
  if (extension === '.json') return { kind: 'json' };
  const start = text.trimStart();
  if (extension === '.jsonl' || extension === '.ndjson') {
    // No JSON Lines record is an array: one that opens so is a ChatGPT export, named as anything, or a .json file misnamed.
    if (start.startsWith('[')) {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        // Not one JSON value: read as JSON Lines, whose error names the line.
        return { kind: 'jsonl' };
      }
      if (isChatGptExport(value)) return { kind: 'json', parsed: { value } };
      // Read as lines it had failed at "[" ("not valid JSON at column 2") or as a record that is not an object.
      throw dataError(path, undefined, 'one JSON array of messages, not JSON Lines (one message object per line): name the file .json');
    }
    return { kind: 'jsonl' };
  }
  if (start.startsWith('[') || start.startsWith('{')) {
    try {
      const value: unknown = JSON.parse(text);
      // A lone message object is JSON Lines of one line.
      const message = value !== null && typeof value === 'object' && !Array.isArray(value) && ('role' in value || 'content' in value) && !isChatGptConversation(value);
      if (!message) return { kind: 'json', parsed: { value } };
    } catch {
      // Not one JSON value: JSON Lines, or text that opens with a bracket.
    }
    if (firstLineObject(text) !== undefined) return { kind: 'jsonl' };
  }
  return isPersonaChat(text) ? { kind: 'persona-chat' } : { kind: 'text' };
}

/**
 * Refuses a message the previous profile already cites: extracting it again would count it twice (a fact's
 * confidence, the style's message count), as re-running a whole log with `--previous` would.
 */
function checkNotExtracted(file: string, entries: readonly Located[], previous: Profile): void {
  const cited = citedMessageIds(previous);
  const again = entries.find((entry) => entry.message.id !== undefined && cited.has(entry.message.id));
  if (again) {
    throw errorAt(file, again, `message id ${JSON.stringify(again.message.id)} is already cited by the previous profile: it was extracted before (give only the messages since), or its id is reused (give each message an id of its own)`);
  }
}

/**
 * Refuses a user message dated before the previous profile: the profile would take it as the newest state, writing a
 * preference's change history backwards (an earlier state ending before it began). Other roles are context only.
 */
function checkNotBefore(file: string, entries: readonly Located[], previous: Profile): void {
  const older = entries.find((entry) => entry.message.role === 'user' && entry.message.timestamp !== undefined && entry.message.timestamp < previous.updatedAt);
  if (older) {
    const iso = (milliseconds: number) => new Date(milliseconds).toISOString();
    throw errorAt(
      file,
      older,
      `timestamp ${iso(older.message.timestamp as number)} is before the previous profile's updatedAt ${iso(previous.updatedAt)}: give only the messages since that profile (or extract the whole history without --previous)`,
    );
  }
}

/** Reads a profile written earlier (`--previous`), validated against the core schema. */
export function readProfileFile(path: string): Profile {
  const text = readText(path);
  // What `… --previous p.json > p.json` leaves: the shell empties p.json before the command reads it.
  if (text.trim() === '') throw dataError(path, undefined, 'empty file, not a profile (a shell redirect "> file" empties the file before the command runs; write with --output instead)');
  const value = parseJson(path, text);
  const result = profileSchema.safeParse(value);
  if (!result.success) throw dataError(path, undefined, formatZodError(result.error));
  return result.data;
}
