import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HnswIndex } from '@personalab/retrieval';
import { openTinyService, tinyEmbedder } from '../test/harness.js';
import { tinyItems } from '../test/tiny-catalogue.js';
import { ItemTextIndex } from './item-text-index.js';

const directories: string[] = [];
const temporary = () => {
  const directory = mkdtempSync(join(tmpdir(), 'personalab-index-'));
  directories.push(directory);
  return directory;
};
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const open = (directory: string) => new ItemTextIndex({ embedder: tinyEmbedder(), createIndex: (dimension) => new HnswIndex({ dimension }), directory });

describe('ItemTextIndex', () => {
  it('saves, loads on the next start, and finds items by their text', async () => {
    const directory = temporary();
    expect((await open(directory).open(tinyItems)).status).toBe('rebuilt');
    const reopened = open(directory);
    expect(await reopened.open(tinyItems)).toEqual({ status: 'loaded' });
    const hits = await reopened.searchText('zombie horror', 3);
    expect(hits.map((hit) => hit.id)).toContain('m11');
  });

  it('rebuilds a damaged index file from the items on start', async () => {
    const directory = temporary();
    await open(directory).open(tinyItems);
    // Damage every file of the saved vectors: truncate them to a few garbage bytes.
    const vectors = join(directory, 'vectors');
    const files = readdirSync(vectors).filter((name) => statSync(join(vectors, name)).isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const name of files) writeFileSync(join(vectors, name), 'garbage');
    const reopened = open(directory);
    const result = await reopened.open(tinyItems);
    expect(result.status).toBe('rebuilt');
    expect(result.reason).toMatch(/damaged index/);
    expect(reopened.size).toBe(tinyItems.length);
    expect((await reopened.searchText('zombie horror', 3)).map((hit) => hit.id)).toContain('m11');
    // And the rebuilt files load cleanly next time.
    expect((await open(directory).open(tinyItems)).status).toBe('loaded');
  });

  it('rebuilds when the store holds items the index lacks', async () => {
    const directory = temporary();
    await open(directory).open(tinyItems.slice(0, 10));
    const result = await open(directory).open(tinyItems);
    expect(result).toMatchObject({ status: 'rebuilt', reason: expect.stringMatching(/holds 10 items, the store 24/) as string });
  });

  it('is rebuilt by the service when damaged, and the API still recommends', async () => {
    const stateDir = temporary();
    const first = await openTinyService({ stateDir });
    await first.close();
    const vectors = join(stateDir, 'item-index', 'vectors');
    for (const name of readdirSync(vectors)) writeFileSync(join(vectors, name), '');
    const second = await openTinyService({ stateDir });
    expect(second.service.indexStatus.status).toBe('rebuilt');
    const response = await second.app.inject({ url: '/v1/users/u1/recommendations', headers: { authorization: 'Bearer test-key-0123456789' } });
    expect(response.statusCode).toBe(200);
    await second.close();
  });
});
