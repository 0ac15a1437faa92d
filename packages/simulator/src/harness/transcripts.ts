import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { formatZodError, PersonalabError, roleSchema, writeFileAtomic } from '@personalab/core';
import type { ConversationRecord } from './run-store.js';
import { serviceReportSchema } from './service-report.js';
import { simulatorReportSchema } from './simulator-report.js';

/** One transcript line: a conversation, with the settings of the run that produced it when known. */
export type TranscriptLine = ConversationRecord & {
  /** The run's settings (`SimulationResult.config`: simulator, assistant, maxTurns, k, seed, users, …). */
  config?: Record<string, unknown>;
};

/** A transcript line as `writeTranscripts` writes it; fields it does not know are kept (a reader may add its own). */
const transcriptLineSchema = z.looseObject({
  runId: z.string(),
  userId: z.string(),
  simulator: z.string(),
  assistant: z.string(),
  endReason: z.enum(['goal_met', 'patience_exhausted', 'turn_limit', 'error']),
  turns: z.array(
    z.looseObject({
      role: roleSchema,
      content: z.string(),
      recommendedItemIds: z.array(z.string()).optional(),
      itemsBeyondK: z.number().int().nonnegative().optional(),
    }),
  ),
  targetItemIds: z.array(z.string()),
  error: z.string().optional(),
  simulatorReport: simulatorReportSchema.optional(),
  serviceReport: serviceReportSchema.optional(),
  startedAt: z.number(),
  finishedAt: z.number(),
  config: z.record(z.string(), z.unknown()).optional(),
});

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

/**
 * Reads a transcripts file written by `writeTranscripts`. A line that is not JSON, or not a conversation (a field
 * missing or of the wrong type), names file, line and field.
 */
export function readTranscripts(path: string): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((text, index) => {
      if (text.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw new PersonalabError('invalid_data', `${path}:${index + 1}: not a JSON line: ${(error as Error).message}`, { cause: error });
      }
      const parsed = transcriptLineSchema.safeParse(value);
      if (!parsed.success) throw new PersonalabError('invalid_data', `${path}:${index + 1}: not a transcript line: ${formatZodError(parsed.error)}`);
      lines.push(parsed.data as TranscriptLine);
    });
  return lines;
}
