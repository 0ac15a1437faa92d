import { readFileSync } from 'node:fs';
import { PersonalabError, writeFileAtomic } from '@personalab/core';
import type { ConversationRecord } from './run-store.js';

/** One transcript line: a conversation, with the settings of the run that produced it when known. */
export type TranscriptLine = ConversationRecord & {
  /** The run's settings (`SimulationResult.config`: simulator, assistant, maxTurns, k, seed, users, …). */
  config?: Record<string, unknown>;
};

/**
 * Conversations as JSON Lines, one conversation per line (the transcript export format). With
 * `config`, every line carries the run's settings in a `config` field, so that each line (and a
 * copied or concatenated file) says how it was made and can be re-scored on its own; a reader
 * that parses lines as conversations is unaffected.
 */
export function transcriptsToJsonl(conversations: readonly ConversationRecord[], config?: Record<string, unknown>): string {
  return conversations.map((conversation) => JSON.stringify(config === undefined ? conversation : { ...conversation, config })).join('\n') + (conversations.length > 0 ? '\n' : '');
}

/** Writes the transcripts atomically to a `.jsonl` file (see `transcriptsToJsonl`). */
export function writeTranscripts(path: string, conversations: readonly ConversationRecord[], config?: Record<string, unknown>): void {
  writeFileAtomic(path, transcriptsToJsonl(conversations, config));
}

/** Reads a transcripts file written by `writeTranscripts`; a line that is not JSON names file and line. */
export function readTranscripts(path: string): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      try {
        lines.push(JSON.parse(text) as TranscriptLine);
      } catch (error) {
        throw new PersonalabError('invalid_data', `${path}:${index + 1}: not a JSON line: ${(error as Error).message}`, { cause: error });
      }
    });
  return lines;
}
