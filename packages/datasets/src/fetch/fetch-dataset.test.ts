import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { loadMovieLens100k } from '../movielens/movielens-100k.js';
import { serveFiles, temporaryDirectory, tinyMovieLensZip } from '../test/index.js';
import { datasetSources, fetchDataset } from './fetch-dataset.js';

describe('fetchDataset', () => {
  let server: Awaited<ReturnType<typeof serveFiles>>;
  let zip: Uint8Array;
  let md5: string;
  let evilMd5: string;
  const folder = temporaryDirectory();

  beforeAll(async () => {
    zip = await tinyMovieLensZip();
    md5 = createHash('md5').update(zip).digest('hex');
    // Built once: zip bytes embed the current time.
    const evil = zipSync({ 'ml-100k/../../escape.txt': new TextEncoder().encode('x') });
    evilMd5 = createHash('md5').update(evil).digest('hex');
    server = await serveFiles({ '/ml-100k.zip': zip, '/evil.zip': evil, '/broken.zip': new TextEncoder().encode('not a zip'), '/down.zip': 503 });
  });
  afterAll(async () => {
    await server.close();
    folder.remove();
  });

  it('knows the official MovieLens URL and checksum', () => {
    expect(datasetSources['movielens-100k']).toEqual({ url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip', md5: '0e33842e24a9c977be4e0107933c0723', archivePrefix: 'ml-100k/' });
  });

  it('downloads with progress, checks the MD5, unzips into <data dir>/movielens-100k, and the loader reads it', async () => {
    const dataDirectory = join(folder.path, 'ok');
    const progress: number[] = [];
    const result = await fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/ml-100k.zip`, md5, onProgress: (received) => progress.push(received) });
    expect(result).toMatchObject({ directory: join(dataDirectory, 'movielens-100k'), downloaded: true, files: ['u.data', 'u.item', 'u.user'], bytes: zip.byteLength, md5 });
    expect(progress.at(-1)).toBe(zip.byteLength);
    expect(progress.length).toBeGreaterThan(1);
    const data = await loadMovieLens100k(result.directory);
    expect([data.users.length, data.items.length, data.ratings.length]).toEqual([3, 3, 6]);
    expect(data.items[2]?.title).toBe('Crème Brûlée (1996)');
    // A second fetch without force downloads nothing.
    const before = server.requests.length;
    expect((await fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/ml-100k.zip`, md5 })).downloaded).toBe(false);
    expect(server.requests.length).toBe(before);
  });

  it('a bad checksum fails and leaves nothing half-written', async () => {
    const dataDirectory = join(folder.path, 'bad-checksum');
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/ml-100k.zip` })).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringContaining(`expected 0e33842e24a9c977be4e0107933c0723`) as unknown as string,
    });
    expect(existsSync(dataDirectory) ? readdirSync(dataDirectory) : []).toEqual([]);
  });

  it('refuses a malformed --md5 or a data directory that is a file before downloading anything', async () => {
    const before = server.requests.length;
    const dataDirectory = join(folder.path, 'early');
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/ml-100k.zip`, md5: 'abc' })).rejects.toMatchObject({ code: 'invalid_argument', message: 'md5 must be 32 hexadecimal digits, got "abc"' });
    const file = folder.write('a-file', 'x');
    await expect(fetchDataset('movielens-100k', { dataDirectory: file, url: `${server.url}/ml-100k.zip`, md5 })).rejects.toMatchObject({ code: 'invalid_argument', message: `data directory ${file} is a file, not a folder; nothing was downloaded` });
    expect(server.requests.length).toBe(before);
    expect(existsSync(dataDirectory)).toBe(false);
  });

  it('fills an empty movielens-100k/ folder, but does not call a folder without u.data "already there" nor replace it without force', async () => {
    const dataDirectory = join(folder.path, 'existing');
    mkdirSync(join(dataDirectory, 'movielens-100k'), { recursive: true });
    const result = await fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/ml-100k.zip`, md5 });
    expect(result).toMatchObject({ downloaded: true, files: ['u.data', 'u.item', 'u.user'] });
    const other = join(folder.path, 'other');
    mkdirSync(join(other, 'movielens-100k'), { recursive: true });
    writeFileSync(join(other, 'movielens-100k', 'notes.txt'), 'mine');
    const before = server.requests.length;
    await expect(fetchDataset('movielens-100k', { dataDirectory: other, url: `${server.url}/ml-100k.zip`, md5 })).rejects.toMatchObject({
      code: 'invalid_argument',
      message: `${join(other, 'movielens-100k')} holds no u.data: not movielens-100k; use force (--force) to replace it`,
    });
    expect(server.requests.length).toBe(before);
    expect(readdirSync(join(other, 'movielens-100k'))).toEqual(['notes.txt']);
    expect((await fetchDataset('movielens-100k', { dataDirectory: other, url: `${server.url}/ml-100k.zip`, md5, force: true })).downloaded).toBe(true);
    expect(readdirSync(join(other, 'movielens-100k')).sort()).toEqual(['u.data', 'u.item', 'u.user']);
  });

  it('HTTP errors, broken archives and zip-slip entries fail cleanly', async () => {
    const dataDirectory = join(folder.path, 'faults');
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/down.zip` })).rejects.toMatchObject({ code: 'upstream_error', isRetryable: true });
    const brokenMd5 = createHash('md5').update('not a zip').digest('hex');
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/broken.zip`, md5: brokenMd5 })).rejects.toMatchObject({ code: 'corrupt_file' });
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `${server.url}/evil.zip`, md5: evilMd5 })).rejects.toThrow(/outside the data set folder/);
    // The reason is named, not just Node's "fetch failed": a port fetch refuses, one nobody listens on, a scheme it lacks.
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: 'http://127.0.0.1:1/nothing.zip' })).rejects.toMatchObject({
      code: 'upstream_error',
      message: 'download of http://127.0.0.1:1/nothing.zip failed: fetch failed (bad port)',
    });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: `http://127.0.0.1:${port}/ml-100k.zip` })).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringMatching(new RegExp(`^download of http://127\\.0\\.0\\.1:${port}/ml-100k\\.zip failed: fetch failed \\(.*ECONNREFUSED.*\\)$`)),
    });
    await expect(fetchDataset('movielens-100k', { dataDirectory, url: 'file:///etc/hostname' })).rejects.toMatchObject({
      code: 'upstream_error',
      message: expect.stringMatching(/^download of file:\/\/\/etc\/hostname failed: fetch failed \(.+\)$/),
    });
    await expect(fetchDataset('persona-chat', { dataDirectory })).rejects.toMatchObject({ code: 'unsupported' });
    expect(existsSync(dataDirectory) ? readdirSync(dataDirectory) : []).toEqual([]);
  });
});
