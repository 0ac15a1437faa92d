import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sessionSchema } from '@personalab/core';
import { findDataset, howToGet } from '../data-dir.js';
import { caughtDataError, fixturePath, temporaryDirectory } from '../test/index.js';
import { personaChatToSession, syntheticPersonaChatToSession } from './conversation-sessions.js';
import { countTurnPairs, loadPersonaChat } from './persona-chat.js';
import { loadSyntheticPersonaChat } from './synthetic-persona-chat.js';

const personaChat = findDataset('persona-chat');
const synthetic = findDataset('synthetic-persona-chat');
if (!personaChat) console.warn(`Persona-Chat not found: real-data tests skipped; ${howToGet('persona-chat')}`);
if (!synthetic) console.warn(`Synthetic-Persona-Chat not found: real-data tests skipped; ${howToGet('synthetic-persona-chat')}`);


describe('Persona-Chat (ParlAI format)', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());

  it('reads personas of both sides and turns in order from the fixture', async () => {
    const { dialogues, skipped } = await loadPersonaChat(fixturePath('persona-chat-both.txt'));
    expect(skipped).toEqual([]);
    expect(dialogues).toHaveLength(2);
    expect(dialogues[0]).toMatchObject({
      id: 'pc-0',
      yourPersona: ['i read twenty books a year.', 'i only eat kosher.'],
      partnerPersona: ['horror movies are my favorites.'],
      line: 1,
    });
    expect(dialogues[0]?.turns.map((turn) => `${turn.speaker}: ${turn.text}`)).toEqual([
      'partner: hello what are doing today ?',
      'self: i am good , i just got off work .',
      'partner: i just got done watching a horror movie',
      'self: i rather read .',
    ]);
    expect(dialogues[1]?.line).toBe(6);
    expect(countTurnPairs(dialogues)).toBe(3);
  });

  it('converts to a core Session with stable message ids', async () => {
    const { dialogues } = await loadPersonaChat(fixturePath('persona-chat-both.txt'));
    const session = personaChatToSession(dialogues[0]!, { startTime: 1000 });
    expect(sessionSchema.parse(session)).toEqual(session);
    expect(session.messages.map((message) => [message.id, message.role])).toEqual([
      ['pc-0-t0', 'user'],
      ['pc-0-t1', 'assistant'],
      ['pc-0-t2', 'user'],
      ['pc-0-t3', 'assistant'],
    ]);
    expect(session.messages[3]?.timestamp).toBe(1000 + 3 * 60_000);
    expect(personaChatToSession(dialogues[0]!, { user: 'self' }).messages[1]?.role).toBe('user');
  });

  it('rejects a dialogue line without a tab, naming file and line', async () => {
    const file = folder.write('bad.txt', '1 your persona: i ski.\n2 hello there\n');
    const error = await caughtDataError(loadPersonaChat(file));
    expect(error.message).toContain(`${file}:2`);
    expect(error.message).toMatch(/partner utterance/);
  });

  it('rejects an out-of-sequence index and a line without an index; skip mode reports them', async () => {
    const file = folder.write('sequence.txt', '1 your persona: i ski.\n2 hi\thello\n4 a\tb\nno index here\n3 c\td\n');
    const error = await caughtDataError(loadPersonaChat(file));
    expect(error.message).toContain(`${file}:3`);
    const result = await loadPersonaChat(file, { onInvalid: 'skip' });
    expect(result.skipped.map((row) => row.line)).toEqual([3, 4]);
    expect(result.dialogues[0]?.turns).toHaveLength(4);
  });

  it('refuses a file saved as latin-1 instead of reading "fianc\uFFFD", naming the line', async () => {
    const file = folder.write('latin1.txt', Buffer.from("1 your persona: i like horses.\n2 hi there\thello , my fianc\u00e9 loves horses .\n", 'latin1'));
    const error = await caughtDataError(loadPersonaChat(file, { onInvalid: 'skip' }));
    expect(error.message).toMatch(new RegExp(`^${file}:2: not valid UTF-8`));
  });

  it('reads a file with a UTF-8 byte order mark and CRLF line ends', async () => {
    const file = folder.write('bom.txt', '\uFEFF1 your persona: i ski.\r\n2 hi\thello\r\n');
    const { dialogues } = await loadPersonaChat(file);
    expect(dialogues).toHaveLength(1);
    expect(dialogues[0]).toMatchObject({ yourPersona: ['i ski.'], turns: [{ speaker: 'partner', text: 'hi' }, { speaker: 'self', text: 'hello' }] });
  });

  it('rejects a dialogue cut off before its first utterance and an empty file; skip keeps ids as file positions', async () => {
    const file = folder.write('truncated.txt', '1 your persona: i ski.\n2 hi\thello\n1 your persona: i run.\n1 your persona: i swim.\n2 yo\they\n1 your persona: i cut off.\n');
    const error = await caughtDataError(loadPersonaChat(file));
    expect(error.message).toBe(`${file}:3: dialogue pc-1 (line 3) has persona sentences but no utterances`);
    const result = await loadPersonaChat(file, { onInvalid: 'skip' });
    expect(result.dialogues.map((dialogue) => [dialogue.id, dialogue.yourPersona[0]])).toEqual([
      ['pc-0', 'i ski.'],
      ['pc-2', 'i swim.'],
    ]);
    expect(result.skipped.map((row) => row.line)).toEqual([3, 6]);
    const empty = folder.write('empty.txt', '');
    expect((await caughtDataError(loadPersonaChat(empty))).message).toBe(`${empty}: empty file: no dialogues`);
  });

  describe.skipIf(!personaChat)('real valid files', () => {
    it.each(['valid_both_original_no_cands.txt', 'valid_self_original_no_cands.txt'])('%s: 1,000 dialogues and 7,801 turn pairs', async (name) => {
      const { dialogues, skipped } = await loadPersonaChat(join(personaChat as string, name));
      expect(skipped).toEqual([]);
      expect(dialogues).toHaveLength(1000);
      expect(countTurnPairs(dialogues)).toBe(7801);
      expect(dialogues.reduce((sum, dialogue) => sum + dialogue.yourPersona.length, 0)).toBe(4483);
      const partner = dialogues.reduce((sum, dialogue) => sum + dialogue.partnerPersona.length, 0);
      expect(partner).toBe(name.includes('both') ? 4495 : 0);
    });
  });
});

describe('Synthetic-Persona-Chat (CSV)', () => {
  const folder = temporaryDirectory();
  afterAll(() => folder.remove());

  it('reads quoted multi-line fields, speakers, continuation lines and the preamble', async () => {
    const { conversations, skipped } = await loadSyntheticPersonaChat(fixturePath('synthetic-persona-chat.csv'));
    expect(skipped).toEqual([]);
    expect(conversations).toHaveLength(2);
    expect(conversations[0]).toMatchObject({ id: 'spc-0', user1Persona: ['I love to bake cookies.', 'I have a dog.'], user2Persona: ['I am a boy.', 'I like to ski.'], line: 2, preamble: [] });
    expect(conversations[0]?.turns).toEqual([
      { speaker: 'user1', text: 'Hi!' },
      { speaker: 'user2', text: 'Hello!\nHere is a list:\n1 cup of sugar' },
      { speaker: 'user1', text: 'Thanks!' },
    ]);
    expect(conversations[1]).toMatchObject({ line: 9, preamble: ['* * *'] });
    expect(conversations[1]?.turns[1]).toEqual({ speaker: 'user1', text: 'Hi, "friend".' });
    const session = syntheticPersonaChatToSession(conversations[0]!);
    expect(sessionSchema.parse(session)).toEqual(session);
    expect(session.messages.map((message) => message.id)).toEqual(['spc-0-t0', 'spc-0-t1', 'spc-0-t2']);
    expect(session.userId).toBe('spc-0-user1');
  });

  it('rejects a wrong column count with the line where the record starts', async () => {
    const file = folder.write('columns.csv', 'user 1 personas,user 2 personas,Best Generated Conversation\n"a","b","User 1: hi"\n"a\nb","User 1: hi"\n');
    const error = await caughtDataError(loadSyntheticPersonaChat(file));
    expect(error.message).toContain(`${file}:3`);
    expect(error.message).toMatch(/expected 3 columns.*found 2/);
    const skipped = await loadSyntheticPersonaChat(file, { onInvalid: 'skip' });
    expect(skipped.conversations).toHaveLength(1);
    expect(skipped.skipped).toEqual([{ file, line: 3, reason: expect.stringMatching(/found 2/) as unknown as string }]);
  });

  it('rejects an unclosed quote and a wrong header, naming file and line', async () => {
    const unclosed = folder.write('unclosed.csv', 'user 1 personas,user 2 personas,Best Generated Conversation\n"a","b","User 1: hi\n');
    expect((await caughtDataError(loadSyntheticPersonaChat(unclosed))).message).toMatch(new RegExp(`${unclosed}:\\d+: CSV syntax error`));
    const header = folder.write('header.csv', 'a,b,c\n"x","y","User 1: hi"\n');
    expect((await caughtDataError(loadSyntheticPersonaChat(header))).message).toContain(`${header}:1: expected the header`);
  });

  it('names the right line in a CRLF file whose quoted fields hold CRLF line breaks', async () => {
    const header = 'user 1 personas,user 2 personas,Best Generated Conversation';
    // Lines: 1 header, 2-4 the first record, 5 the second, 6-7 the broken third.
    const file = folder.write('crlf.csv', `\uFEFF${header}\r\n"I ski.\r\nI bake.","I run.","User 1: hi\r\nUser 2: yo"\r\n"a","b","User 1: z"\r\n"a","b\r\n","User 1:"x"\r\n`);
    const error = await caughtDataError(loadSyntheticPersonaChat(file));
    expect(error.message).toMatch(new RegExp(`^${file}:6: CSV syntax error`));
    const good = folder.write('crlf-good.csv', `${header}\r\n"I ski.\r\nI bake.","I run.","User 1: hi\r\nUser 2: yo"\r\n"a","b","User 1: z"\r\n"a","b",""\r\n`);
    const { conversations } = await loadSyntheticPersonaChat(good);
    expect(conversations.map((conversation) => conversation.line)).toEqual([2, 5, 6]);
    expect(conversations[0]).toMatchObject({ user1Persona: ['I ski.', 'I bake.'], turns: [{ speaker: 'user1', text: 'hi' }, { speaker: 'user2', text: 'yo' }] });
  });

  it('rejects a second header (files joined with their headers) and a repeated row; skip keeps ids as row positions', async () => {
    const header = 'user 1 personas,user 2 personas,Best Generated Conversation';
    const row = (index: number) => `"I like tea ${index}.","I like coffee.","User 1: Hi ${index}!\nUser 2: Hello."`;
    const joined = folder.write('joined.csv', `${header}\n${row(0)}\n${row(1)}\n${header}\n${row(2)}\n${row(0)}\n${row(3)}\n`);
    expect((await caughtDataError(loadSyntheticPersonaChat(joined))).message).toBe(`${joined}:6: the header again, first on line 1 (files concatenated with their headers?)`);
    const { conversations, skipped } = await loadSyntheticPersonaChat(joined, { onInvalid: 'skip' });
    expect(skipped).toEqual([
      { file: joined, line: 6, reason: 'the header again, first on line 1 (files concatenated with their headers?)' },
      { file: joined, line: 9, reason: 'the same conversation and personas as line 2' },
    ]);
    // ids are row positions (header excluded), as the README says: the skipped rows keep theirs unused.
    expect(conversations.map((conversation) => [conversation.id, conversation.line, conversation.turns[0]?.text])).toEqual([
      ['spc-0', 2, 'Hi 0!'],
      ['spc-1', 4, 'Hi 1!'],
      ['spc-3', 7, 'Hi 2!'],
      ['spc-5', 11, 'Hi 3!'],
    ]);
  });

  it('refuses a CSV saved as Windows-1252 instead of reading "d\uFFFDner", naming the line of the bad byte', async () => {
    const header = 'user 1 personas,user 2 personas,Best Generated Conversation';
    const text = `${header}\r\n"I like tea.","I like coffee.","User 1: Hi!\nUser 2: I love d\u00f6ner kebab."\r\n`;
    const file = folder.write('cp1252.csv', Buffer.from(text, 'latin1'));
    expect((await caughtDataError(loadSyntheticPersonaChat(file))).message).toMatch(new RegExp(`^${file}:3: not valid UTF-8 .*Windows-1252.*Save it as UTF-8`));
    // The same text saved as UTF-8 reads.
    const utf8 = folder.write('utf8.csv', text);
    expect((await loadSyntheticPersonaChat(utf8)).conversations[0]?.turns[1]?.text).toBe('I love döner kebab.');
  });

  it('names a semicolon-separated CSV (as spreadsheets save in many locales) as such', async () => {
    const file = folder.write('semicolon.csv', 'user 1 personas;user 2 personas;Best Generated Conversation\n"I like tea.";"I like coffee.";"User 1: Hi!"\n');
    expect((await caughtDataError(loadSyntheticPersonaChat(file))).message).toMatch(/the first line has no commas but has semicolons: the file must be comma-separated/);
  });

  it('skips empty lines (a trailing newline or two, a gap between rows) and keeps counting their lines', async () => {
    const header = 'user 1 personas,user 2 personas,Best Generated Conversation';
    const row = (index: number) => `"I like tea ${index}.","I like coffee.","User 1: Hi ${index}!\nUser 2: Hello."`;
    // An empty line had been a record of one empty field: "expected 3 columns ..., found 1" on a file an editor saved.
    const file = folder.write('blank-lines.csv', `${header}\r\n${row(0)}\r\n\r\n${row(1)}\r\n\r\n\r\n`);
    const { conversations, skipped } = await loadSyntheticPersonaChat(file);
    expect(skipped).toEqual([]);
    expect(conversations.map((conversation) => [conversation.id, conversation.line])).toEqual([
      ['spc-0', 2],
      ['spc-1', 5],
    ]);
    // A real wrong row after a gap is still named at its own line.
    const broken = folder.write('blank-then-broken.csv', `${header}\n${row(0)}\n\n"a","b"\n`);
    expect((await caughtDataError(loadSyntheticPersonaChat(broken))).message).toBe(`${broken}:5: expected 3 columns (user 1 personas, user 2 personas, conversation), found 2`);
    // Only empty lines after the header: still no conversations.
    const headerOnly = folder.write('header-blank.csv', `${header}\n\n\n`);
    expect((await caughtDataError(loadSyntheticPersonaChat(headerOnly))).message).toBe(`${headerOnly}: no conversations after the header`);
  });

  it('refuses an onInvalid policy it does not know instead of skipping', async () => {
    // 'Skip' (or any typo) had meant skip: bad rows were dropped by a caller who asked to stop at them.
    await expect(loadSyntheticPersonaChat(fixturePath('synthetic-persona-chat.csv'), { onInvalid: 'Skip' as 'skip' })).rejects.toThrow('onInvalid must be "throw" or "skip", got "Skip"');
  });

  it('rejects an empty file and a file with only the header', async () => {
    const empty = folder.write('empty.csv', '');
    expect((await caughtDataError(loadSyntheticPersonaChat(empty))).message).toBe(`${empty}: empty file: no header`);
    const headerOnly = folder.write('header-only.csv', 'user 1 personas,user 2 personas,Best Generated Conversation\n');
    expect((await caughtDataError(loadSyntheticPersonaChat(headerOnly))).message).toBe(`${headerOnly}: no conversations after the header`);
  });

  it.skipIf(!synthetic)('real valid split: 1,000 conversations, every one with turns', async () => {
    const { conversations, skipped } = await loadSyntheticPersonaChat(join(synthetic as string, 'Synthetic-Persona-Chat_valid.csv'));
    expect(skipped).toEqual([]);
    expect(conversations).toHaveLength(1000);
    expect(conversations.every((conversation) => conversation.turns.length > 0)).toBe(true);
    expect(conversations[0]?.turns[0]).toEqual({ speaker: 'user1', text: 'Hi!' });
    // Records start where the file says (CRLF records, LF inside quoted fields).
    expect([conversations[1]?.line, conversations[999]?.line]).toEqual([33, 35685]);
    const turns = conversations.reduce((sum, conversation) => sum + conversation.turns.length, 0);
    expect(turns).toBeGreaterThan(27_000); // 14,067 + 13,637 prefixed lines, plus a few markdown-wrapped tags
  });
});
