import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { ExactIndex } from './exact-index.js';
import { HnswIndex } from './hnsw-index.js';
import { indexFileName } from './index-file.js';

const root = mkdtempSync(join(tmpdir(), 'personalab-scratch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshDirectory = () => join(root, `case-${++counter}`);

/** The pid of a process that has run and exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  if (child.pid === undefined) throw new Error('could not start node');
  return child.pid;
}

const twoHoursAgo = () => new Date(Date.now() - 2 * 60 * 60 * 1000);

describe('scratch and temporary files of a vector index folder', () => {
  for (const [name, build, open] of [
    ['HnswIndex', () => new HnswIndex({ dimension: 3 }), (directory: string) => HnswIndex.open(directory)],
    ['ExactIndex', () => new ExactIndex({ dimension: 3 }), (directory: string) => ExactIndex.open(directory)],
  ] as const) {
    it(`${name}.open removes those a dead writer left over an hour ago, and keeps a live writer's, recent ones and others`, async () => {
      const directory = freshDirectory();
      const index = build();
      index.add([{ id: 'a', vector: [1, 2, 3] }]);
      await index.save(directory);
      const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
      try {
        const dead = deadPid();
        const stale = [`.hnsw-graph.${dead}.1700000000000.1.tmp`, `.${indexFileName}.${dead}.1700000000001.tmp`];
        const kept = [
          `.hnsw-graph.${live.pid}.1700000000002.2.tmp`, // a writer that may still be writing
          `.hnsw-graph.${process.pid}.1700000000003.3.tmp`, // this process
          `.other.bin.${dead}.1700000000004.tmp`, // not an index file's
          `.hnsw-graph.${dead}.1700000000005.4.tmp`, // recent: its pid may be another container's writer
        ];
        for (const file of [...stale, ...kept]) writeFileSync(join(directory, file), 'half a graph');
        for (const file of [...stale, ...kept.slice(0, -1)]) utimesSync(join(directory, file), twoHoursAgo(), twoHoursAgo());
        const reopened = await open(directory);
        expect(reopened.has('a')).toBe(true);
        expect(readdirSync(directory).sort()).toEqual([...kept, indexFileName].sort());
      } finally {
        live.kill('SIGKILL');
      }
    });
  }

  it('HnswIndex.save and optimize leave nothing but the index file; optimize uses the folder it is given', async () => {
    const directory = freshDirectory();
    const index = new HnswIndex({ dimension: 3, metric: 'l2' });
    index.add(Array.from({ length: 50 }, (_, position) => ({ id: `r${position}`, vector: [position, position % 7, 1] })));
    const scratchDirectory = join(freshDirectory(), 'nested');
    index.optimize({ directory: scratchDirectory });
    expect(readdirSync(scratchDirectory)).toEqual([]);
    await index.save(directory);
    index.optimize();
    expect(readdirSync(directory)).toEqual([indexFileName]);
    expect(index.search([10, 3, 1], { k: 1 })[0]?.id).toBe('r10');
  });

  it('a folder that cannot hold a scratch file fails with storage_error naming it, and the index is unchanged', async () => {
    const file = join(root, `a-file-${++counter}`);
    writeFileSync(file, 'not a folder');
    const index = new HnswIndex({ dimension: 3, metric: 'l2' });
    index.add([{ id: 'a', vector: [1, 0, 0] }]);
    for (const action of [() => index.optimize({ directory: join(file, 'scratch') }), () => index.save(join(file, 'index'))]) {
      let caught: unknown;
      try {
        await action();
      } catch (error) {
        caught = error;
      }
      expect(PersonalabError.is(caught, 'storage_error'), String(caught)).toBe(true);
      expect((caught as Error).message).toContain(file);
    }
    expect(existsSync(join(file, 'index'))).toBe(false);
    expect(index.search([1, 0, 0], { k: 1 })[0]?.id).toBe('a');
  });
});
