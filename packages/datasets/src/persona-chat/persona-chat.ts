import { z } from 'zod';
import { dataError } from '@personalab/core';
import { RowIssues, type LoaderOptions, type SkippedRow } from '../invalid-rows.js';
import { readLines } from '../line-reader.js';

/** One utterance of a Persona-Chat dialogue. `partner` speaks first in each pair; `self` has the "your persona" sentences. */
export interface PersonaChatTurn {
  speaker: 'partner' | 'self';
  text: string;
}

export interface PersonaChatDialogue {
  /** Stable id `pc-<index>` (0-based position in the file); both valid files number dialogues identically. */
  id: string;
  index: number;
  /** The "your persona:" sentences: the persona of the `self` speaker. */
  yourPersona: string[];
  /** The "partner's persona:" sentences (only in `*_both_*` files; empty in `*_self_*`). */
  partnerPersona: string[];
  /** Utterances in order: partner, self, partner, self, ... */
  turns: PersonaChatTurn[];
  /** 1-based line where the dialogue starts. */
  line: number;
}

export interface PersonaChatData {
  dialogues: PersonaChatDialogue[];
  skipped: SkippedRow[];
}

const lineSchema = z.object({
  index: z.coerce.number().int().min(1),
  body: z.string(),
});
const linePattern = /^(\d+) (.*)$/;
const yourPrefix = 'your persona: ';
const partnerPrefix = "partner's persona: ";

/**
 * Loads a Persona-Chat / ConvAI2 file in ParlAI's FbDialog text format
 * (`valid_self_original_no_cands.txt`, `valid_both_original_no_cands.txt`, and the train files).
 * Each line is `<i> <body>`; i restarting at 1 starts a new dialogue. Bodies are persona sentences
 * (`your persona: ...`, `partner's persona: ...`) or `partner utterance<TAB>self response`
 * (with-candidates files add more tab-separated fields, which are ignored).
 */
export async function loadPersonaChat(file: string, options: LoaderOptions = {}): Promise<PersonaChatData> {
  const issues = new RowIssues(options.onInvalid);
  const dialogues: PersonaChatDialogue[] = [];
  let current: PersonaChatDialogue | undefined;
  let expectedIndex = 1;
  // Dialogues started, kept or not, so ids stay positions in the file when a dialogue is skipped.
  let started = 0;
  let rows = 0;
  // A dialogue that ends before its first utterance (a truncated file, say) is an invalid row, not an empty dialogue.
  const finish = () => {
    if (current === undefined || current.turns.length > 0) return;
    const last = dialogues.pop() as PersonaChatDialogue;
    issues.reject(file, last.line, `dialogue ${last.id} (line ${last.line}) has persona sentences but no utterances`);
  };
  for await (const { text, line } of readLines(file)) {
    if (text === '') continue;
    rows++;
    const match = linePattern.exec(text);
    const parsed = lineSchema.safeParse({ index: match?.[1], body: match?.[2] });
    if (!match || !parsed.success) {
      issues.reject(file, line, 'expected "<line index> <text>"');
      continue;
    }
    const { index, body } = parsed.data;
    if (index === 1) {
      finish();
      current = { id: `pc-${started}`, index: started, yourPersona: [], partnerPersona: [], turns: [], line };
      started++;
      dialogues.push(current);
      expectedIndex = 1;
    } else if (!current || index !== expectedIndex) {
      issues.reject(file, line, `line index ${index} out of sequence (expected ${current ? expectedIndex : 1})`);
      continue;
    }
    expectedIndex = index + 1;
    if (body.startsWith(yourPrefix) || body.startsWith(partnerPrefix)) {
      if (current.turns.length > 0) {
        issues.reject(file, line, 'persona sentence after the dialogue started');
        continue;
      }
      if (body.startsWith(yourPrefix)) current.yourPersona.push(body.slice(yourPrefix.length));
      else current.partnerPersona.push(body.slice(partnerPrefix.length));
      continue;
    }
    const fields = body.split('\t');
    if (fields.length < 2 || fields[0] === '' || fields[1] === '') {
      issues.reject(file, line, `expected "<partner utterance>\\t<self response>", found ${fields.length} non-empty tab-separated field(s)`);
      continue;
    }
    current.turns.push({ speaker: 'partner', text: fields[0] as string }, { speaker: 'self', text: fields[1] as string });
  }
  finish();
  if (rows === 0) throw dataError(file, undefined, 'empty file: no dialogues');
  return { dialogues, skipped: issues.skipped };
}

/** Number of (partner, self) utterance pairs, the unit ParlAI counts as examples. */
export function countTurnPairs(dialogues: readonly PersonaChatDialogue[]): number {
  return dialogues.reduce((sum, dialogue) => sum + dialogue.turns.filter((turn) => turn.speaker === 'self').length, 0);
}
