import type { Message, Session } from '@personalab/core';
import type { PersonaChatDialogue } from './persona-chat.js';
import type { SyntheticPersonaChatConversation } from './synthetic-persona-chat.js';

export interface ToSessionOptions {
  /** Timestamp of the first message (default 0). */
  startTime?: number;
  /** Milliseconds between consecutive messages (default 60,000). */
  messageIntervalMs?: number;
}

export interface PersonaChatSessionOptions extends ToSessionOptions {
  /** Which speaker plays the user (role `user`); the other becomes `assistant`. Default `partner`, who speaks first. */
  user?: 'partner' | 'self';
}

export interface SyntheticPersonaChatSessionOptions extends ToSessionOptions {
  /** Which speaker plays the user (role `user`); default `user1`. */
  user?: 'user1' | 'user2';
}

function build(
  id: string,
  userId: string,
  turns: readonly { speaker: string; text: string }[],
  userSpeaker: string,
  options: ToSessionOptions,
  metadata: Record<string, string | number>,
): Session {
  const start = options.startTime ?? 0;
  const interval = options.messageIntervalMs ?? 60_000;
  const messages: Message[] = turns.map((turn, index) => ({
    // Stable ids (`pc-12-t3`) so profile evidence can cite a turn across runs.
    id: `${id}-t${index}`,
    role: turn.speaker === userSpeaker ? 'user' : 'assistant',
    content: turn.text,
    timestamp: start + index * interval,
    ...(turn.speaker === userSpeaker ? { userId } : {}),
    sessionId: id,
  }));
  const session: Session = { id, userId, startedAt: start, messages, metadata };
  if (messages.length > 0) session.endedAt = start + (messages.length - 1) * interval;
  return session;
}

/**
 * A Persona-Chat dialogue as a core `Session`. Session id = dialogue id (`pc-12`), message ids `pc-12-t<turn>`,
 * user id `pc-12-partner` or `pc-12-self`.
 */
export function personaChatToSession(dialogue: PersonaChatDialogue, options: PersonaChatSessionOptions = {}): Session {
  const user = options.user ?? 'partner';
  return build(dialogue.id, `${dialogue.id}-${user}`, dialogue.turns, user, options, { dataset: 'persona-chat', dialogue: dialogue.index, user });
}

/** A Synthetic-Persona-Chat conversation as a core `Session`: ids `spc-12`, `spc-12-t<turn>`, user `spc-12-user1`. */
export function syntheticPersonaChatToSession(conversation: SyntheticPersonaChatConversation, options: SyntheticPersonaChatSessionOptions = {}): Session {
  const user = options.user ?? 'user1';
  return build(conversation.id, `${conversation.id}-${user}`, conversation.turns, user, options, {
    dataset: 'synthetic-persona-chat',
    conversation: conversation.index,
    user,
  });
}
