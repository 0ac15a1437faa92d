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
 */
export async function loadSyntheticPersonaChat(file: string, options: LoaderOptions = {}): Promise<SyntheticPersonaChatData> {
  const issues = new RowIssues(options.onInvalid);
  const conversations: SyntheticPersonaChatConversation[] = [];
  let sawHeader = false;
  let rows = 0;
  for await (const { fields, line } of readCsvRecords(file)) {
    if (!sawHeader) {
      sawHeader = true;
      // A wrong header means a wrong file, not one bad row: fail whatever the policy.
      if (fields.join(',') !== header.join(',')) throw dataError(file, line, `expected the header "${header.join(',')}", found "${fields.join(',').slice(0, 200)}"`);
      continue;
    }
    rows++;
    if (fields.length !== 3) {
      issues.reject(file, line, `expected 3 columns (user 1 personas, user 2 personas, conversation), found ${fields.length}`);
      continue;
    }
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
    const index = conversations.length;
    conversations.push({ id: `spc-${index}`, index, user1Persona, user2Persona, turns, preamble, line });
  }
  if (!sawHeader) throw dataError(file, undefined, 'empty file: no header');
  if (rows === 0) throw dataError(file, undefined, 'no conversations after the header');
  return { conversations, skipped: issues.skipped };
}
