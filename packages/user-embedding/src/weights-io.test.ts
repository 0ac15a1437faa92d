import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type * as Core from '@personalab/core';
import { loadModelDirectory, saveModelDirectory } from './weights-io.js';

// Lets a test make the write of model.json fail, as a crash or a full disk would in the middle of a save.
const failing = vi.hoisted(() => ({ file: undefined as string | undefined }));
vi.mock('@personalab/core', async (importOriginal) => {
  const core = await importOriginal<typeof Core>();
  return {
    ...core,
    writeFileAtomic: (path: string, data: string | Uint8Array, options?: { mode?: number }) => {
      if (failing.file !== undefined && path.endsWith(failing.file)) throw new Error(`simulated failure writing ${path}`);
      core.writeFileAtomic(path, data, options);
    },
  };
});

const directory = mkdtempSync(join(tmpdir(), 'personalab-weights-io-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('model directory writes', () => {
  it('a save that fails before model.json is replaced leaves the previous model whole', async () => {
    const folder = join(directory, 'model');
    const old = { w: { shape: [2, 2], values: Float32Array.from([1, 2, 3, 4]) } };
    await saveModelDirectory(folder, { kind: 'test', version: 'old' }, old);
    failing.file = 'model.json';
    try {
      await expect(saveModelDirectory(folder, { kind: 'test', version: 'new' }, { w: { shape: [2, 2], values: Float32Array.from([5, 6, 7, 8]) } })).rejects.toThrow(/simulated failure/);
    } finally {
      failing.file = undefined;
    }
    const loaded = await loadModelDirectory(folder);
    expect(loaded.topology).toEqual({ kind: 'test', version: 'old' });
    expect(Array.from(loaded.weights.w?.values ?? [])).toEqual([1, 2, 3, 4]);
    // The next successful save removes the orphaned weights file of the failed one.
    await saveModelDirectory(folder, { kind: 'test', version: 'newer' }, { w: { shape: [1], values: Float32Array.from([9]) } });
    expect(readdirSync(folder).filter((name) => name.endsWith('.bin'))).toHaveLength(1);
    expect((await loadModelDirectory(folder)).topology).toEqual({ kind: 'test', version: 'newer' });
  });
});
