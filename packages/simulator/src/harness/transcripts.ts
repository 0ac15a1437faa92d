import { writeFileAtomic } from '@personalab/core';
import type { ConversationRecord } from './run-store.js';

/** Conversations as JSON Lines, one conversation per line (the transcript export format). */
export function transcriptsToJsonl(conversations: readonly ConversationRecord[]): string {
  return conversations.map((conversation) => JSON.stringify(conversation)).join('\n') + (conversations.length > 0 ? '\n' : '');
}

/** Writes the transcripts atomically to a `.jsonl` file. */
export function writeTranscripts(path: string, conversations: readonly ConversationRecord[]): void {
  writeFileAtomic(path, transcriptsToJsonl(conversations));
}
