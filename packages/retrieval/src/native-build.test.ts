import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import hnswlib from 'hnswlib-node';
import { describe, expect, it } from 'vitest';
import { createRandom } from '@personalab/core';

// scripts/native-build.mjs (the root postinstall) may replace hnswlib-node's addon with a
// -march=native build and keep the default one as addon-default.node. The two must agree.
const require = createRequire(import.meta.url);
const buildDirectory = join(dirname(require.resolve('hnswlib-node/package.json')), 'build');
const defaultAddon = join(buildDirectory, 'Release', 'addon-default.node');
const marker = join(buildDirectory, 'personalab-native.json');
const rebuilt = existsSync(defaultAddon) && existsSync(marker);
if (!rebuilt) console.log('native-build: hnswlib-node was not rebuilt by scripts/native-build.mjs (no AVX2, or PERSONALAB_PORTABLE_NATIVE=1): nothing to compare');

describe('hnswlib-node native rebuild', () => {
  it.skipIf(!rebuilt)('records how it was built', () => {
    const recorded = JSON.parse(readFileSync(marker, 'utf8')) as { flags: string; version: string };
    expect(recorded.flags).toBe('-march=native');
    expect(recorded.version).toBe((JSON.parse(readFileSync(join(buildDirectory, '..', 'package.json'), 'utf8')) as { version: string }).version);
  });

  it.skipIf(!rebuilt)('returns the same neighbours and distances as the default build', () => {
    const { HierarchicalNSW: DefaultHierarchicalNSW } = require(defaultAddon) as typeof hnswlib;
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
