import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HnswIndex } from './hnsw-index.js';
import { indexFileName } from './index-file.js';

const child = fileURLToPath(new URL('./test/hnsw-save-child.ts', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'personalab-hnsw-crash-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const leftovers = (directory: string) => readdirSync(directory).filter((name) => name !== indexFileName);
const graphScratchFiles = (directory: string) => readdirSync(directory).filter((name) => name.includes('hnsw'));

describe('HnswIndex save in a process that dies or runs out of space', () => {
  it('killed mid-save: the previous index loads, nothing lands in the temp folder, and the next save removes the dead writer\'s file', async () => {
    const directory = join(root, 'killed');
    // The child's own temp folder: the old code wrote its graph scratch files there, where nothing removed them.
    const childTmp = join(root, 'killed-tmp');
    mkdirSync(childTmp);
    const saver = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', child, 'loop', directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TMPDIR: childTmp },
    });
    let stderr = '';
    saver.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => saver.once('exit', () => resolve()));
    const pid = saver.pid!;
    try {
      await new Promise<void>((resolve, reject) => {
        saver.stdout.once('data', () => resolve());
        saver.once('exit', (code) => reject(new Error(`child exited (${code}) before saving: ${stderr}`)));
      });
      // Freeze the child while it has a temporary file open, check the file is still there, then kill it.
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (Date.now() > deadline) throw new Error(`no temporary file seen within 30 s: ${stderr}`);
        if (leftovers(directory).length > 0 || graphScratchFiles(childTmp).length > 0) {
          saver.kill('SIGSTOP');
          if (leftovers(directory).length > 0 || graphScratchFiles(childTmp).length > 0) break;
          saver.kill('SIGCONT');
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
    } finally {
      saver.kill('SIGKILL');
      await exited;
    }
    const left = leftovers(directory);
    expect(left.length).toBe(1);
    expect(left[0]).toMatch(new RegExp(`^\\.(hnsw-graph|${indexFileName.replaceAll('.', '\\.')})\\.${pid}\\.`));
    expect(graphScratchFiles(childTmp)).toEqual([]);

    // The index as last saved whole: the first 100 vectors, or all 4,000 when a full save finished.
    const index = await HnswIndex.open(directory);
    expect([100, 4000]).toContain(index.size);
    expect(index.search(new Float32Array(256).fill(0.1), { k: 3 })).toHaveLength(3);

    // A file touched within the hour is kept: its pid may be a live writer in another container sharing the folder.
    await index.save(directory);
    expect(leftovers(directory)).toEqual(left);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(directory, left[0]!), twoHoursAgo, twoHoursAgo);
    await index.save(directory);
    expect(readdirSync(directory)).toEqual([indexFileName]);
    expect((await HnswIndex.open(directory)).size).toBe(index.size);
  });

  it('a graph that cannot be written whole (file size limit, as on a full disk) fails the save with storage_error and keeps the old index', async () => {
    const directory = join(root, 'limited');
    // RLIMIT_FSIZE of 1,000 KiB with SIGXFSZ ignored: writes past it fail with EFBIG, which hnswlib does not check.
    const saver = spawn('sh', ['-c', 'ulimit -f 2000; trap "" XFSZ; exec "$0" --conditions=development --import tsx "$1" grow "$2"', process.execPath, child, directory], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    saver.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    saver.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => saver.once('exit', resolve));
    expect(code, stderr).toBe(0);
    const outcome = JSON.parse(stdout) as { saved: boolean; code?: string; message?: string };
    expect(outcome.saved).toBe(false);
    expect(outcome.code).toBe('storage_error');
    expect(outcome.message).toMatch(new RegExp(`^${directory}/\\.hnsw-graph\\.\\d+\\.\\d+\\.\\d+\\.tmp: hnswlib wrote an incomplete graph`));
    expect(readdirSync(directory)).toEqual([indexFileName]);
    expect((await HnswIndex.open(directory)).size).toBe(100);
  });
});
