import hnswlib from 'hnswlib-node';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';
import { defaultHnswlibBinding, installedHnswlibBuild } from './hnswlib-build.js';

// scripts/native-build.mjs (the root postinstall) may replace hnswlib-node's addon with a
// -march=native build and keep the default one as addon-default.node. The two must agree.
const build = installedHnswlibBuild();
const rebuilt = build.rebuilt;
if (!rebuilt) console.log('native-build: hnswlib-node was not rebuilt by scripts/native-build.mjs (no AVX2, or PERSONALAB_PORTABLE_NATIVE=1): nothing to compare');

describe('hnswlib-node native rebuild', () => {
  it.skipIf(!rebuilt)('records how it was built', () => {
    if (!build.rebuilt) return;
    expect(build.flags).toBe('-march=native');
    expect(build.version).toBe(build.installedVersion);
  });

  it.skipIf(!rebuilt)('returns the same neighbours and distances as the default build', () => {
    const { HierarchicalNSW: DefaultHierarchicalNSW } = defaultHnswlibBinding(build)!;
    const random = createRandom(3);
    const dimension = 48;
    const rows = Array.from({ length: 1_520 }, () => Array.from({ length: dimension }, () => random.next() - 0.5));
    for (const space of ['l2', 'ip'] as const) {
      const installed = new hnswlib.HierarchicalNSW(space, dimension);
      const reference = new DefaultHierarchicalNSW(space, dimension);
      for (const index of [installed, reference]) {
        index.initIndex(1_500, 16, 100, 11);
        for (let row = 0; row < 1_500; row++) index.addPoint(rows[row]!, row);
        index.setEf(100);
      }
      for (let query = 1_500; query < rows.length; query++) {
        const got = installed.searchKnn(rows[query]!, 10);
        const want = reference.searchKnn(rows[query]!, 10);
        expect(got.neighbors).toEqual(want.neighbors);
        for (let position = 0; position < 10; position++) expect(got.distances[position]).toBeCloseTo(want.distances[position]!, 4);
      }
    }
  });
});
