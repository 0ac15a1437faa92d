import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProfile, PersonalabError } from '@personalab/core';
import { readConversationFile, readProfileFile } from './conversation-file.js';

const directory = mkdtempSync(join(tmpdir(), 'profile-input-'));
const file = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

describe('readConversationFile', () => {
  it('reads JSON sessions, JSONL and plain text, filling ids and times', () => {
    const session = readConversationFile(file('s.json', JSON.stringify({ userId: 'u7', messages: [{ role: 'assistant', content: 'hi' }, { role: 'user', content: 'i am a nurse', id: 'x' }] })));
    expect(session.userId).toBe('u7');
    expect(session.messages).toEqual([
      { id: 'm1', role: 'assistant', content: 'hi', timestamp: 0 },
      { id: 'x', role: 'user', content: 'i am a nurse', timestamp: 1000, userId: 'u7' },
    ]);
    const lines = readConversationFile(file('l.jsonl', '{"role":"user","content":"a","userId":"u1"}\n\n{"role":"user","content":"b"}\n'));
    expect(lines.messages.map((message) => message.id)).toEqual(['m1', 'm2']);
    expect(lines.userId).toBe('u1');
    const plain = readConversationFile(file('t.txt', 'i have a dog\n\ni love jazz\n'), { startTime: 5000 });
    expect(plain.messages.map((message) => [message.content, message.timestamp])).toEqual([['i have a dog', 5000], ['i love jazz', 6000]]);
  });

  it("reads the role a plain-text line opens with, and takes other lines as the user's", () => {
    const transcript = readConversationFile(file('chat.txt', 'User: i have two dogs\nassistant: nice!\nSYSTEM : be brief\ni work as a nurse: nights mostly\n'));
    expect(transcript.messages.map((message) => [message.role, message.content])).toEqual([
      ['user', 'i have two dogs'],
      ['assistant', 'nice!'],
      ['system', 'be brief'],
      ['user', 'i work as a nurse: nights mostly'],
    ]);
  });

  it('names the file and line or JSON path of malformed input', () => {
    expect(() => readConversationFile(file('bad.jsonl', '{"role":"user","content":"a"}\n{"role":"robot","content":"b"}\n'))).toThrow(/bad\.jsonl:2: role/);
    expect(() => readConversationFile(file('broken.jsonl', '{"role":'))).toThrow(/broken\.jsonl:1: not valid JSON/);
    expect(() => readConversationFile(file('bad.json', JSON.stringify([{ role: 'user' }])))).toThrow(/bad\.json: .*content/);
    expect(() => readConversationFile(join(directory, 'missing.json'))).toThrow(PersonalabError);
    expect(() => readProfileFile(file('p.json', JSON.stringify({ ...emptyProfile('u'), version: -1 })))).toThrow(/p\.json: version/);
    expect(readProfileFile(file('ok.json', JSON.stringify(emptyProfile('u')))).userId).toBe('u');
  });
});
