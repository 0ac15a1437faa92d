import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet } from '@personalab/datasets';
import { registerSimulateCommand } from './simulate.js';
import { runCli, runCliOutput } from '../test/run-cli.js';

/** Runs `personalab <args>` on a program with only the simulate command; returns what it printed. */
function run(args: string[]): Promise<string> {
  return runCli([registerSimulateCommand], ['--quiet', ...args]);
}

const movielens = findDataset('movielens-100k');
const folder = mkdtempSync(join(tmpdir(), 'personalab-cli-simulate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// A small MovieLens folder: 6 users who rated all 10 films, so every user keeps held-out liked films.
const tiny = join(folder, 'tiny');
mkdirSync(join(tiny, 'movielens-100k'), { recursive: true });
const genres = (index: number) => Array.from({ length: 19 }, (_, genre) => (genre === (index % 18) + 1 ? 1 : 0)).join('|');
writeFileSync(join(tiny, 'movielens-100k', 'u.item'), Array.from({ length: 10 }, (_, index) => `${index + 1}|Film ${index + 1} (1995)|01-Jan-1995||http://x|${genres(index)}`).join('\n') + '\n');
writeFileSync(join(tiny, 'movielens-100k', 'u.user'), Array.from({ length: 6 }, (_, index) => `${index + 1}|30|F|other|00000`).join('\n') + '\n');
writeFileSync(
  join(tiny, 'movielens-100k', 'u.data'),
  Array.from({ length: 6 }, (_, user) => Array.from({ length: 10 }, (_, item) => `${user + 1}\t${item + 1}\t${((user + item) % 5) + 1}\t${881250949 + item}`).join('\n')).join('\n') + '\n',
);
const empty = join(folder, 'empty');
mkdirSync(empty);

describe('personalab simulate', () => {
  it('rejects a bad shard and an unknown assistant before doing any work', async () => {
    await expect(run(['simulate', '--shard', '3/2', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--shard/);
    await expect(run(['simulate', '--users', 'nowhere', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--users/);
  });

  it('checks every numeric option, naming it', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--limit', 'abc'], /--limit must be a positive integer, got "abc"/],
      [['--limit', '-1'], /--limit must be a positive integer, got "-1"/],
      [['--limit', '0'], /--limit must be a positive integer/],
      [['--k', '0'], /--k must be an integer from 1 to 1000, got "0"/],
      [['--k', 'abc'], /--k must be/],
      [['--seed', 'abc'], /--seed must be an integer from 0 to 4294967295, got "abc"/],
      [['--patience', 'abc'], /--patience must be a positive integer/],
      [['--patience', '0'], /--patience must be a positive integer/],
      [['--patience', '-3'], /--patience must be a positive integer/],
      [['--concurrency', '0'], /--concurrency must be an integer from 1 to 1024/],
      [['--corpus-size', 'abc'], /--corpus-size must be a positive integer/],
      [['--max-turns', '0'], /--max-turns must be an integer from 1 to 1000, got "0"/],
      [['--max-turns', '2.5'], /--max-turns must be/],
    ];
    for (const [args, message] of cases) {
      await expect(run(['--data-dir', empty, 'simulate', ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    }
  });

  it('refuses combinations that cannot work, and options that would be ignored, before loading any data', async () => {
    const refused = async (args: string[], message: RegExp) =>
      expect(run(['--data-dir', empty, 'simulate', '--store', join(folder, 'refused.sqlite'), ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    await refused(['--assistant', 'replay'], /--assistant replay .* --users synthetic-persona-chat/);
    await refused(['--users', 'synthetic-persona-chat', '--assistant', 'ease'], /--assistant ease recommends from MovieLens ratings, and synthetic-persona-chat users have none/);
    await refused(['--users', 'synthetic-persona-chat', '--assistant', 'most-popular'], /--assistant most-popular recommends from MovieLens ratings/);
    await refused(['--simulator', 'nope'], /--simulator must be one of retrieval, llm, got "nope"/);
    await refused(['--system-prompt', 'be nice'], /--system-prompt applies to --assistant openai only/);
    await refused(['--assistant-url', 'http://x'], /--assistant-url applies to --assistant http or openai only/);
    await refused(['--http-user-prefix', 'x-'], /--http-user-prefix applies to --assistant http only/);
    await refused(['--assistant', 'http'], /--assistant http needs --assistant-url/);
    // The transcripts file is written at the end of the run: a folder there is refused before it starts.
    await refused(['--transcripts', folder], /--transcripts .* is a folder: name a file/);
  });

  it('says where it looked when --data-dir lacks the data', async () => {
    await expect(run(['--data-dir', empty, 'simulate', '--store', join(folder, 'none.sqlite')])).rejects.toThrow(/--data-dir .*empty has no movielens-100k\/ folder, and it is the only folder searched/);
  });

  it('resumes a run with more users, and refuses to resume it with options that change the results', async () => {
    const store = join(folder, 'resume.sqlite');
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'most-popular', '--max-turns', '2', '--store', store, '--run-id', 'R'];
    expect(await run([...common, '--limit', '2'])).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
    expect(await run([...common, '--limit', '3'])).toMatch(/3 conversations \(1 run now, 2 resumed\)/);
    await expect(run([...common, '--limit', '4', '--patience', '1'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'conflict') && /run R exists with a different configuration \(patience: before null, now 1\)/.test(error.message),
    );
    await expect(run([...common, '--k', '3'])).rejects.toThrow(/k: before 5, now 3/);
    await expect(run([...common, '--seed', '2'])).rejects.toThrow(/seed: before 1, now 2/);
  });

  it('prints why conversations failed and exits with an error when all of them did', async () => {
    const server = createServer((_request, response) => response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no such user"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const common = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--http-user-prefix', '', '--limit', '2', '--store', join(folder, 'errors.sqlite')];
      const output = await runCliOutput([registerSimulateCommand], [...common, '--assistant-url', url]);
      expect(output.stdout).toMatch(/\| 0 \| .* \| 2 \|\n/);
      expect(output.stderr).toContain('2 of 2 conversations failed');
      expect(output.stderr).toMatch(/2× POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat answered 400: \{"error":"no such user"\}/);
      expect(PersonalabError.is(output.error, 'upstream_error') && /every conversation failed \(2\)/.test(output.error.message)).toBe(true);
      // Another service under the same run id is another configuration.
      const other = await runCliOutput([registerSimulateCommand], [...common, '--assistant-url', `${url}/other`]);
      expect(PersonalabError.is(other.error, 'conflict') && /assistantUrl: before/.test(other.error.message)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  if (!movielens) console.warn(`movielens-100k not found, skipping the simulate run test: ${howToGet('movielens-100k')}`);
  it.skipIf(!movielens)('runs shards into one store, resumes, and exports JSONL transcripts', async () => {
    const store = join(folder, 'runs.sqlite');
    const common = ['simulate', '--users', 'movielens-100k', '--limit', '6', '--assistant', 'most-popular', '--corpus-size', '200', '--max-turns', '3', '--store', store];
    expect(await run([...common, '--shard', '1/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    expect(await run([...common, '--shard', '2/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    const transcripts = join(folder, 'all.jsonl');
    const output = await run([...common, '--transcripts', transcripts]);
    expect(output).toMatch(/6 conversations \(0 run now, 6 resumed\)/);
    const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { userId: string; turns: Array<{ role: string }>; config: Record<string, unknown> });
    expect(lines.map((line) => line.userId).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    // Each line names the run's settings, so a copied transcripts file can be re-scored.
    expect(lines[0]?.config).toMatchObject({ simulator: 'retrieval', assistant: 'most-popular', maxTurns: 3, k: 5, users: 'movielens-100k', seed: 1, limit: 6 });
    for (const line of lines) {
      expect(line.turns.length).toBeGreaterThanOrEqual(3);
      // --max-turns counts assistant replies; the user may react once more.
      expect(line.turns.filter((turn) => turn.role === 'assistant').length).toBeLessThanOrEqual(3);
      expect(line.turns.filter((turn) => turn.role === 'user').length).toBeLessThanOrEqual(4);
    }
  });
});
