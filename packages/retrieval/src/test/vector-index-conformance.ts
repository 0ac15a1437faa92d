import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError, createRandom, type Metric, type SearchHit, type VectorIndex, type VectorMetadata } from '@personalab/core';
import { indexFileName } from '../index-file.js';
import { metrics, referenceScore } from '../vectors.js';

/** Builds an empty index of the given shape; called once per test. */
export type VectorIndexFactory = (options: { dimension: number; metric: Metric }) => VectorIndex;

export interface ConformanceOptions {
  /** Least acceptable recall@k against brute force on the suite's small sets. Default 0.98. */
  minimumRecall?: number;
}

interface Stored {
  id: string;
  vector: Float32Array;
  metadata: VectorMetadata;
}

function randomRecords(count: number, dimension: number, seed: number, prefix = 'v'): Stored[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, (_, index) => ({
    id: `${prefix}${index}`,
    vector: Float32Array.from({ length: dimension }, () => random.normal()),
    metadata: { group: `g${index % 10}`, index, even: index % 2 === 0 },
  }));
}

/** Brute-force top k under a metric, straight from the definition. */
function referenceTopK(records: readonly Stored[], query: Float32Array, metric: Metric, k: number): { id: string; score: number }[] {
  return records
    .map((record) => ({ id: record.id, score: referenceScore(metric, query, record.vector) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, k);
}

function recall(expected: readonly { id: string }[], got: readonly SearchHit[]): number {
  if (expected.length === 0) return 1;
  const found = new Set(got.map((hit) => hit.id));
  return expected.filter((entry) => found.has(entry.id)).length / expected.length;
}

function expectCode(action: () => unknown, code: PersonalabError['code'], messagePart?: string): PersonalabError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(PersonalabError.is(caught, code), `expected a PersonalabError ${code}, got ${String(caught)}`).toBe(true);
  if (messagePart !== undefined) expect((caught as Error).message).toContain(messagePart);
  return caught as PersonalabError;
}

async function expectRejects(action: () => Promise<unknown>, code: PersonalabError['code'], messagePart?: string): Promise<void> {
  let caught: unknown;
  try {
    await action();
  } catch (error) {
    caught = error;
  }
  expect(PersonalabError.is(caught, code), `expected a PersonalabError ${code}, got ${String(caught)}`).toBe(true);
  if (messagePart !== undefined) expect((caught as Error).message).toContain(messagePart);
}

/**
 * The shared `VectorIndex` conformance suite (as LangChain's standard tests): every implementation
 * must pass it. Call it at the top level of a `*.test.ts` file.
 */
export function vectorIndexConformance(name: string, factory: VectorIndexFactory, options: ConformanceOptions = {}): void {
  const minimumRecall = options.minimumRecall ?? 0.98;
  const directories: string[] = [];
  const temporaryDirectory = () => {
    const directory = mkdtempSync(join(tmpdir(), 'personalab-vector-index-'));
    directories.push(directory);
    return directory;
  };

  describe(`VectorIndex conformance: ${name}`, () => {
    afterAll(() => {
      for (const directory of directories) rmSync(directory, { recursive: true, force: true });
    });

    it('starts empty and reports its shape', () => {
      const index = factory({ dimension: 8, metric: 'cosine' });
      expect(index.dimension).toBe(8);
      expect(index.metric).toBe('cosine');
      expect(index.size).toBe(0);
      expect(index.has('missing')).toBe(false);
      expect(index.search(new Float32Array(8).fill(1), { k: 5 })).toEqual([]);
    });

    for (const metric of metrics) {
      it(`returns the true nearest neighbours with the metric's scores (${metric})`, () => {
        const dimension = 12;
        const records = randomRecords(300, dimension, 7);
        const index = factory({ dimension, metric });
        index.add(records);
        expect(index.size).toBe(300);
        const queries = randomRecords(30, dimension, 8, 'q');
        let total = 0;
        for (const query of queries) {
          const hits = index.search(query.vector, { k: 10, ef: 200 });
          const expected = referenceTopK(records, query.vector, metric, 10);
          expect(hits).toHaveLength(10);
          for (let position = 1; position < hits.length; position++) expect(hits[position - 1]!.score).toBeGreaterThanOrEqual(hits[position]!.score);
          for (const hit of hits) {
            const stored = records.find((record) => record.id === hit.id)!;
            const truth = referenceScore(metric, query.vector, stored.vector);
            expect(Math.abs(hit.score - truth)).toBeLessThan(1e-4 * Math.max(1, Math.abs(truth)));
          }
          total += recall(expected, hits);
        }
        expect(total / queries.length).toBeGreaterThanOrEqual(minimumRecall);
        if (metric !== 'ip') {
          // Under cosine and l2 every stored vector is its own nearest neighbour.
          for (const record of records.slice(0, 50)) expect(index.search(record.vector, { k: 1, ef: 100 })[0]?.id).toBe(record.id);
        }
      });
    }

    it('scores cosine the same whatever the vectors\' scale, up to the 32-bit float range', () => {
      const dimension = 8;
      const records = randomRecords(60, dimension, 21);
      const queries = randomRecords(5, dimension, 22, 'q');
      // Squares of components past 1.8e19 overflow 32-bit floats: a norm taken there is Infinity, and every score NaN or 0.
      for (const scale of [1e-30, 1e25, 1e37]) {
        const plain = factory({ dimension, metric: 'cosine' });
        const scaled = factory({ dimension, metric: 'cosine' });
        plain.add(records);
        scaled.add(records.map((record) => ({ ...record, vector: record.vector.map((value) => value * scale) })));
        for (const query of queries) {
          const expected = plain.search(query.vector, { k: 5, ef: 100 });
          const hits = scaled.search(query.vector.map((value) => value * scale), { k: 5, ef: 100 });
          expect(hits.map((hit) => hit.id), `scale ${scale}`).toEqual(expected.map((hit) => hit.id));
          for (const [position, hit] of hits.entries()) expect(hit.score).toBeCloseTo(expected[position]!.score, 4);
        }
      }
    });

    it('accepts Float32Array and plain arrays alike', () => {
      const records = randomRecords(50, 6, 11);
      const index = factory({ dimension: 6, metric: 'l2' });
      index.add(records.map((record, position) => (position % 2 === 0 ? record : { ...record, vector: Array.from(record.vector) })));
      const query = records[3]!.vector;
      expect(index.search(Array.from(query), { k: 5, ef: 50 })).toEqual(index.search(query, { k: 5, ef: 50 }));
      expect(index.search(query, { k: 1 })[0]?.id).toBe('v3');
    });

    it('returns at most size hits and carries metadata', () => {
      const records = randomRecords(4, 5, 12);
      const index = factory({ dimension: 5, metric: 'cosine' });
      index.add(records);
      const hits = index.search(records[0]!.vector, { k: 10 });
      expect(hits.map((hit) => hit.id).sort()).toEqual(['v0', 'v1', 'v2', 'v3']);
      expect(hits.find((hit) => hit.id === 'v2')?.metadata).toEqual(records[2]!.metadata);
      index.add([{ id: 'bare', vector: records[0]!.vector }]);
      expect(index.search(records[0]!.vector, { k: 10 }).find((hit) => hit.id === 'bare')).not.toHaveProperty('metadata');
    });

    it('replaces the vector and metadata of an existing id', () => {
      const records = randomRecords(40, 6, 13);
      const index = factory({ dimension: 6, metric: 'cosine' });
      index.add(records);
      const target = records[5]!.vector;
      index.add([{ id: 'v20', vector: target, metadata: { replaced: true } }]);
      expect(index.size).toBe(40);
      const hits = index.search(target, { k: 2, ef: 50 });
      expect(hits.map((hit) => hit.id).sort()).toEqual(['v20', 'v5']);
      expect(hits.find((hit) => hit.id === 'v20')?.metadata).toEqual({ replaced: true });
      // The last record of a batch wins when an id repeats inside it.
      index.add([
        { id: 'dup', vector: records[1]!.vector },
        { id: 'dup', vector: records[2]!.vector },
      ]);
      expect(index.size).toBe(41);
      expect(index.search(records[2]!.vector, { k: 2, ef: 50 }).map((hit) => hit.id).sort()).toEqual(['dup', 'v2']);
    });

    it('never returns removed records, through churn and slot reuse', () => {
      const dimension = 8;
      const records = randomRecords(400, dimension, 14);
      const index = factory({ dimension, metric: 'cosine' });
      index.add(records);
      const random = createRandom(15);
      const removed = new Set<string>();
      const order = random.shuffle(records.map((record) => record.id));
      expect(index.remove(['not-there'])).toBe(0);
      for (let round = 0; round < 4; round++) {
        const batch = order.slice(round * 50, round * 50 + 50);
        expect(index.remove([...batch, 'not-there'])).toBe(50);
        expect(index.remove(batch)).toBe(0);
        for (const id of batch) removed.add(id);
        // New ids take the deleted slots.
        index.add(randomRecords(20, dimension, 100 + round, `r${round}-`));
        expect(index.size).toBe(400 - removed.size + 20 * (round + 1));
        for (const record of records.slice(0, 15)) {
          const hits = index.search(record.vector, { k: index.size, ef: index.size });
          for (const hit of hits) expect(removed.has(hit.id)).toBe(false);
        }
        for (const id of batch) expect(index.has(id)).toBe(false);
      }
      const survivor = records.find((record) => !removed.has(record.id))!;
      expect(index.search(survivor.vector, { k: 1, ef: 100 })[0]?.id).toBe(survivor.id);
      // A removed id can come back when it is added again.
      const back = records.find((record) => removed.has(record.id))!;
      index.add([back]);
      expect(index.has(back.id)).toBe(true);
      expect(index.search(back.vector, { k: 1, ef: 100 })[0]?.id).toBe(back.id);
    });

    it('filters with the callback and still finds the true neighbours within the filter', () => {
      const dimension = 10;
      const records = randomRecords(500, dimension, 16);
      const index = factory({ dimension, metric: 'ip' });
      index.add(records);
      const seen: VectorMetadata[] = [];
      const filter = (id: string, metadata: VectorMetadata | undefined) => {
        if (metadata) seen.push(metadata);
        return metadata?.group === 'g3';
      };
      const subset = records.filter((record) => record.metadata.group === 'g3');
      let total = 0;
      const queries = randomRecords(20, dimension, 17, 'q');
      for (const query of queries) {
        const hits = index.search(query.vector, { k: 10, ef: 200, filter });
        expect(hits.length).toBe(10);
        for (const hit of hits) expect(hit.metadata?.group).toBe('g3');
        total += recall(referenceTopK(subset, query.vector, 'ip', 10), hits);
      }
      expect(total / queries.length).toBeGreaterThanOrEqual(minimumRecall);
      expect(seen.length).toBeGreaterThan(0);
      expect(index.search(queries[0]!.vector, { k: 5, filter: () => false })).toEqual([]);
    });

    it('narrows with `where` on metadata, alone and with a filter, and follows updates and removals', () => {
      const dimension = 10;
      const records = randomRecords(500, dimension, 27);
      const index = factory({ dimension, metric: 'cosine' });
      index.add(records);
      const queries = randomRecords(15, dimension, 28, 'q');
      const subset = records.filter((record) => record.metadata.group === 'g4');
      let total = 0;
      for (const query of queries) {
        const hits = index.search(query.vector, { k: 10, ef: 200, where: { group: 'g4' } });
        expect(hits).toHaveLength(10);
        for (const hit of hits) expect(hit.metadata?.group).toBe('g4');
        total += recall(referenceTopK(subset, query.vector, 'cosine', 10), hits);
        const both = index.search(query.vector, { k: 10, ef: 200, where: { group: 'g4', even: true }, filter: (id) => Number(id.slice(1)) < 250 });
        const bothSubset = subset.filter((record) => record.metadata.even === true && Number(record.metadata.index) < 250);
        expect(both.map((hit) => hit.id).sort()).toEqual(referenceTopK(bothSubset, query.vector, 'cosine', 10).map((entry) => entry.id).sort());
      }
      expect(total / queries.length).toBeGreaterThanOrEqual(minimumRecall);
      expect(index.search(queries[0]!.vector, { k: 5, where: { group: 'nobody' } })).toEqual([]);
      // An empty `where` constrains nothing, records without metadata included.
      index.add([{ id: 'bare', vector: queries[0]!.vector }]);
      expect(index.search(queries[0]!.vector, { k: 5, ef: 100, where: {} })).toEqual(index.search(queries[0]!.vector, { k: 5, ef: 100 }));
      expect(index.search(queries[0]!.vector, { k: 1, where: {} })[0]?.id).toBe('bare');
      index.remove(['bare']);
      // 4 and "4" are different values.
      expect(index.search(queries[0]!.vector, { k: 5, where: { index: '4' } })).toEqual([]);
      expect(index.search(queries[0]!.vector, { k: 5, where: { index: 4 } }).map((hit) => hit.id)).toEqual(['v4']);
      index.add([{ id: 'v4', vector: records[4]!.vector, metadata: { group: 'moved' } }]);
      expect(index.search(queries[0]!.vector, { k: 5, where: { index: 4 } })).toEqual([]);
      expect(index.search(queries[0]!.vector, { k: 5, where: { group: 'moved' } }).map((hit) => hit.id)).toEqual(['v4']);
      index.remove(['v4']);
      expect(index.search(queries[0]!.vector, { k: 5, where: { group: 'moved' } })).toEqual([]);
    });

    it('rejects bad vectors and options without changing the index', () => {
      const index = factory({ dimension: 4, metric: 'cosine' });
      index.add([{ id: 'a', vector: [1, 0, 0, 0] }]);
      expectCode(() => index.add([{ id: 'b', vector: [1, 2, 3] }]), 'invalid_argument', 'dimension 4');
      expectCode(() => index.add([{ id: 'c', vector: [0, 1, 0, 0] }, { id: 'd', vector: [1, Number.NaN, 0, 0] }]), 'invalid_argument', 'NaN');
      expect(index.size).toBe(1);
      expect(index.has('c')).toBe(false);
      expectCode(() => index.search([1, 0, 0], { k: 1 }), 'invalid_argument');
      expectCode(() => index.search([1, 0, 0, 0], { k: 0 }), 'invalid_argument');
      expect(index.search([1, 0, 0, 0], { k: 1 })[0]?.id).toBe('a');
    });

    it('rejects metadata that would not survive save and load (NaN, ±Infinity, nested values), changing nothing', async () => {
      const index = factory({ dimension: 2, metric: 'l2' });
      index.add([{ id: 'a', vector: [0, 0], metadata: { rating: 4 } }]);
      // JSON writes NaN and ±Infinity as null: such metadata used to be saved into a file that then refused to load.
      const bad: unknown[] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, { a: 1 }, null];
      for (const value of bad) {
        const metadata = { rating: value } as unknown as VectorMetadata;
        expectCode(() => index.add([{ id: 'b', vector: [1, 1] }, { id: 'a', vector: [1, 0], metadata }]), 'invalid_argument', 'metadata.rating');
      }
      expect(index.size).toBe(1);
      expect(index.has('b')).toBe(false);
      expect(index.search([1, 0], { k: 5 })).toEqual([{ id: 'a', score: -1, metadata: { rating: 4 } }]);
      const directory = temporaryDirectory();
      await index.save(directory);
      const loaded = factory({ dimension: 2, metric: 'l2' });
      await loaded.load(directory);
      expect(loaded.search([1, 0], { k: 5 })).toEqual([{ id: 'a', score: -1, metadata: { rating: 4 } }]);
    });

    it('rejects an unknown metric when it is built', () => {
      // A metric read from configuration reaches the constructor unchecked by the compiler.
      expectCode(() => factory({ dimension: 4, metric: 'dot' as Metric }), 'invalid_argument', 'metric must be one of cosine, ip, l2');
    });

    it('passes on an error thrown by the filter, and keeps working', () => {
      const records = randomRecords(300, 6, 30);
      const index = factory({ dimension: 6, metric: 'cosine' });
      index.add(records);
      const failure = new Error('the filter failed');
      let calls = 0;
      let caught: unknown;
      try {
        index.search(records[0]!.vector, { k: 5, ef: 50, filter: () => {
          calls++;
          throw failure;
        } });
      } catch (error) {
        caught = error;
      }
      // hnswlib-node used to abort the whole process here.
      expect(caught).toBe(failure);
      expect(calls).toBe(1);
      expect(index.search(records[0]!.vector, { k: 1, ef: 50 })[0]?.id).toBe('v0');
    });

    it('rejects a component beyond the 32-bit float range, so what it stores saves and loads', async () => {
      const index = factory({ dimension: 2, metric: 'cosine' });
      index.add([{ id: 'a', vector: [1, 0] }]);
      // 1e39 is a finite double but Infinity as a float32: it used to give NaN scores ranked first, and a file that would not load.
      expectCode(() => index.add([{ id: 'b', vector: [1e39, 1] }]), 'invalid_argument', 'beyond the 32-bit float range');
      expectCode(() => index.search([0, -1e39], { k: 1 }), 'invalid_argument', 'component 1');
      expect(index.size).toBe(1);
      index.add([{ id: 'c', vector: [1e18, -1e18] }]);
      const directory = temporaryDirectory();
      await index.save(directory);
      const loaded = factory({ dimension: 2, metric: 'cosine' });
      await loaded.load(directory);
      const hits = loaded.search([1, -1], { k: 2 });
      expect(hits.map((hit) => hit.id)).toEqual(['c', 'a']);
      expect(hits[0]!.score).toBeCloseTo(1, 5);
    });

    it('keeps exact scores when the index grows between searches (l2, dimension not a multiple of 16)', () => {
      // Interleaved searches leave scratch scores in memory that growth hands to new rows.
      const dimension = 3;
      const records = randomRecords(300, dimension, 29);
      const index = factory({ dimension, metric: 'l2' });
      const query = Float32Array.from([0.5, -1, 2]);
      for (const record of records) {
        index.add([record]);
        index.search(query, { k: 1 });
      }
      for (const hit of index.search(query, { k: 300, ef: 300 })) {
        const truth = referenceScore('l2', query, records.find((record) => record.id === hit.id)!.vector);
        expect(Math.abs(hit.score - truth)).toBeLessThan(1e-4 * Math.max(1, Math.abs(truth)));
      }
    });

    it('grows past its initial capacity', () => {
      const dimension = 6;
      const records = randomRecords(3000, dimension, 18);
      const index = factory({ dimension, metric: 'l2' });
      for (let start = 0; start < records.length; start += 250) index.add(records.slice(start, start + 250));
      expect(index.size).toBe(3000);
      for (const record of [records[0]!, records[1499]!, records[2999]!]) expect(index.search(record.vector, { k: 1, ef: 100 })[0]?.id).toBe(record.id);
    });

    it('round-trips through save and load, deletes included', async () => {
      const dimension = 8;
      const records = randomRecords(300, dimension, 19);
      const index = factory({ dimension, metric: 'cosine' });
      index.add(records);
      index.remove(records.slice(0, 30).map((record) => record.id));
      const directory = temporaryDirectory();
      await index.save(directory);
      expect(readdirSync(directory)).toEqual([indexFileName]);
      const loaded = factory({ dimension, metric: 'cosine' });
      await loaded.load(directory);
      expect(loaded.size).toBe(270);
      expect(loaded.has('v0')).toBe(false);
      expect(loaded.has('v100')).toBe(true);
      const queries = randomRecords(20, dimension, 20, 'q');
      for (const query of queries) {
        const before = index.search(query.vector, { k: 10, ef: 200 });
        const after = loaded.search(query.vector, { k: 10, ef: 200 });
        expect(after.map((hit) => hit.id)).toEqual(before.map((hit) => hit.id));
        expect(after.map((hit) => hit.metadata)).toEqual(before.map((hit) => hit.metadata));
        for (const hit of loaded.search(query.vector, { k: 270, ef: 300 })) expect(hit.id.startsWith('v') && Number(hit.id.slice(1)) >= 30).toBe(true);
      }
      expect(loaded.search(queries[0]!.vector, { k: 3, where: { index: 100 } }).map((hit) => hit.id)).toEqual(['v100']);
      // The loaded index keeps working: adds reuse deleted slots, removes still hold.
      loaded.add(randomRecords(40, dimension, 21, 'n'));
      expect(loaded.size).toBe(310);
      expect(loaded.search(records[0]!.vector, { k: 310, ef: 320 }).some((hit) => hit.id === 'v0')).toBe(false);
      // Saving again overwrites atomically and leaves no temporary files behind.
      await loaded.save(directory);
      expect(readdirSync(directory)).toEqual([indexFileName]);
      const again = factory({ dimension, metric: 'cosine' });
      await again.load(directory);
      expect(again.size).toBe(310);
    });

    it('fails on a truncated or damaged file with an error naming it, and keeps the previous contents', async () => {
      const dimension = 8;
      const records = randomRecords(120, dimension, 22);
      const source = factory({ dimension, metric: 'l2' });
      source.add(records);
      const directory = temporaryDirectory();
      await source.save(directory);
      const file = join(directory, indexFileName);
      const good = readFileSync(file);

      const target = factory({ dimension, metric: 'l2' });
      const previous = randomRecords(15, dimension, 23, 'old');
      target.add(previous);
      const check = () => {
        expect(target.size).toBe(15);
        expect(target.search(previous[4]!.vector, { k: 1, ef: 50 })[0]?.id).toBe('old4');
      };

      truncateSync(file, Math.floor(good.length / 2));
      await expectRejects(() => target.load(directory), 'corrupt_file', file);
      check();

      const flipped = Buffer.from(good);
      flipped[Math.floor(good.length * 0.7)]! ^= 0xff;
      writeFileSync(file, flipped);
      await expectRejects(() => target.load(directory), 'corrupt_file', file);
      check();

      writeFileSync(file, Buffer.from('not an index at all, just some text that is long enough'));
      await expectRejects(() => target.load(directory), 'corrupt_file', file);
      check();

      rmSync(file);
      await expectRejects(() => target.load(directory), 'not_found', file);
      check();

      // The good file still loads after all that.
      writeFileSync(file, good);
      await target.load(directory);
      expect(target.size).toBe(120);
    });

    it('refuses a file of another dimension or metric, naming the file and keeping the previous contents', async () => {
      const records = randomRecords(50, 8, 24);
      const source = factory({ dimension: 8, metric: 'cosine' });
      source.add(records);
      const directory = temporaryDirectory();
      await source.save(directory);
      const file = join(directory, indexFileName);

      const otherDimension = factory({ dimension: 9, metric: 'cosine' });
      otherDimension.add(randomRecords(5, 9, 25));
      await expectRejects(() => otherDimension.load(directory), 'corrupt_file', file);
      expect(otherDimension.size).toBe(5);

      const otherMetric = factory({ dimension: 8, metric: 'ip' });
      otherMetric.add(randomRecords(6, 8, 26));
      const error = await otherMetric.load(directory).catch((caught: unknown) => caught);
      expect(PersonalabError.is(error, 'corrupt_file')).toBe(true);
      expect((error as Error).message).toContain('metric');
      expect((error as PersonalabError).details.file).toBe(file);
      expect(otherMetric.size).toBe(6);
      expect(otherMetric.search(randomRecords(6, 8, 26)[2]!.vector, { k: 6 }).length).toBe(6);
    });
  });
}
