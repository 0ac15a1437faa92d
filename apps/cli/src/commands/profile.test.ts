import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { PersonalabError, profileSchema } from '@personalab/core';
import { startTestServer } from '@personalab/llm/test';
import { registerProfileCommand } from './profile.js';

const directory = mkdtempSync(join(tmpdir(), 'cli-profile-'));
const file = (name: string, text: string) => {
  const path = join(directory, name);
  writeFileSync(path, text);
  return path;
};

/** Runs `personalab profile ...` in process and returns what it printed on stdout. */
async function run(...args: string[]): Promise<string> {
  const program = new Command('personalab').exitOverride();
  registerProfileCommand(program);
  const written: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  await program.parseAsync(['node', 'personalab', 'profile', ...args]);
  return written.join('');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('personalab profile extract', () => {
  it('prints a schema-valid profile and updates a previous one', async () => {
    const input = file('chat.json', JSON.stringify([{ role: 'assistant', content: 'Hi!' }, { role: 'user', content: 'I work as a nurse. I love sushi.' }]));
    const first = profileSchema.parse(JSON.parse(await run('extract', '--input', input, '--user-id', 'ana', '--extractor', 'heuristic')));
    expect(first).toMatchObject({ userId: 'ana', version: 1, facts: [{ value: 'i work as a nurse', evidence: [{ messageId: 'm2' }] }] });
    const previous = file('previous.json', JSON.stringify(first));
    const later = file('later.txt', 'I used to love sushi, but now I hate it because I got sick.\n');
    const second = profileSchema.parse(JSON.parse(await run('extract', '--input', later, '--previous', previous, '--compact')));
    expect(second.version).toBe(2);
    expect(second.preferences[0]).toMatchObject({ subject: 'sushi', polarity: 'dislike', reason: 'i got sick', history: [{ polarity: 'like', from: 1000, to: 2000 }] });
  });

  it('fails with a typed error on malformed input or an unknown extractor', async () => {
    const bad = file('bad.json', JSON.stringify([{ role: 'user' }]));
    await expect(run('extract', '--input', bad)).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_data') && /bad\.json: \[0\]\.content/.test(error.message));
    await expect(run('extract', '--input', bad, '--extractor', 'magic')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument'));
  });

  it('extracts one user of a file with several, and refuses to guess which', async () => {
    const input = file(
      'two.jsonl',
      [
        { role: 'user', userId: 'alice', content: 'I work as a nurse.' },
        { role: 'user', userId: 'bob', content: 'I live in Tokyo and I hate cats.' },
      ]
        .map((message) => JSON.stringify(message))
        .join('\n'),
    );
    await expect(run('extract', '--input', input, '--extractor', 'heuristic')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /2 users \(alice, bob\): choose one with --user-id/.test(error.message));
    const alice = profileSchema.parse(JSON.parse(await run('extract', '--input', input, '--user-id', 'alice', '--extractor', 'heuristic')));
    expect(alice.userId).toBe('alice');
    expect(JSON.stringify(alice)).not.toMatch(/tokyo|cats/i);
  });

  it('numbers new messages after the previous profile\'s and checks --user-id against it', async () => {
    const first = profileSchema.parse(JSON.parse(await run('extract', '--input', file('a.txt', 'I work as a nurse.\nI love sushi.\n'), '--user-id', 'ana', '--extractor', 'heuristic')));
    const previous = file('ana.json', JSON.stringify(first));
    const second = profileSchema.parse(JSON.parse(await run('extract', '--input', file('b.txt', 'I have a dog named Rex.\n'), '--previous', previous, '--extractor', 'heuristic')));
    const ids = (profile: unknown) => [...JSON.stringify(profile).matchAll(/"messageId":"([^"]+)"/g)].map((match) => match[1]);
    expect(ids(first)).toEqual(expect.arrayContaining(['m1', 'm2']));
    expect(ids(second)).toContain('m3');
    await expect(run('extract', '--input', file('c.txt', 'hi\n'), '--previous', previous, '--user-id', 'bob')).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_argument') && /--user-id bob disagrees with the previous profile's user ana/.test(error.message),
    );
    await expect(run('extract', '--input', file('d.txt', 'hi\n'), '--previous', join(directory, 'missing.json'))).rejects.toSatisfy((error) => PersonalabError.is(error, 'not_found'));
  });

  it('writes the profile with --output, replacing the --previous file only once the update succeeded', async () => {
    const folder = mkdtempSync(join(directory, 'output-'));
    const path = join(folder, 'ana.json');
    // Nothing on stdout: the profile goes to the file.
    expect(await run('extract', '--input', file('o1.txt', 'I work as a nurse.\nI love sushi.\n'), '--user-id', 'ana', '--extractor', 'heuristic', '--output', path)).toBe('');
    const first = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(first).toMatchObject({ userId: 'ana', version: 1 });
    // In place: the shell's `--previous ana.json > ana.json` had emptied the file before it was read.
    await run('extract', '--input', file('o2.txt', 'I used to love sushi, but now I hate it.\n'), '--previous', path, '--output', path, '--extractor', 'heuristic');
    const second = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    expect(second).toMatchObject({ userId: 'ana', version: 2, preferences: [{ subject: 'sushi', polarity: 'dislike' }] });
    // A failed update leaves the profile as it was, and no temporary file beside it.
    const before = readFileSync(path, 'utf8');
    await expect(run('extract', '--input', file('o3.jsonl', '{"role":"robot","content":"x"}\n'), '--previous', path, '--output', path, '--extractor', 'heuristic')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_data'));
    expect(readFileSync(path, 'utf8')).toBe(before);
    expect(readdirSync(folder)).toEqual(['ana.json']);
  });

  it('leaves empty turns out of the profile, and refuses (the --output profile kept) an update older than the profile', async () => {
    const folder = mkdtempSync(join(directory, 'blank-'));
    const path = join(folder, 'zoe.json');
    const input = file('blank.jsonl', ['{"role":"user","content":"I love jazz 🎷.","timestamp":1700000000000}', '{"role":"assistant","content":""}', '{"role":"user","content":"  "}', '{"role":"user","content":"I work as a nurse."}'].join('\n'));
    await run('extract', '--input', input, '--user-id', 'zoe', '--extractor', 'heuristic', '--output', path);
    const profile = profileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
    // The blank user turn had counted in the style (3 messages, a mean length of 2 words) and been cited as its evidence.
    expect(profile.style).toMatchObject({ messageCount: 2, meanLength: 4 });
    expect(profile.style.evidence.map((evidence) => evidence.messageId)).toEqual(['m1', 'm2']);
    const before = readFileSync(path, 'utf8');
    const older = file('older.jsonl', '{"role":"user","content":"I used to love jazz, but now I hate it.","timestamp":1600000000000}\n');
    await expect(run('extract', '--input', older, '--previous', path, '--output', path, '--extractor', 'heuristic')).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_data') && /older\.jsonl:1: timestamp 2020-09-13T12:26:40\.000Z is before the previous profile's updatedAt 2023-11-14T22:13:21\.000Z/.test(error.message),
    );
    expect(readFileSync(path, 'utf8')).toBe(before);
  });

  it('refuses an --output it cannot or should not write, before any work', async () => {
    const input = file('o4.txt', 'I love jazz.\n');
    const folder = join(directory, 'a-folder');
    mkdirSync(folder, { recursive: true });
    await expect(run('extract', '--input', input, '--extractor', 'heuristic', '--output', folder)).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /--output .*a-folder is a folder/.test(error.message));
    await expect(run('extract', '--input', input, '--extractor', 'heuristic', '--output', join(input, 'p.json'))).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /o4\.txt is a file, not a folder/.test(error.message));
    await expect(run('extract', '--input', input, '--extractor', 'heuristic', '--output', input)).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /is the --input file/.test(error.message));
    expect(readFileSync(input, 'utf8')).toBe('I love jazz.\n');
  });

  it('refuses a --user-id that no profile could carry', async () => {
    // An empty one gave a profile with userId "", which --previous then refused as invalid.
    await expect(run('extract', '--input', file('u.txt', 'I love jazz.\n'), '--extractor', 'heuristic', '--user-id', '')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /--user-id must be 1 to 256 characters \(got ""\)/.test(error.message));
  });

  it('checks --chunk-tokens and refuses LLM-only options when the heuristic extractor runs', async () => {
    const input = file('e.txt', 'hi\n');
    await expect(run('extract', '--input', input, '--chunk-tokens', 'abc')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /--chunk-tokens must be a positive integer, got "abc"/.test(error.message));
    await expect(run('extract', '--input', input, '--extractor', 'heuristic', '--prompt', 'other')).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && /--prompt applies to the LLM extractor only/.test(error.message));
  });
});

/** Runs the whole CLI in a process of its own (the config is read once per process) with `environment` on top of a clean one. */
async function main(environment: Record<string, string>, ...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
  const mainPath = fileURLToPath(new URL('../main.ts', import.meta.url));
  // Asynchronous: the test server answers from this process.
  return promisify(execFile)(process.execPath, ['--conditions=development', '--import', 'tsx', mainPath, ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...clean, PERSONALAB_STATE_DIR: directory, ...environment },
  });
}

describe('personalab profile extract, the whole command', () => {
  it('ends with the LLM usage and the items it dropped when an LLM extracted, and says nothing more offline', async () => {
    const input = file('usage.txt', 'I work as a nurse.\nI love sushi.\n');
    const server = await startTestServer({
      chat: () => ({
        json: {
          facts: [
            { key: 'occupation', statement: 'works as a nurse', confidence: 0.9, message_ids: ['m1'] },
            { key: 'pet', statement: 'has a dog', confidence: 0.9, message_ids: ['m9'] },
          ],
          preferences: [{ subject: 'sushi', category: null, polarity: 'like', strength: 0.8, tense: 'present', reason: null, message_ids: [] }],
          goals: [],
          personality: [],
        },
      }),
    });
    try {
      const llm = await main({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted', PERSONALAB_LLM_CACHE: 'off' }, 'profile', 'extract', '--input', input, '--user-id', 'ana');
      expect(profileSchema.parse(JSON.parse(llm.stdout)).facts.map((fact) => fact.value)).toEqual(['works as a nurse']);
      expect(server.chatRequests()).toHaveLength(1);
      expect(llm.stderr).toMatch(
        /^extractor: llm:scripted:extract-v1; 2 user messages; 2 items dropped \(evidence missing, or not a user message of their chunk\)\nllm: [\d,]+ tokens \([\d,]+ prompt \+ [\d,]+ completion\), 1 request, 0 retries, 0 cache hits, 0 repairs, 0 failures\n$/,
      );
    } finally {
      await server.close();
    }
    // No endpoint: the heuristic extractor, and stderr exactly as before (no usage line).
    const offline = await main({}, 'profile', 'extract', '--input', input, '--user-id', 'ana');
    expect(offline.stderr).toBe('extractor: heuristic; 2 user messages\n');
    expect(profileSchema.parse(JSON.parse(offline.stdout)).userId).toBe('ana');
  });

  it('names the chunk and its messages when an LLM chunk fails, and writes nothing', async () => {
    const input = file('chunks.txt', 'I work as a nurse.\nI love sushi.\nI have two dogs.\nI live in Lisbon.\n');
    let requests = 0;
    // The first chunk is extracted; the second gets a body that is not JSON every time.
    const server = await startTestServer({ chat: () => (requests++ === 0 ? { json: { facts: [], preferences: [], goals: [], personality: [] } } : { fault: 'malformed_body' }) });
    const output = join(mkdtempSync(join(directory, 'chunks-')), 'profile.json');
    try {
      const failed = main({ OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted', PERSONALAB_LLM_CACHE: 'off', PERSONALAB_LLM_MAX_RETRIES: '0' }, 'profile', 'extract', '--input', input, '--chunk-tokens', '30', '--output', output);
      // It had said only "LLM endpoint … sent a body that is not JSON …", naming no message of the history.
      await expect(failed).rejects.toSatisfy((error: { code?: number; stderr?: string }) =>
        error.code === 2 && /\nerror \(upstream_bad_response\): chunk 2 \(user messages m3, m4\) failed, so no profile was written: LLM endpoint \S+ sent a body that is not JSON[^\n]*\n$/.test(error.stderr ?? ''),
      );
      expect(server.chatRequests()).toHaveLength(2);
      expect(readdirSync(join(output, '..'))).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it('reads an OpenAI-style chat log with Unix-second times, saying once what it skipped and converted', async () => {
    const input = file(
      'openai-export.json',
      JSON.stringify([
        { role: 'system', content: 'You are a helpful assistant.', timestamp: 1_714_557_600 },
        { role: 'user', content: [{ type: 'text', text: 'I work as a nurse.' }, { type: 'image_url', image_url: { url: 'https://example.com/a.png' } }], timestamp: 1_714_557_601 },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search', arguments: '{}' } }], timestamp: 1_714_557_602 },
        { role: 'tool', tool_call_id: 'call_1', content: '[]', timestamp: 1_714_557_603 },
        { role: 'assistant', content: 'Nice!', timestamp: '2024-05-01T10:00:04Z' },
        { role: 'user', content: 'I love sushi.', timestamp: 1_714_557_605 },
      ]),
    );
    // Refused before: "[1].content: must be a string; [2].content: must be a string; [3].role: must be one of system, user, assistant, got "tool"".
    const { stdout, stderr } = await main({}, 'profile', 'extract', '--input', input, '--user-id', 'ana');
    expect(stderr).toBe(
      `${input}: skipped 1 tool/function message, 1 assistant tool call without text, 1 non-text content part\n${input}: 3 timestamps below 1e11 read as Unix seconds (converted to milliseconds)\nextractor: heuristic; 2 user messages\n`,
    );
    const profile = profileSchema.parse(JSON.parse(stdout));
    // May 2024, not January 1970.
    expect(profile.updatedAt).toBe(1_714_557_605_000);
    expect(profile.facts).toMatchObject([{ value: 'i work as a nurse', evidence: [{ messageId: 'm2', timestamp: 1_714_557_601_000 }] }]);
    expect(profile.preferences).toMatchObject([{ subject: 'sushi', polarity: 'like', firstSeen: 1_714_557_605_000 }]);
  });

  it("reads a ChatGPT export's conversations.json: the kept branch, the export's ids and times, and a re-run refused", async () => {
    const message = (id: string, role: string, parts: unknown[], createTime: number | null, extra: Record<string, unknown> = {}) => ({
      id,
      author: { role, name: null, metadata: {} },
      create_time: createTime,
      content: { content_type: parts.some((part) => typeof part !== 'string') ? 'multimodal_text' : 'text', parts },
      metadata: {},
      recipient: 'all',
      ...extra,
    });
    const node = (id: string, parent: string | null, children: string[], value: ReturnType<typeof message> | null) => ({ id, message: value, parent, children });
    const input = file(
      'conversations.json',
      JSON.stringify([
        {
          title: 'Work and food',
          create_time: 1_714_557_600,
          mapping: {
            root: node('root', null, ['sys'], null),
            sys: node('sys', 'root', ['u1'], { ...message('sys', 'system', [''], null), metadata: { is_visually_hidden_from_conversation: true } }),
            u1: node('u1', 'sys', ['a1'], message('u1', 'user', ['I work as a nurse.'], 1_714_557_601)),
            a1: node('a1', 'u1', ['u2-old', 'u2'], message('a1', 'assistant', ['That sounds demanding.'], 1_714_557_602)),
            // Edited: the first wording was abandoned.
            'u2-old': node('u2-old', 'a1', [], message('u2-old', 'user', ['I hate sushi.'], 1_714_557_603)),
            u2: node('u2', 'a1', [], message('u2', 'user', [{ content_type: 'image_asset_pointer', asset_pointer: 'file-service://file-1' }, 'I love sushi.'], 1_714_557_604.5)),
          },
          current_node: 'u2',
        },
      ]),
    );
    const { stdout, stderr } = await main({}, 'profile', 'extract', '--input', input, '--output', join(directory, 'chatgpt-profile.json'));
    expect(stdout).toBe('');
    expect(stderr).toBe(`${input}: skipped 1 hidden message, 1 non-text content part\nextractor: heuristic; 2 user messages\n`);
    const profile = profileSchema.parse(JSON.parse(readFileSync(join(directory, 'chatgpt-profile.json'), 'utf8')));
    expect(profile.updatedAt).toBe(1_714_557_604_500);
    expect(profile.facts).toMatchObject([{ value: 'i work as a nurse', evidence: [{ messageId: 'u1', timestamp: 1_714_557_601_000 }] }]);
    expect(profile.preferences).toMatchObject([{ subject: 'sushi', polarity: 'like', evidence: [{ messageId: 'u2' }] }]);
    // The same export again, as an update: its messages were extracted already.
    await expect(main({}, 'profile', 'extract', '--input', input, '--previous', join(directory, 'chatgpt-profile.json'))).rejects.toSatisfy((error: Error) =>
      error.message.includes(`${input}: conversation [0] "Work and food" mapping["u1"].message: message id "u1" is already cited by the previous profile`),
    );
  });
});
