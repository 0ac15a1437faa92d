import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { findDataset } from '@personalab/datasets';
import { serveFiles, temporaryDirectory, tinyMovieLensZip } from '@personalab/datasets/test';
import { registerDatasetsCommand } from './datasets.js';
import { runCli } from '../test/run-cli.js';

/** Runs `personalab <args>` on a program with only the datasets commands; returns what it printed. */
function run(args: string[]): Promise<string> {
  return runCli([registerDatasetsCommand], args);
}

describe('personalab datasets', () => {
  const folder = temporaryDirectory('personalab-cli-datasets-');
  // Set before the first command reads the (cached) config; every other test here names --data-dir, which overrides it.
  const environmentDir = join(folder.path, 'from-environment');
  vi.stubEnv('PERSONALAB_DATA_DIR', environmentDir);
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let md5: string;

  beforeAll(async () => {
    const zip = await tinyMovieLensZip();
    md5 = createHash('md5').update(zip).digest('hex');
    server = await serveFiles({ '/ml-100k.zip': zip });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
    vi.unstubAllEnvs();
  });

  it('fetch downloads from a local server, verifies the checksum and unzips into the data directory; stats and list see it', async () => {
    const dataDir = join(folder.path, 'data');
    const printed = await run(['--data-dir', dataDir, '--quiet', 'datasets', 'fetch', 'movielens-100k', '--url', `${server.url}/ml-100k.zip`, '--md5', md5]);
    expect(printed).toContain(`MD5 ${md5} verified, 3 files written to ${join(dataDir, 'movielens-100k')}`);
    expect(readdirSync(join(dataDir, 'movielens-100k')).sort()).toEqual(['u.data', 'u.item', 'u.user']);
    const stats = await run(['--data-dir', dataDir, 'datasets', 'stats', 'movielens-100k']);
    expect(stats).toMatch(/\| u\.data \| ratings \| 6 \|/);
    expect(stats).toMatch(/\| u\.user \| users \| 3 \|/);
    const list = await run(['--data-dir', dataDir, 'datasets', 'list']);
    expect(list).toMatch(new RegExp(`\\| movielens-100k \\| ${join(dataDir, 'movielens-100k')} \\|`));
    expect(list).toMatch(/\| persona-chat \| missing \|/);
    expect(await run(['--data-dir', dataDir, 'datasets', 'fetch', 'movielens-100k', '--url', `${server.url}/ml-100k.zip`])).toContain('already in');
  });

  it('fetch without --data-dir writes into $PERSONALAB_DATA_DIR, as npm start does, not ./datasets', async () => {
    const cwd = join(folder.path, 'cwd');
    mkdirSync(cwd);
    const before = process.cwd();
    // In a scratch working directory, so a ./datasets written by mistake lands there and not in the repository.
    process.chdir(cwd);
    try {
      const printed = await run(['--quiet', 'datasets', 'fetch', 'movielens-100k', '--url', `${server.url}/ml-100k.zip`, '--md5', md5]);
      expect(printed).toContain(`3 files written to ${join(environmentDir, 'movielens-100k')}`);
      expect(readdirSync(cwd)).toEqual([]);
      expect(await run(['datasets', 'list'])).toMatch(new RegExp(`\\| movielens-100k \\| ${join(environmentDir, 'movielens-100k')} \\|`));
    } finally {
      process.chdir(before);
    }
  });

  it('fetch with the official checksum refuses the fixture and leaves nothing half-written', async () => {
    const dataDir = join(folder.path, 'bad');
    await expect(run(['--data-dir', dataDir, '--quiet', 'datasets', 'fetch', 'movielens-100k', '--url', `${server.url}/ml-100k.zip`])).rejects.toMatchObject({ code: 'corrupt_file' });
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    expect(findDataset('movielens-100k', { dataDir })).toBeUndefined();
  });

  it('stats on an empty data set folder, or a file in its place, is not_found saying so, not an empty table or ENOTDIR', async () => {
    const dataDir = join(folder.path, 'hollow');
    mkdirSync(join(dataDir, 'persona-chat-convai2-valid'), { recursive: true });
    writeFileSync(join(dataDir, 'personamem-dev'), 'not a folder');
    await expect(run(['--data-dir', dataDir, 'datasets', 'stats', 'persona-chat'])).rejects.toMatchObject({
      code: 'not_found',
      message: `persona-chat not found: --data-dir ${dataDir} has persona-chat-convai2-valid/ but it holds no .txt file (valid_self_original_no_cands.txt, ...), and it is the only folder searched when given: put the data there or leave --data-dir out to search $PERSONALAB_DATA_DIR, ./datasets and ../shared/datasets`,
    });
    await expect(run(['--data-dir', dataDir, 'datasets', 'stats', 'personamem-dev'])).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(`${dataDir} has personamem-dev but it is a file, not a folder`) as unknown as string });
    await expect(run(['--data-dir', join(dataDir, 'personamem-dev'), 'datasets', 'stats', 'persona-chat'])).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(`--data-dir ${join(dataDir, 'personamem-dev')} is a file, not a folder`) as unknown as string });
    await expect(run(['--data-dir', join(dataDir, 'typo'), 'datasets', 'stats', 'persona-chat'])).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(`--data-dir ${join(dataDir, 'typo')} does not exist`) as unknown as string });
  });

  it('list names a searched folder that does not exist or is a file', async () => {
    const missing = join(folder.path, 'no-such-folder');
    expect(await run(['--data-dir', missing, 'datasets', 'list'])).toContain(`searched: ${missing} (does not exist)\n`);
    const file = join(folder.path, 'a-file');
    writeFileSync(file, 'x');
    expect(await run(['--data-dir', file, 'datasets', 'list'])).toContain(`searched: ${file} (a file, not a folder)\n`);
  });

  it('unknown names and missing sets are clear errors', async () => {
    await expect(run(['datasets', 'stats', 'imagenet'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run(['--data-dir', join(folder.path, 'empty'), 'datasets', 'stats', 'persona-chat'])).rejects.toMatchObject({ code: 'not_found' });
  });

  it('fetch names the flag of a bad --url or --md5 and the sets it downloads, before any download', async () => {
    const dataDir = join(folder.path, 'fetch-flags');
    const fetch = (...extra: string[]) => run(['--data-dir', dataDir, '--quiet', 'datasets', 'fetch', ...extra]);
    // These had been "download of notaurl failed: … Invalid URL" (upstream_error) and "md5 must be …", naming no flag.
    await expect(fetch('movielens-100k', '--url', 'notaurl')).rejects.toMatchObject({ code: 'invalid_argument', message: '--url must be an http:// or https:// URL, got "notaurl"' });
    await expect(fetch('movielens-100k', '--url', 'file:///etc/passwd')).rejects.toMatchObject({ code: 'invalid_argument', message: '--url must be an http:// or https:// URL, got "file:///etc/passwd"' });
    await expect(fetch('movielens-100k', '--url', `${server.url}/ml-100k.zip`, '--md5', 'xyz')).rejects.toMatchObject({ code: 'invalid_argument', message: '--md5 must be 32 hexadecimal digits, got "xyz"' });
    // It had listed every known set, most of which it cannot download.
    await expect(fetch('imagenet')).rejects.toMatchObject({ code: 'invalid_argument', message: 'unknown data set "imagenet"; fetch downloads movielens-100k' });
    expect(existsSync(dataDir)).toBe(false);
  });
});
