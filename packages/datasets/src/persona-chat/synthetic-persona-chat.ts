import { dataError } from '@personalab/core';
import { RowIssues, type LoaderOptions, type SkippedRow } from '../invalid-rows.js';
import { readCsvRecords } from '../csv-records.js';

export interface SyntheticPersonaChatTurn {
  speaker: 'user1' | 'user2';
  text: string;
}

export interface SyntheticPersonaChatConversation {
  /** Stable id `spc-<index>` (0-based row position, header excluded). */
  id: string;
  index: number;
  user1Persona: string[];
  user2Persona: string[];
  /** Turns in order. A line without a `User N:` prefix continues the previous turn (joined with a newline). */
  turns: SyntheticPersonaChatTurn[];
  /** Lines before the first `User N:` turn (LLM artefacts such as "* * *"), kept rather than dropped. */
  preamble: string[];
  /** 1-based line where the CSV record starts. */
  line: number;
}

export interface SyntheticPersonaChatData {
  conversations: SyntheticPersonaChatConversation[];
  skipped: SkippedRow[];
}

const header = ['user 1 personas', 'user 2 personas', 'Best Generated Conversation'];
// The generator sometimes wraps the speaker tag in markdown (`*User 1:*`, `* User 1: *`); accept that, nothing looser.
const speakerPattern = /^[\s*]*User ([12])\s*:[\s*]*(.*)$/;

function sentences(field: string): string[] {
  return field
    .split('\n')
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence !== '');
}

/**
 * Loads a Synthetic-Persona-Chat CSV (`Synthetic-Persona-Chat_valid.csv`, `_test.csv`, `_train.csv`):
 * header `user 1 personas,user 2 personas,Best Generated Conversation`, quoted fields with newlines.
 * The header repeated on a later row, or a row repeating an earlier one exactly, is an invalid row.
 */
export async function loadSyntheticPersonaChat(file: string, options: LoaderOptions = {}): Promise<SyntheticPersonaChatData> {
  const issues = new RowIssues(options.onInvalid);
  const conversations: SyntheticPersonaChatConversation[] = [];
  let sawHeader = false;
  let rows = 0;
  // Line of each record's exact text: a repeated record (files joined twice, say) would count one persona pair twice.
  const lineOfRecord = new Map<string, number>();
  for await (const { fields, line } of readCsvRecords(file)) {
    if (!sawHeader) {
      sawHeader = true;
      // A wrong header means a wrong file, not one bad row: fail whatever the policy.
      if (fields.join(',') !== header.join(',')) throw dataError(file, line, `expected the header "${header.join(',')}", found "${fields.join(',').slice(0, 200)}"`);
      continue;
    }
    rows++;
    if (fields.join(',') === header.join(',')) {
      issues.reject(file, line, `the header again, first on line 1 (files concatenated with their headers?)`);
      continue;
    }
    if (fields.length !== 3) {
      issues.reject(file, line, `expected 3 columns (user 1 personas, user 2 personas, conversation), found ${fields.length}`);
      continue;
    }
    const key = fields.join('\u0000');
    const firstLine = lineOfRecord.get(key);
    if (firstLine !== undefined) {
      issues.reject(file, line, `the same conversation and personas as line ${firstLine}`);
      continue;
    }
    lineOfRecord.set(key, line);
    const [persona1 = '', persona2 = '', conversation = ''] = fields;
    const user1Persona = sentences(persona1);
    const user2Persona = sentences(persona2);
    if (user1Persona.length === 0 || user2Persona.length === 0) {
      issues.reject(file, line, `empty persona for user ${user1Persona.length === 0 ? 1 : 2}`);
      continue;
    }
    const turns: SyntheticPersonaChatTurn[] = [];
    const preamble: string[] = [];
    for (const raw of conversation.split('\n')) {
      const text = raw.trim();
      if (text === '') continue;
      const match = speakerPattern.exec(text);
      const last = turns[turns.length - 1];
      if (match) turns.push({ speaker: match[1] === '1' ? 'user1' : 'user2', text: (match[2] ?? '').trim() });
      else if (last) last.text = last.text === '' ? text : `${last.text}\n${text}`;
      else preamble.push(text);
    }
    // The row's position among the data rows, so ids stay put when an earlier row is skipped (as Persona-Chat's do).
    const index = rows - 1;
    conversations.push({ id: `spc-${index}`, index, user1Persona, user2Persona, turns, preamble, line });
  }
  if (!sawHeader) throw dataError(file, undefined, 'empty file: no header');
  if (rows === 0) throw dataError(file, undefined, 'no conversations after the header');
  return { conversations, skipped: issues.skipped };
}
