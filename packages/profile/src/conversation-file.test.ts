import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyProfile, PersonalabError, type Profile } from '@personalab/core';
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
    // A later record's syntax error names its own line (every record had been reported at line 1).
    expect(() => readConversationFile(file('third.jsonl', '{"role":"user","content":"a"}\n\n{"role":"user" "content":"c"}\n'))).toThrow(/third\.jsonl:3: not valid JSON at column 16/);
    expect(() => readConversationFile(file('bad.json', JSON.stringify([{ role: 'user' }])))).toThrow(/bad\.json: .*content/);
    expect(() => readConversationFile(join(directory, 'missing.json'))).toThrow(PersonalabError);
    expect(() => readProfileFile(file('p.json', JSON.stringify({ ...emptyProfile('u'), version: -1 })))).toThrow(/p\.json: version/);
    expect(readProfileFile(file('ok.json', JSON.stringify(emptyProfile('u')))).userId).toBe('u');
  });

  it('reports JSON syntax errors by line and column, and a missing role or content as required', () => {
    expect(() => readConversationFile(file('syntax.json', '[\n  {"role": "user", "content": "a"},\n  {"role": "user" "content": "b"}\n]'))).toThrow(/syntax\.json:3: not valid JSON at column 19: /);
    expect(() => readConversationFile(file('cut.json', '[{"role": "user",'))).toThrow(/cut\.json:1: not valid JSON at column 18/);
    expect(() => readConversationFile(file('norole.json', JSON.stringify([{ content: 'hi' }])))).toThrow(/norole\.json: \[0\]\.role: required \(system, user, assistant\)/);
    expect(() => readConversationFile(file('norole.jsonl', '{"content":"hi"}\n'))).toThrow(/norole\.jsonl:1: role: required/);
    expect(() => readConversationFile(file('nocontent.json', JSON.stringify({ messages: [{ role: 'user' }] })))).toThrow(/messages\[0\]\.content: required/);
    expect(() => readProfileFile(file('bad-profile.json', '{\n  "userId": "u",\n}'))).toThrow(/bad-profile\.json:3: not valid JSON at column 1/);
    // What `--previous p.json > p.json` leaves behind.
    expect(() => readProfileFile(file('emptied.json', ''))).toThrow(/emptied\.json: empty file, not a profile \(a shell redirect "> file" empties the file before the command runs; write with --output instead\)/);
  });

  it('matches extensions in any case, reads .ndjson as JSON Lines and ignores a byte order mark', () => {
    const upper = readConversationFile(file('upper.JSON', JSON.stringify([{ role: 'assistant', content: 'hi' }])));
    expect(upper.messages).toEqual([{ id: 'm1', role: 'assistant', content: 'hi', timestamp: 0 }]);
    const ndjson = readConversationFile(file('chat.NDJSON', '{"role":"user","content":"i have a cat"}\n'));
    expect(ndjson.messages.map((message) => message.content)).toEqual(['i have a cat']);
    const bom = readConversationFile(file('bom.json', `\uFEFF${JSON.stringify([{ role: 'user', content: 'hello' }])}`));
    expect(bom.messages[0]?.content).toBe('hello');
    expect(readConversationFile(file('bom.txt', '\uFEFFi love jazz\n')).messages[0]?.content).toBe('i love jazz');
  });

  it('refuses a file that is not UTF-8 (a Latin-1 export), naming the first bad line, instead of reading U+FFFD characters', () => {
    const bytes = (name: string, content: Buffer) => {
      const path = join(directory, name);
      writeFileSync(path, content);
      return path;
    };
    const latin1 = bytes('latin1.txt', Buffer.concat([Buffer.from('user: I love cats\nuser: I live in '), Buffer.from('Zürich', 'latin1'), Buffer.from('\n')]));
    expect(() => readConversationFile(latin1)).toThrow(expect.objectContaining({ code: 'invalid_data', message: `${latin1}:2: not valid UTF-8 text (save the file as UTF-8)` }));
    const jsonl = bytes('latin1.jsonl', Buffer.concat([Buffer.from('{"role":"user","content":"'), Buffer.from('café', 'latin1'), Buffer.from('"}\n')]));
    expect(() => readConversationFile(jsonl)).toThrow(`${jsonl}:1: not valid UTF-8 text`);
    // The same text in UTF-8 reads as written.
    expect(readConversationFile(bytes('utf8.txt', Buffer.from('user: I live in Zürich\n'))).messages[0]?.content).toBe('I live in Zürich');
  });

  it('refuses a file without messages, in every format', () => {
    for (const [name, text] of [['empty.json', ''], ['empty-list.json', '[]'], ['empty-session.json', '{"messages":[]}'], ['empty.jsonl', '\n\n'], ['empty.txt', '  \n']] as const) {
      expect(() => readConversationFile(file(name, text))).toThrow(new RegExp(`${name.replace('.', '\\.')}: no messages`));
    }
  });

  it('applies the same length limit to every format', () => {
    const long = 'a'.repeat(200_001);
    expect(() => readConversationFile(file('long.txt', `hi\n${long}\n`))).toThrow(/long\.txt:2: content: longer than 200000 characters/);
    expect(() => readConversationFile(file('long.jsonl', `${JSON.stringify({ role: 'user', content: long })}\n`))).toThrow(/long\.jsonl:1: content: longer than 200000/);
    expect(readConversationFile(file('ok.txt', `${'a'.repeat(200_000)}\n`)).messages).toHaveLength(1);
  });

  it('refuses duplicate message ids, naming both places', () => {
    expect(() => readConversationFile(file('dup.jsonl', '{"id":"a","role":"user","content":"x"}\n{"id":"b","role":"user","content":"y"}\n{"id":"a","role":"user","content":"z"}\n'))).toThrow(
      /dup\.jsonl:3: duplicate message id "a" \(first at line 1\)/,
    );
    expect(() => readConversationFile(file('dup.json', JSON.stringify([{ id: 'a', role: 'user', content: 'x' }, { id: 'a', role: 'user', content: 'y' }])))).toThrow(/dup\.json: \[1\]: duplicate message id "a" \(first at \[0\]\)/);
    // A generated id skips the ids the file gives.
    const mixed = readConversationFile(file('given.json', JSON.stringify([{ role: 'user', content: 'x' }, { id: 'm1', role: 'user', content: 'y' }])));
    expect(mixed.messages.map((message) => message.id)).toEqual(['m2', 'm1']);
  });

  it('gives a missing time one second after the message before it, so mixed times keep their order', () => {
    const mixed = readConversationFile(file('times.jsonl', '{"role":"user","content":"a","timestamp":1700000050000}\n{"role":"user","content":"b"}\n{"role":"user","content":"c","timestamp":1700000090000}\n{"role":"user","content":"d"}\n'));
    expect(mixed.messages.map((message) => message.timestamp)).toEqual([1_700_000_050_000, 1_700_000_051_000, 1_700_000_090_000, 1_700_000_091_000]);
    const leading = readConversationFile(file('lead.jsonl', '{"role":"user","content":"a"}\n{"role":"user","content":"b","timestamp":1700000070000}\n'), { startTime: 5000 });
    expect(leading.messages.map((message) => message.timestamp)).toEqual([5000, 1_700_000_070_000]);
  });

  it('continues the previous profile\'s message ids and times', () => {
    const previous: Profile = {
      ...emptyProfile('ana'),
      updatedAt: 10_000,
      facts: [{ key: 'occupation', value: 'I work as a nurse', confidence: 0.8, firstSeen: 1000, lastUpdated: 10_000, evidence: [{ messageId: 'm2' }, { messageId: 'm7' }] }],
    };
    const next = readConversationFile(file('next.txt', 'i love jazz\nm8 is taken? no\n'), { previous });
    expect(next.messages.map((message) => [message.id, message.timestamp])).toEqual([['m8', 11_000], ['m9', 12_000]]);
  });

  it('picks one user of a file with several, and says which users it holds otherwise', () => {
    const path = file(
      'two.json',
      JSON.stringify([
        { role: 'user', userId: 'alice', content: 'I work as a nurse.' },
        { role: 'assistant', content: 'Nice.' },
        { role: 'user', userId: 'bob', content: 'I live in Tokyo and I hate cats.' },
      ]),
    );
    expect(() => readConversationFile(path)).toThrow(/two\.json holds messages of 2 users \(alice, bob\): choose one with --user-id/);
    expect(() => readConversationFile(path, { userId: 'carol' })).toThrow(/no messages of user carol; its users: alice, bob/);
    const alice = readConversationFile(path, { userId: 'alice' });
    expect(alice.userId).toBe('alice');
    expect(alice.messages.map((message) => message.content)).toEqual(['I work as a nurse.', 'Nice.']);
    const unnamed = file('unnamed.jsonl', '{"role":"user","userId":"alice","content":"a"}\n{"role":"user","userId":"bob","content":"b"}\n{"role":"user","content":"c"}\n');
    expect(() => readConversationFile(unnamed, { userId: 'alice' })).toThrow(/unnamed\.jsonl:3: a user message without userId/);
    expect(() => readConversationFile(file('one.jsonl', '{"role":"user","userId":"alice","content":"a"}\n'), { userId: 'bob' })).toThrow(/no messages of user bob; its users: alice/);
  });

  it('reads JSON and JSON Lines by their content when the extension does not say (.txt, /dev/stdin), instead of as text', () => {
    // Read as plain text these gave the preference quote `"i love jazz."}`.
    const jsonl = readConversationFile(file('export.txt', '{"role":"assistant","content":"hi"}\n{"role":"user","content":"I love jazz."}\n'));
    expect(jsonl.messages.map((message) => [message.role, message.content])).toEqual([['assistant', 'hi'], ['user', 'I love jazz.']]);
    expect(readConversationFile(file('one.log', '{"role":"user","content":"I love jazz."}')).messages[0]?.content).toBe('I love jazz.');
    expect(() => readConversationFile(file('bad-role.txt', '{"role":"user","content":"a"}\n{"role":"robot","content":"b"}\n'))).toThrow(/bad-role\.txt:2: role: must be one of/);
    const array = readConversationFile(file('conversation', JSON.stringify([{ role: 'user', content: 'I have a cat.' }], null, 2)));
    expect(array.messages.map((message) => message.content)).toEqual(['I have a cat.']);
    const session = readConversationFile(file('session.txt', JSON.stringify({ userId: 'u3', messages: [{ role: 'user', content: 'hi' }] })));
    expect(session.userId).toBe('u3');
    // Text that only opens with a bracket is still text.
    expect(readConversationFile(file('brackets.txt', '[laughs] i love jazz\n{sigh} i hate mondays\n')).messages.map((message) => message.content)).toEqual(['[laughs] i love jazz', '{sigh} i hate mondays']);
  });

  it('says a .json file of one message per line is JSON Lines', () => {
    expect(() => readConversationFile(file('lines.json', '{"role":"user","content":"a"}\n{"role":"user","content":"b"}\n'))).toThrow(
      /lines\.json:2: not valid JSON at column 1: .* \(one message per line is JSON Lines: name the file \.jsonl\)$/,
    );
  });

  it('says a .jsonl file holding one JSON array of messages is JSON, not JSON Lines, and a .json file of one message is not a conversation', () => {
    // It had said "not valid JSON at column 2" (pretty-printed) or "(root): expected object, received array" (one line).
    const messages = [{ role: 'user', content: 'I love jazz.' }];
    for (const [name, text] of [
      ['pretty.jsonl', JSON.stringify(messages, null, 2)],
      ['one-line.ndjson', JSON.stringify(messages)],
    ] as const) {
      expect(() => readConversationFile(file(name, text))).toThrow(
        new RegExp(`/${name.replace('.', '\\.')}: one JSON array of messages, not JSON Lines \\(one message object per line\\): name the file \\.json$`),
      );
    }
    expect(readConversationFile(file('array.json', JSON.stringify(messages))).messages).toHaveLength(1);
    // And a .json file of one message object (it had said "messages: Invalid input: expected array, received undefined").
    expect(() => readConversationFile(file('one.json', JSON.stringify(messages[0])))).toThrow(/\/one\.json: one message object, not a conversation: a \.json file holds a list of messages/);
  });

  it("reads a Persona-Chat dialogue (ParlAI's text format): the persona's owner is the user, the persona sentences are not messages", () => {
    const dialogue = [
      '1 your persona: i read twenty books a year.',
      "2 partner's persona: i am a stay at home dad.",
      '3 hello what are doing today ?\ti am good , i just got off work and tired , i have two jobs .',
      '4 i just got done watching a horror movie\ti rather read , i have read about 20 books this year .\t\tcandidate one|candidate two',
      '',
    ].join('\n');
    const read = readConversationFile(file('persona-chat.txt', dialogue));
    // As plain text, each line was one user message: the persona sentences and the partner's turns among them.
    expect(read.messages.map((message) => [message.role, message.content])).toEqual([
      ['assistant', 'hello what are doing today ?'],
      ['user', 'i am good , i just got off work and tired , i have two jobs .'],
      ['assistant', 'i just got done watching a horror movie'],
      ['user', 'i rather read , i have read about 20 books this year .'],
    ]);
    const silence = readConversationFile(file('silence.txt', '1 your persona: i like cats.\n2 __SILENCE__\thi , i have three cats !\n'));
    expect(silence.messages.map((message) => [message.role, message.content])).toEqual([['user', 'hi , i have three cats !']]);
    expect(() => readConversationFile(file('two-dialogues.txt', `${dialogue}1 your persona: i like cats.\n2 hi\thello\n`))).toThrow(/two-dialogues\.txt:5: a second Persona-Chat dialogue starts here/);
    expect(() => readConversationFile(file('no-reply.txt', '1 your persona: i like cats.\n2 hi there\t\n'))).toThrow(/no-reply\.txt:2: expected "<partner's turn><TAB><reply>"/);
    expect(() => readConversationFile(file('gap.txt', '1 hi\thello\n3 bye\tbye\n'))).toThrow(/gap\.txt:2: line number 3 out of sequence \(expected 2\)/);
    // Numbered lines without a tab or a persona sentence are an ordinary transcript.
    expect(readConversationFile(file('numbered.txt', '1 thing i love is jazz\n2 things i hate\n')).messages.map((message) => message.role)).toEqual(['user', 'user']);
  });

  it('skips a message whose text is empty or only whitespace, in every format, as a message without text', () => {
    // They had been read as user turns: counted in the style (mean length, message count), cited as evidence, sent to the LLM.
    const expected = [
      ['user', 'I love jazz.'],
      ['user', 'I hate rain.'],
    ];
    const json = readConversationFile(file('blank.json', JSON.stringify([{ role: 'user', content: 'I love jazz.' }, { role: 'assistant', content: '' }, { role: 'user', content: ' \n\t ' }, { role: 'user', content: 'I hate rain.' }])));
    expect(json.messages.map((message) => [message.role, message.content])).toEqual(expected);
    expect(json.messages.map((message) => message.id)).toEqual(['m1', 'm2']);
    expect(json.skipped.emptyMessages).toBe(2);
    const lines = readConversationFile(file('blank.jsonl', '{"role":"user","content":"I love jazz."}\n{"role":"user","content":"   "}\n{"role":"user","content":[{"type":"text","text":" "}]}\n{"role":"user","content":"I hate rain."}\n'));
    expect(lines.messages.map((message) => [message.role, message.content])).toEqual(expected);
    expect(lines.skipped.emptyMessages).toBe(2);
    const text = readConversationFile(file('blank.txt', 'user: I love jazz.\nassistant:\nuser:   \nI hate rain.\n'));
    expect(text.messages.map((message) => [message.role, message.content])).toEqual(expected);
    expect(text.skipped.emptyMessages).toBe(2);
    expect(() => readConversationFile(file('all-blank.jsonl', '{"role":"user","content":""}\n'))).toThrow(/all-blank\.jsonl: no messages: the file holds no conversation \(its one message was skipped/);
  });

  it('refuses, with --previous, a message dated before the previous profile, rather than writing its history backwards', () => {
    const previous: Profile = { ...emptyProfile('ana'), updatedAt: 1_700_000_000_000 };
    // Its change history would have run from the newer state to the older one ("from" after "to").
    expect(() => readConversationFile(file('older.jsonl', '{"role":"user","content":"a","timestamp":1700000001000}\n{"role":"user","content":"b","timestamp":1600000000000}\n'), { previous })).toThrow(
      /older\.jsonl:2: timestamp 2020-09-13T12:26:40\.000Z is before the previous profile's updatedAt 2023-11-14T22:13:20\.000Z: give only the messages since that profile \(or extract the whole history without --previous\)/,
    );
    expect(() => readConversationFile(file('older.json', JSON.stringify([{ role: 'user', content: 'a', timestamp: 1 }])), { previous })).toThrow(/older\.json: \[0\]: timestamp 1970-01-01T00:00:01\.000Z is before the previous profile's updatedAt/);
    // The same time, a later one, or none (after the profile) are read; an older partner's turn is context only.
    const since = readConversationFile(file('since-times.jsonl', '{"role":"assistant","content":"do you like jazz?","timestamp":1600000000000}\n{"role":"user","content":"a","timestamp":1700000000000}\n{"role":"user","content":"b"}\n'), { previous });
    expect(since.messages.map((message) => message.timestamp)).toEqual([1_600_000_000_000, 1_700_000_000_000, 1_700_000_001_000]);
  });

  it('refuses a message the previous profile already cites, rather than counting it twice', () => {
    const previous: Profile = {
      ...emptyProfile('ana'),
      updatedAt: 10_000,
      facts: [{ key: 'occupation', value: 'I work as a nurse', confidence: 0.6, firstSeen: 1000, lastUpdated: 1000, evidence: [{ messageId: 'a' }] }],
    };
    const again = file('again.jsonl', '{"id":"a","role":"user","content":"I work as a nurse."}\n{"id":"b","role":"user","content":"I love sushi."}\n');
    expect(() => readConversationFile(again, { previous })).toThrow(/again\.jsonl:1: message id "a" is already cited by the previous profile: it was extracted before/);
    expect(readConversationFile(file('since.jsonl', '{"id":"b","role":"user","content":"I love sushi."}\n'), { previous }).messages.map((message) => message.id)).toEqual(['b']);
  });

  it('reads an OpenAI-style chat log: tool results, tool calls and developer messages skipped, text parts joined, other parts left out', () => {
    const log = [
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'developer', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'I work as a nurse.' }, { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }, { type: 'text', text: 'I love sushi.' }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"ok": true}' },
      { role: 'assistant', content: null, function_call: { name: 'lookup', arguments: '{}' } },
      { role: 'function', name: 'lookup', content: [{ type: 'text', text: 'sunny' }] },
      { role: 'assistant', content: 'Nice!', tool_calls: [{ id: 'call_2', type: 'function', function: { name: 'note', arguments: '{}' } }], refusal: null },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/dog.png' } }] },
      { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
      { role: 'user', content: [{ type: 'input_text', text: 'I have two dogs.' }, { type: 'input_audio', input_audio: { data: '', format: 'wav' } }] },
    ];
    const read = readConversationFile(file('openai.json', JSON.stringify(log)));
    expect(read.messages).toEqual([
      { id: 'm1', role: 'system', content: 'You are a helpful assistant.', timestamp: 0 },
      { id: 'm2', role: 'user', content: 'I work as a nurse.\nI love sushi.', timestamp: 1000 },
      { id: 'm3', role: 'assistant', content: 'Nice!', timestamp: 2000 },
      { id: 'm4', role: 'user', content: 'I have two dogs.', timestamp: 3000 },
    ]);
    expect(read.skipped).toEqual({ toolMessages: 2, toolCallMessages: 2, developerMessages: 1, systemMessages: 0, hiddenMessages: 0, emptyMessages: 2, nonTextParts: 3 });
    expect(read.secondsTimestamps).toBe(0);
    // The same as JSON Lines, and in a .txt file read by its content.
    const lines = log.map((message) => JSON.stringify(message)).join('\n');
    for (const name of ['openai.jsonl', 'openai-log.txt']) {
      const again = readConversationFile(file(name, lines));
      expect(again.messages).toEqual(read.messages);
      expect(again.skipped).toEqual(read.skipped);
    }
    // Other formats skip nothing.
    expect(readConversationFile(file('plain-chat.txt', 'system: be brief\ni love jazz\n')).skipped).toEqual({ toolMessages: 0, toolCallMessages: 0, developerMessages: 0, systemMessages: 0, hiddenMessages: 0, emptyMessages: 0, nonTextParts: 0 });
  });

  it('refuses content of an unknown shape, naming the file and line or JSON path, and a file whose every message is skipped', () => {
    expect(() => readConversationFile(file('number.jsonl', '{"role":"assistant","content":"hi"}\n{"role":"user","content":42}\n'))).toThrow(/number\.jsonl:2: content: must be a string, null, or a list of content parts/);
    expect(() => readConversationFile(file('object.json', JSON.stringify([{ role: 'user', content: { text: 'hi' } }])))).toThrow(/object\.json: \[0\]\.content: must be a string, null, or a list of content parts/);
    expect(() => readConversationFile(file('untyped.json', JSON.stringify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'a' }, { text: 'b' }] }] })))).toThrow(/untyped\.json: messages\[0\]\.content\[1\]: a content part needs a "type"/);
    expect(() => readConversationFile(file('part.jsonl', '{"role":"user","content":[{"type":"text","text":7}]}\n'))).toThrow(/part\.jsonl:1: content\[0\]\.text: must be a string/);
    expect(() => readConversationFile(file('strings.jsonl', '{"role":"user","content":["hi"]}\n'))).toThrow(/strings\.jsonl:1: content\[0\]: a content part needs a "type"/);
    // Still required when nothing says there is no text, and still limited in length once the parts are joined.
    expect(() => readConversationFile(file('missing.jsonl', '{"role":"assistant"}\n'))).toThrow(/missing\.jsonl:1: content: required \(the message text\)/);
    const half = 'a'.repeat(100_000);
    expect(() => readConversationFile(file('long-parts.jsonl', `${JSON.stringify({ role: 'user', content: [{ type: 'text', text: half }, { type: 'text', text: half }] })}\n`))).toThrow(/long-parts\.jsonl:1: content: longer than 200000 characters/);
    expect(() => readConversationFile(file('only-tools.jsonl', '{"role":"assistant","content":null,"tool_calls":[{"id":"c"}]}\n{"role":"tool","content":"x"}\n'))).toThrow(
      /only-tools\.jsonl: no messages: the file holds no conversation \(all 2 of its messages were skipped: tool results, tool calls, developer, system or hidden messages, or no text\)/,
    );
  });

  describe('a ChatGPT data export (conversations.json)', () => {
    type Node = { id: string; parent?: string; role?: 'user' | 'assistant' | 'system' | 'tool'; parts?: unknown[]; time?: number | null; hidden?: boolean; recipient?: string; contentType?: string };
    /** One conversation as ChatGPT exports it: nodes by id, each naming its parent and children. */
    const conversation = (title: string, createTime: number, currentNode: string, nodes: Node[]) => ({
      title,
      create_time: createTime,
      update_time: createTime + 100,
      mapping: Object.fromEntries(
        nodes.map((node) => [
          node.id,
          {
            id: node.id,
            message:
              node.role === undefined
                ? null
                : {
                    id: node.id,
                    author: { role: node.role, name: null, metadata: {} },
                    create_time: node.time ?? null,
                    update_time: null,
                    content: { content_type: node.contentType ?? 'text', parts: node.parts ?? [] },
                    status: 'finished_successfully',
                    end_turn: node.role === 'assistant' ? true : null,
                    weight: 1,
                    metadata: node.hidden ? { is_visually_hidden_from_conversation: true } : {},
                    recipient: node.recipient ?? 'all',
                  },
            parent: node.parent ?? null,
            children: nodes.filter((child) => child.parent === node.id).map((child) => child.id),
          },
        ]),
      ),
      moderation_results: [],
      current_node: currentNode,
      conversation_id: `conv-${title.length}`,
      is_archived: false,
    });
    const lisbon = conversation('Lisbon trip', 1_714_557_600.5, 'a2', [
      { id: 'root' },
      { id: 'sys', parent: 'root', role: 'system', parts: [''], hidden: true },
      { id: 'u1', parent: 'sys', role: 'user', parts: ["I'm planning a trip to Lisbon. I love seafood."], time: 1_714_557_610.25 },
      // Regenerated: the first answer was abandoned.
      { id: 'a1-old', parent: 'u1', role: 'assistant', parts: ['Lisbon is rainy in May.'], time: 1_714_557_611 },
      { id: 'a1', parent: 'u1', role: 'assistant', parts: ['Great choice! Try the grilled sardines.'], time: 1_714_557_612 },
      // Edited: the user's first wording was abandoned.
      { id: 'u2-old', parent: 'a1', role: 'user', parts: ['I hate fish.'], time: 1_714_557_629 },
      { id: 'u2', parent: 'a1', role: 'user', parts: ['I work as a nurse, so I can only travel in May.'], time: 1_714_557_630 },
      { id: 'bio', parent: 'u2', role: 'assistant', parts: ['User works as a nurse.'], time: 1_714_557_631, recipient: 'bio' },
      { id: 'bio-result', parent: 'bio', role: 'tool', parts: ['Model set context updated.'], time: 1_714_557_632 },
      { id: 'a2', parent: 'bio-result', role: 'assistant', parts: ['May is a good month for Lisbon.'], time: 1_714_557_633 },
    ]);
    const garden = conversation('Garden photo', 1_714_557_615, 'g2', [
      { id: 'groot' },
      {
        id: 'g1',
        parent: 'groot',
        role: 'user',
        contentType: 'multimodal_text',
        parts: [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://file-abc123', size_bytes: 52_000, width: 800, height: 600 }, 'This is my dog Rex in my garden.'],
        time: 1_714_557_620,
      },
      { id: 'g2', parent: 'g1', role: 'assistant', parts: ['What a lovely dog!'], time: null },
    ]);
    const exported = JSON.stringify([lisbon, garden], null, 2);
    /** A node of the fixture, to break. */
    const nodeOf = (value: typeof garden, id: string) => {
      const node = value.mapping[id];
      if (!node?.message) throw new Error(`no message node ${id}`);
      return { ...node, message: node.message };
    };

    it("reads each conversation's kept branch, in time order across conversations, with the export's ids and times", () => {
      const read = readConversationFile(file('conversations.json', exported));
      expect(read.messages).toEqual([
        { id: 'u1', role: 'user', content: "I'm planning a trip to Lisbon. I love seafood.", timestamp: 1_714_557_610_250, sessionId: 'conv-11' },
        { id: 'a1', role: 'assistant', content: 'Great choice! Try the grilled sardines.', timestamp: 1_714_557_612_000, sessionId: 'conv-11' },
        { id: 'g1', role: 'user', content: 'This is my dog Rex in my garden.', timestamp: 1_714_557_620_000, sessionId: 'conv-12' },
        // No create_time: one second after the message before it.
        { id: 'g2', role: 'assistant', content: 'What a lovely dog!', timestamp: 1_714_557_621_000, sessionId: 'conv-12' },
        { id: 'u2', role: 'user', content: 'I work as a nurse, so I can only travel in May.', timestamp: 1_714_557_630_000, sessionId: 'conv-11' },
        { id: 'a2', role: 'assistant', content: 'May is a good month for Lisbon.', timestamp: 1_714_557_633_000, sessionId: 'conv-11' },
      ]);
      expect(read.skipped).toEqual({ toolMessages: 1, toolCallMessages: 1, developerMessages: 0, systemMessages: 0, hiddenMessages: 1, emptyMessages: 0, nonTextParts: 1 });
      // create_time is seconds by the format, not a guess to report.
      expect(read.secondsTimestamps).toBe(0);
      expect(read.userId).toBeUndefined();
      // By its content, whatever the name.
      for (const name of ['conversations.txt', 'conversations.jsonl', 'conversations']) {
        expect(readConversationFile(file(name, exported)).messages).toEqual(read.messages);
      }
    });

    it('skips unhidden system messages and empty ones, reads a voice transcription, and refuses a re-run with --previous', () => {
      const voice = conversation('Voice', 1_714_600_000, 'v3', [
        { id: 'vroot' },
        { id: 'v0', parent: 'vroot', role: 'system', parts: ['You are ChatGPT.'] },
        { id: 'v1', parent: 'v0', role: 'user', contentType: 'multimodal_text', parts: [{ content_type: 'audio_transcription', text: 'I have two cats.', direction: 'in' }, { content_type: 'audio_asset_pointer', asset_pointer: 'sediment://file_1' }], time: 1_714_600_001 },
        { id: 'v2', parent: 'v1', role: 'assistant', parts: [''], time: 1_714_600_002 },
        { id: 'v3', parent: 'v2', role: 'assistant', parts: ['Cats are great.'], time: 1_714_600_003 },
      ]);
      const read = readConversationFile(file('voice.json', JSON.stringify([voice])));
      expect(read.messages.map((message) => [message.id, message.role, message.content])).toEqual([['v1', 'user', 'I have two cats.'], ['v3', 'assistant', 'Cats are great.']]);
      expect(read.skipped).toMatchObject({ systemMessages: 1, emptyMessages: 1, nonTextParts: 1 });
      const previous: Profile = { ...emptyProfile('user'), updatedAt: 1_714_557_633_000, facts: [{ key: 'occupation', value: 'i work as a nurse', confidence: 0.6, firstSeen: 1, lastUpdated: 1, evidence: [{ messageId: 'u2' }] }] };
      expect(() => readConversationFile(file('again.json', exported), { previous })).toThrow(/again\.json: conversation \[0\] "Lisbon trip" mapping\["u2"\]\.message: message id "u2" is already cited by the previous profile/);
    });

    it("dates a message without create_time from its own conversation: the conversation's create_time, or one second after the message before it there", () => {
      const untimed = conversation('Untimed', 1_600_000_000, 't3', [
        { id: 't0' },
        { id: 't1', parent: 't0', role: 'user', parts: ['I hate horror movies.'] },
        { id: 't2', parent: 't1', role: 'assistant', parts: ['Noted.'] },
        { id: 't3', parent: 't2', role: 'user', parts: ['I love jazz.'], time: 1_600_000_010 },
      ]);
      // Later in the file's order than Lisbon's u1 (1_714_557_610.25) but not timed: it had taken 1970 (0), or the time of
      // the message before it in another conversation.
      const late = conversation('Late', 1_714_557_611.5, 'l1', [{ id: 'l0' }, { id: 'l1', parent: 'l0', role: 'user', parts: ['I have a cat.'] }]);
      const read = readConversationFile(file('untimed.json', JSON.stringify([lisbon, untimed, late])));
      expect(read.messages.map((message) => [message.id, message.timestamp])).toEqual([
        ['t1', 1_600_000_000_000],
        ['t2', 1_600_000_001_000],
        ['t3', 1_600_000_010_000],
        ['u1', 1_714_557_610_250],
        ['l1', 1_714_557_611_500],
        ['a1', 1_714_557_612_000],
        ['u2', 1_714_557_630_000],
        ['a2', 1_714_557_633_000],
      ]);
    });

    it('refuses a malformed export, naming the file and the conversation, and never loops', () => {
      const broken = (name: string, value: unknown) => () => readConversationFile(file(name, JSON.stringify(value)));
      expect(broken('missing-current.json', [lisbon, { ...garden, current_node: 'gone' }])).toThrow(/missing-current\.json: conversation \[1\] "Garden photo": current_node "gone" is not in mapping/);
      const cycle = { ...garden, mapping: { ...garden.mapping, groot: { ...garden.mapping.groot, parent: 'g2' } } };
      expect(broken('cycle.json', [cycle])).toThrow(/cycle\.json: conversation \[0\] "Garden photo": mapping\["groot"\]\.parent: a cycle in the parents \("g2" is its own ancestor\)/);
      const orphan = { ...garden, mapping: { ...garden.mapping, groot: { ...garden.mapping.groot, parent: 'lost' } } };
      expect(broken('orphan.json', [orphan])).toThrow(/orphan\.json: conversation \[0\] "Garden photo": mapping\["groot"\]\.parent "lost" is not in mapping/);
      expect(broken('single.json', lisbon)).toThrow(/single\.json: one ChatGPT conversation \("Lisbon trip"\), not an export: a ChatGPT export's conversations\.json is a JSON array of conversations/);
      expect(broken('mixed.json', [lisbon, { title: 'Notes' }])).toThrow(/mixed\.json: conversation \[1\] "Notes": not a ChatGPT conversation/);
      expect(broken('untitled.json', [{ ...garden, title: null, current_node: 7 }])).toThrow(/untitled\.json: conversation \[0\] \(untitled\): current_node: must be the id of the node the conversation ends at/);
      const robot = { ...garden, mapping: { ...garden.mapping, g1: { ...nodeOf(garden, 'g1'), message: { ...nodeOf(garden, 'g1').message, author: { role: 'robot' } } } } };
      expect(broken('robot.json', [robot])).toThrow(/robot\.json: conversation \[0\] "Garden photo": mapping\["g1"\]\.message\.author\.role: must be one of user, assistant, system, tool, got "robot"/);
      const noContent = { ...garden, mapping: { ...garden.mapping, g2: { ...garden.mapping.g2, message: { id: 'g2', author: { role: 'assistant' } } } } };
      expect(broken('no-content.json', [noContent])).toThrow(/no-content\.json: conversation \[0\] "Garden photo": mapping\["g2"\]\.message\.content: /);
      const badPart = { ...garden, mapping: { ...garden.mapping, g2: { ...nodeOf(garden, 'g2'), message: { ...nodeOf(garden, 'g2').message, content: { content_type: 'text', parts: [42] } } } } };
      expect(broken('bad-part.json', [badPart])).toThrow(/bad-part\.json: conversation \[0\] "Garden photo": mapping\["g2"\]\.message\.content\.parts\[0\]: must be a string or an object/);
      // Only the kept branch is read: an abandoned one that is malformed does not fail the file.
      const abandoned = { ...lisbon, mapping: { ...lisbon.mapping, 'a1-old': { ...lisbon.mapping['a1-old'], message: { id: 'a1-old', author: { role: 'robot' } } } } };
      expect(readConversationFile(file('abandoned.json', JSON.stringify([abandoned]))).messages).toHaveLength(4);
      const silent = conversation('Silent', 1_714_600_000, 's1', [{ id: 's0' }, { id: 's1', parent: 's0', role: 'system', parts: ['You are ChatGPT.'], hidden: true }]);
      expect(broken('silent.json', [silent])).toThrow(/silent\.json: no messages: the file holds no conversation \(its one message was skipped/);
    });
  });

  it('reads Unix seconds (a number below 1e11) and ISO 8601 date-times as times, and keeps milliseconds exactly', () => {
    const read = readConversationFile(
      file(
        'times.json',
        JSON.stringify([
          { role: 'user', content: 'a', timestamp: 1_714_557_600 },
          { role: 'user', content: 'b', timestamp: 1_714_557_600.25 },
          { role: 'user', content: 'c' },
          { role: 'user', content: 'd', timestamp: 1_714_557_600_123 },
          { role: 'user', content: 'e', timestamp: '2024-05-01T10:00:00Z' },
          { role: 'user', content: 'f', timestamp: '2024-05-01T12:00:00.5+02:00' },
          { role: 'user', content: 'g', timestamp: '2024-05-01 05:30:00.123456-0430' },
          { role: 'tool', content: 'x', timestamp: 5 },
        ]),
      ),
    );
    expect(read.messages.map((message) => message.timestamp)).toEqual([1_714_557_600_000, 1_714_557_600_250, 1_714_557_601_250, 1_714_557_600_123, 1_714_557_600_000, 1_714_557_600_500, 1_714_557_600_123]);
    expect(read.secondsTimestamps).toBe(2);
    // 1e11 and above is milliseconds, as before.
    expect(readConversationFile(file('ms.jsonl', '{"role":"user","content":"a","timestamp":100000000000}\n')).messages[0]?.timestamp).toBe(100_000_000_000);
    expect(readConversationFile(file('zero.jsonl', '{"role":"user","content":"a","timestamp":0}\n')).messages[0]?.timestamp).toBe(0);
    const bad: [string, RegExp][] = [
      ['"2024-05-01T10:00:00"', /local\.jsonl:2: timestamp: "2024-05-01T10:00:00" has no time zone: add Z \(UTC\) or an offset such as \+02:00/],
      ['"2024-05-01"', /local\.jsonl:2: timestamp: "2024-05-01" has no time zone/],
      ['"2023-02-29T10:00:00Z"', /local\.jsonl:2: timestamp: "2023-02-29T10:00:00Z" is not a valid date and time/],
      ['"1969-12-31T23:59:59Z"', /local\.jsonl:2: timestamp: "1969-12-31T23:59:59Z" is before 1970/],
      ['"yesterday"', /local\.jsonl:2: timestamp: must be Unix milliseconds, Unix seconds \(a number below 1e11\), or an ISO 8601 date-time with Z or an offset, got "yesterday"/],
      ['-5', /local\.jsonl:2: timestamp: must be Unix milliseconds/],
      ['1714557600123.5', /local\.jsonl:2: timestamp: milliseconds must be a whole number, got 1714557600123\.5/],
      ['true', /local\.jsonl:2: timestamp: must be Unix milliseconds/],
    ];
    for (const [timestamp, error] of bad) {
      expect(() => readConversationFile(file('local.jsonl', `{"role":"user","content":"a"}\n{"role":"user","content":"b","timestamp":${timestamp}}\n`))).toThrow(error);
    }
    expect(() => readConversationFile(file('iso.json', JSON.stringify({ messages: [{ role: 'user', content: 'a', timestamp: '2024-13-01T00:00:00Z' }] })))).toThrow(/iso\.json: messages\[0\]\.timestamp: "2024-13-01T00:00:00Z" is not a valid date and time/);
  });

  it('says a file too large for one string is too large, not that it is not UTF-8', () => {
    // Sparse: 512 MiB of NUL bytes (valid UTF-8) that take no disk space; past V8's longest string.
    const path = join(directory, 'huge.txt');
    const descriptor = openSync(path, 'w');
    ftruncateSync(descriptor, 2 ** 29);
    closeSync(descriptor);
    try {
      expect(() => readConversationFile(path)).toThrow(expect.objectContaining({ code: 'invalid_data', message: `${path}: too large to read at once (536,870,912 bytes): split it into smaller files and update the profile with --previous` }));
    } finally {
      rmSync(path);
    }
  });

  it('reports a missing file as not found', () => {
    expect(() => readConversationFile(join(directory, 'nope.txt'))).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(() => readProfileFile(join(directory, 'nope.json'))).toThrow(expect.objectContaining({ code: 'not_found' }));
    // A folder named where a file belongs is said so, not as a raw EISDIR.
    expect(() => readConversationFile(directory)).toThrow(expect.objectContaining({ code: 'not_found', message: `cannot read ${directory}: it is a folder, not a file` }));
    expect(() => readProfileFile(directory)).toThrow(expect.objectContaining({ message: `cannot read ${directory}: it is a folder, not a file` }));
  });
});
