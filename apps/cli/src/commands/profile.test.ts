import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from 'commander';
import { PersonalabError, profileSchema } from '@personalab/core';
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
});
