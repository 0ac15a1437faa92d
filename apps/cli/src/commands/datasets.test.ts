import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it('fetch with the official checksum refuses the fixture and leaves nothing half-written', async () => {
    const dataDir = join(folder.path, 'bad');
    await expect(run(['--data-dir', dataDir, '--quiet', 'datasets', 'fetch', 'movielens-100k', '--url', `${server.url}/ml-100k.zip`])).rejects.toMatchObject({ code: 'corrupt_file' });
    expect(existsSync(dataDir) ? readdirSync(dataDir) : []).toEqual([]);
    expect(findDataset('movielens-100k', { dataDir })).toBeUndefined();
  });

  it('unknown names and missing sets are clear errors', async () => {
    await expect(run(['datasets', 'stats', 'imagenet'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run(['--data-dir', join(folder.path, 'empty'), 'datasets', 'stats', 'persona-chat'])).rejects.toMatchObject({ code: 'not_found' });
  });
});
