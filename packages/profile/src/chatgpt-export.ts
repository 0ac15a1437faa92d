// The reader of a ChatGPT data export (`conversations.json`); `readConversationFile` detects it by content and calls it.
import { z } from 'zod';
import { dataError, formatZodError } from '@personalab/core';
import { maxContentLength, type InputMessage, type PlacedEntry, type ReadEntry, type SkipReason } from './conversation-entry.js';

/** An object with `mapping` and `current_node`: one conversation of a ChatGPT export. */
export function isChatGptConversation(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && 'mapping' in value && 'current_node' in value;
}

/** A ChatGPT export (`conversations.json` of "Export data"): an array of conversations, by its content. */
export function isChatGptExport(value: unknown): value is unknown[] {
  return Array.isArray(value) && value.some(isChatGptConversation);
}

const chatGptConversationSchema = z.object({
  title: z.string().nullish(),
  create_time: z.number().nonnegative().nullish(),
  conversation_id: z.string().nullish(),
  id: z.string().nullish(),
  mapping: z.record(z.string(), z.unknown(), { error: (issue) => `${issue.input === undefined ? 'required' : 'must be'} an object of the nodes by id` }),
  current_node: z.string({ error: (issue) => `${issue.input === undefined ? 'required' : 'must be'} the id of the node the conversation ends at (a string)` }),
});

/** A node of a conversation's `mapping`; only the nodes on the kept branch are read, so an abandoned branch never fails the file. */
const chatGptNodeSchema = z.object({
  parent: z.string().nullish(),
  message: z
    .object({
      id: z.string().min(1).max(256),
      author: z.object({ role: z.string() }),
      create_time: z.number().nonnegative().nullish(),
      content: z.object({ content_type: z.string(), parts: z.array(z.unknown()).optional(), text: z.unknown().optional() }),
      metadata: z.object({ is_visually_hidden_from_conversation: z.boolean().nullish() }).nullish(),
      // "all" is said to the user; anything else ("python", "bio", "web", …) is a call to a tool.
      recipient: z.string().nullish(),
    })
    .nullish(),
});
type ChatGptMessage = NonNullable<z.infer<typeof chatGptNodeSchema>['message']>;

const chatGptRoles: Readonly<Record<string, InputMessage['role'] | SkipReason>> = { user: 'user', assistant: 'assistant', system: 'system', tool: 'tool' };

/**
 * The text of a ChatGPT message: its string parts (and a voice message's transcription), joined with a newline; other
 * parts (image and audio asset pointers, …) are counted. Content without parts (`code`, `tether_quote`) gives its `text`.
 */
function chatGptText(content: ChatGptMessage['content'], issue: (path: (string | number)[], message: string) => never): { text: string; nonTextParts: number } {
  if (content.parts === undefined) return { text: typeof content.text === 'string' ? content.text : '', nonTextParts: 0 };
  const texts: string[] = [];
  let nonTextParts = 0;
  content.parts.forEach((part, index) => {
    if (typeof part === 'string') {
      if (part !== '') texts.push(part);
    } else if (part !== null && typeof part === 'object' && !Array.isArray(part)) {
      const { content_type: type, text } = part as { content_type?: unknown; text?: unknown };
      if (type === 'audio_transcription' && typeof text === 'string') {
        if (text !== '') texts.push(text);
      } else nonTextParts++;
    } else issue(['content', 'parts', index], 'must be a string or an object');
  });
  return { text: texts.join('\n'), nonTextParts };
}

/** The nodes from the root to `current_node`, walking parents up: the branch the user kept (edits and regenerations abandoned are left out). */
function chatGptBranch(mapping: Readonly<Record<string, unknown>>, currentNode: string, fail: (message: string) => never): { nodeId: string; node: z.infer<typeof chatGptNodeSchema> }[] {
  const branch: { nodeId: string; node: z.infer<typeof chatGptNodeSchema> }[] = [];
  const seen = new Set<string>();
  let nodeId: string | undefined = currentNode;
  let child: string | undefined;
  while (nodeId !== undefined) {
    if (seen.has(nodeId)) fail(`mapping[${JSON.stringify(child)}].parent: a cycle in the parents (${JSON.stringify(nodeId)} is its own ancestor)`);
    seen.add(nodeId);
    if (!Object.hasOwn(mapping, nodeId)) fail(child === undefined ? `current_node ${JSON.stringify(nodeId)} is not in mapping` : `mapping[${JSON.stringify(child)}].parent ${JSON.stringify(nodeId)} is not in mapping`);
    const result = chatGptNodeSchema.safeParse(mapping[nodeId]);
    if (!result.success) return fail(result.error.issues.map((issue) => `mapping[${JSON.stringify(nodeId)}]${issuePath(issue.path)}: ${issue.message}`).join('; '));
    branch.push({ nodeId, node: result.data });
    child = nodeId;
    nodeId = result.data.parent ?? undefined;
  }
  return branch.reverse();
}

/** A zod issue's path as it continues a JSON path (`.message.author.role`, `[2]`). */
function issuePath(path: readonly PropertyKey[]): string {
  return path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
}

/**
 * A ChatGPT export: each conversation's messages on the branch that ends at its `current_node`, all conversations'
 * in time order (a conversation's own order kept). User messages are the user's, assistant messages context; system and
 * tool messages, hidden ones and assistant calls to tools are skipped (counted). Ids are the export's; times are its
 * `create_time` (Unix seconds); a message without one comes one second after the message before it in its conversation
 * (the first one at the conversation's `create_time`; without either, after the message before it in the file).
 */
export function parseChatGptExport(file: string, conversations: readonly unknown[]): PlacedEntry[] {
  const sorted: { entry: PlacedEntry; key: number; order: number }[] = [];
  conversations.forEach((value, index) => {
    const rawTitle = value !== null && typeof value === 'object' ? (value as { title?: unknown }).title : undefined;
    const name = `conversation [${index}] ${typeof rawTitle === 'string' ? JSON.stringify(rawTitle) : '(untitled)'}`;
    const fail = (message: string): never => {
      throw dataError(file, undefined, `${name}: ${message}`);
    };
    if (!isChatGptConversation(value)) return fail('not a ChatGPT conversation (an object with "mapping" and "current_node")');
    const parsed = chatGptConversationSchema.safeParse(value);
    if (!parsed.success) return fail(formatZodError(parsed.error));
    const conversation = parsed.data;
    const sessionId = [conversation.conversation_id, conversation.id].find((id) => id !== undefined && id !== null && id !== '' && id.length <= 256) ?? undefined;
    const start = conversation.create_time === undefined || conversation.create_time === null ? undefined : Math.round(conversation.create_time * 1000);
    // A message without create_time follows the one before it in its own conversation (one second later), the first one
    // at the conversation's create_time: left to the merged order, it had taken another conversation's time, or 1970.
    let before: { time: number; message: boolean } | undefined = start === undefined ? undefined : { time: start, message: false };
    // Ordering, in milliseconds: never below the time of a message before it, so a conversation keeps its order.
    let key = start ?? -Infinity;
    for (const { nodeId, node } of chatGptBranch(conversation.mapping, conversation.current_node, fail)) {
      const message = node.message;
      if (!message) continue;
      const at = `mapping[${JSON.stringify(nodeId)}].message`;
      const issue = (path: (string | number)[], text: string): never => fail(`${at}${issuePath(path)}: ${text}`);
      const role = Object.hasOwn(chatGptRoles, message.author.role) ? chatGptRoles[message.author.role] : undefined;
      if (role === undefined) return issue(['author', 'role'], `must be one of ${Object.keys(chatGptRoles).join(', ')}, got ${JSON.stringify(message.author.role)}`);
      const given = message.create_time === undefined || message.create_time === null ? undefined : Math.round(message.create_time * 1000);
      if (given !== undefined) before = { time: given, message: true };
      const { text, nonTextParts } = chatGptText(message.content, issue);
      if (text.length > maxContentLength) issue(['content'], `longer than ${maxContentLength} characters`);
      const skipped: SkipReason | undefined = message.metadata?.is_visually_hidden_from_conversation
        ? 'hidden'
        : role === 'system' || role === 'tool'
          ? role
          : role === 'assistant' && message.recipient !== undefined && message.recipient !== null && message.recipient !== 'all'
            ? 'toolCall'
            : text.trim() === ''
              ? 'empty'
              : undefined;
      const entry: ReadEntry = { message: undefined, nonTextParts, secondsTimestamp: false };
      if (skipped) entry.skipped = skipped;
      else {
        entry.message = { id: message.id, role: role as InputMessage['role'], content: text };
        const time = given ?? (before === undefined ? undefined : before.time + (before.message ? 1000 : 0));
        if (time !== undefined) {
          entry.message.timestamp = time;
          before = { time, message: true };
        }
        if (sessionId !== undefined) entry.message.sessionId = sessionId;
      }
      key = Math.max(key, entry.message?.timestamp ?? given ?? key);
      sorted.push({ entry: { entry, path: `${name} ${at}` }, key, order: sorted.length });
    }
  });
  return sorted.sort((a, b) => a.key - b.key || a.order - b.order).map(({ entry }) => entry);
}
