// What every format reader of `readConversationFile` gives: one entry per message object, read or skipped, and where it was.
import type { z } from 'zod';
import type { roleSchema } from '@personalab/core';

/** The longest message accepted, in every format (as the core message schema). */
export const maxContentLength = 200_000;

/** A message as a file gives it: id and time may be left out (filled by position). */
export interface InputMessage {
  id?: string;
  role: z.infer<typeof roleSchema>;
  content: string;
  timestamp?: number;
  userId?: string;
  sessionId?: string;
}

/** Why a message of the file is not read. */
export type SkipReason = 'tool' | 'toolCall' | 'developer' | 'system' | 'hidden' | 'empty';

/** One message object of a file: the message to read, or why it is skipped, and what was left out of it. */
export interface ReadEntry {
  message: InputMessage | undefined;
  skipped?: SkipReason;
  /** Content parts that are not text (images, audio, files, refusals), left out. */
  nonTextParts: number;
  /** Its timestamp was a number below 1e11, read as Unix seconds. */
  secondsTimestamp: boolean;
}

/** Where in the file something was, for errors. */
export interface Place {
  /** 1-based line (JSONL, plain text). */
  line?: number;
  /** JSON path (a .json file). */
  path?: string;
}

/** One message object of the file, read or skipped, and where it was. */
export interface PlacedEntry extends Place {
  entry: ReadEntry;
}
