import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import type { ConversationRecord } from './run-store.js';
import { readTranscripts, writeTranscripts } from './transcripts.js';

const directory = mkdtempSync(join(tmpdir(), 'personalab-transcripts-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const record: ConversationRecord = {
  runId: 'r',
  userId: '1',
  simulator: 'retrieval',
  assistant: 'most-popular',
  endReason: 'goal_met',
  turns: [
    { role: 'user', content: 'hi' },
    { role: 'assistant', content: 'try these', recommendedItemIds: ['1', '2'] },
    { role: 'user', content: 'great' },
  ],
  targetItemIds: ['2'],
  startedAt: 1,
  finishedAt: 2,
};

describe('readTranscripts', () => {
  it('reads back what writeTranscripts wrote, the run settings included', () => {
    const path = join(directory, 'ok.jsonl');
    writeTranscripts(path, [record, { ...record, userId: '2', endReason: 'error', turns: [], error: 'boom' }], { k: 5, maxTurns: 5 });
    const lines = readTranscripts(path);
    expect(lines).toEqual([
      { ...record, config: { k: 5, maxTurns: 5 } },
      { ...record, userId: '2', endReason: 'error', turns: [], error: 'boom', config: { k: 5, maxTurns: 5 } },
    ]);
  });

  it('refuses a JSON line that is not a conversation, naming file, line and field', () => {
    const path = join(directory, 'bad.jsonl');
    const wrongTurns = { ...record, userId: '2', turns: 'oops' };
    const wrongItems = { ...record, userId: '3', turns: [{ role: 'assistant', content: 'x', recommendedItemIds: [7] }] };
    writeFileSync(path, `${JSON.stringify(record)}\n${JSON.stringify(wrongTurns)}\n`);
    expect(() => readTranscripts(path)).toThrow(PersonalabError);
    expect(() => readTranscripts(path)).toThrow(new RegExp(`^${path}:2: not a transcript line: turns: `));
    writeFileSync(path, `${JSON.stringify(record)}\n\n${JSON.stringify(wrongItems)}\n`);
    expect(() => readTranscripts(path)).toThrow(new RegExp(`^${path}:3: not a transcript line: turns\\[0\\]\\.recommendedItemIds\\[0\\]: `));
    writeFileSync(path, '[1, 2]\n');
    expect(() => readTranscripts(path)).toThrow(`${path}:1: not a transcript line`);
  });

  it('names the line of a half-written (cut) line', () => {
    const path = join(directory, 'cut.jsonl');
    writeFileSync(path, `${JSON.stringify(record)}\n${JSON.stringify(record).slice(0, 40)}`);
    expect(() => readTranscripts(path)).toThrow(`${path}:2: not a JSON line`);
  });
});
