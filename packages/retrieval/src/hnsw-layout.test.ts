import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { reorderHnswFile } from './hnsw-layout.js';

function savedIndex(count: number): Uint8Array {
  const random = createRandom(5);
  const index = new hnswlib.HierarchicalNSW('l2', 8);
  index.initIndex({ maxElements: count, m: 8, efConstruction: 40, randomSeed: 1 });
  for (let label = 0; label < count; label++) index.addPoint(Array.from({ length: 8 }, () => random.normal()), label);
  const file = join(tmpdir(), `hnsw-layout-${process.pid}.bin`);
  try {
    index.writeIndexSync(file);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(file, { force: true });
  }
}

describe('reorderHnswFile', () => {
  it('keeps every node, its label and its vector, and puts the entry point first', () => {
    const input = savedIndex(500);
    const output = reorderHnswFile(input);
    expect(output.byteLength).toBe(input.byteLength);
    const view = new DataView(output.buffer);
    expect(view.getUint32(52, true)).toBe(0);
    const rowBytes = Number(view.getBigUint64(24, true));
    const labelOffset = Number(view.getBigUint64(32, true));
    const labels = new Set<number>();
    for (let row = 0; row < 500; row++) labels.add(Number(view.getBigUint64(96 + row * rowBytes + labelOffset, true)));
    expect(labels.size).toBe(500);
    expect(reorderHnswFile(output).byteLength).toBe(input.byteLength);
  });

  it('rejects a truncated or foreign file', () => {
    const input = savedIndex(200);
    expect(() => reorderHnswFile(input.subarray(0, input.byteLength - 3))).toThrow(/truncated|after its last|does not fit/);
    expect(() => reorderHnswFile(input.subarray(0, 50))).toThrow(/shorter than its header/);
    expect(() => reorderHnswFile(new Uint8Array(4096).fill(7))).toThrow();
  });
});
