import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { HashingEmbedder } from './hashing-embedder.js';
import { dot } from './vectors.js';

const pairs: [string, string][] = [
  ['I love playing the guitar in my free time.', 'In my spare time I enjoy playing guitar.'],
  ['My dog is afraid of thunderstorms.', 'Thunderstorms scare my dog.'],
  ['I work as a nurse at the local hospital.', 'I am a nurse and I work in a hospital nearby.'],
  ['We went hiking in the mountains last weekend.', 'Last weekend we hiked up in the mountains.'],
  ['My favourite food is spicy Thai curry.', 'Spicy Thai curry is the food I like best.'],
  ['I have two young children who go to school.', 'My two kids are young and attend school.'],
];
const unrelated = [
  'The stock market fell sharply on Tuesday.',
  'Please remember to water the plants.',
  'She bought a new car last month.',
  'The train to Boston leaves at noon.',
  'Quantum computers use qubits.',
];
const corpus = [...pairs.flat(), ...unrelated, 'I like music.', 'I have a cat.', 'I am a teacher.', 'What do you do for fun?', 'Do you have any pets?'];

describe('HashingEmbedder', () => {
  const directory = mkdtempSync(join(tmpdir(), 'personalab-embedder-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('gives the same unit vectors twice, and from a second instance', async () => {
    const first = HashingEmbedder.fit(corpus);
    const second = HashingEmbedder.fit(corpus);
    const a = await first.embed(corpus);
    const b = await first.embed(corpus);
    const c = await second.embed(corpus);
    expect(first.id).toBe(second.id);
    for (let index = 0; index < corpus.length; index++) {
      expect(a[index]).toHaveLength(256);
      expect(Array.from(a[index]!)).toEqual(Array.from(b[index]!));
      expect(Array.from(a[index]!)).toEqual(Array.from(c[index]!));
      expect(Math.abs(dot(a[index]!, a[index]!) - 1)).toBeLessThan(1e-5);
    }
    expect(Array.from(first.embedOne(''))).toEqual(new Array(256).fill(0));
    expect(Array.from(first.embedOne('!!! ...'))).toEqual(new Array(256).fill(0));
  });

  for (const fitted of [true, false]) {
    it(`ranks a paraphrase above unrelated sentences (${fitted ? 'fitted IDF' : 'no IDF'})`, async () => {
      const embedder = fitted ? HashingEmbedder.fit(corpus) : new HashingEmbedder();
      for (const [sentence, paraphrase] of pairs) {
        const [query, match, ...others] = await embedder.embed([sentence, paraphrase, ...unrelated, ...pairs.map(([other]) => other).filter((other) => other !== sentence)]);
        const target = dot(query!, match!);
        for (const other of others) expect(target).toBeGreaterThan(dot(query!, other));
      }
    });
  }

  it('down-weights words that are everywhere once fitted', async () => {
    const documents = Array.from({ length: 50 }, (_, index) => `the common words appear here number${index}`);
    documents.push('zebra stripes');
    const fitted = HashingEmbedder.fit(documents, { weights: { character: 0, bigram: 0 } });
    const plain = new HashingEmbedder({ weights: { character: 0, bigram: 0 } });
    const query = 'the common words zebra';
    const similarity = async (embedder: HashingEmbedder) => {
      const [q, common, rare] = await embedder.embed([query, 'the common words appear here', 'zebra']);
      return { common: dot(q!, common!), rare: dot(q!, rare!) };
    };
    const before = await similarity(plain);
    const after = await similarity(fitted);
    expect(before.common).toBeGreaterThan(before.rare);
    expect(after.rare).toBeGreaterThan(after.common);
    expect(fitted.documentCount).toBe(51);
    expect(fitted.id).not.toBe(plain.id);
  });

  it('serialises its fitted statistics and restores identical vectors', async () => {
    const embedder = HashingEmbedder.fit(corpus, { dimension: 64, seed: 9 });
    const file = join(directory, 'embedder.json');
    embedder.save(file);
    const restored = HashingEmbedder.load(file);
    const fromJson = HashingEmbedder.fromJSON(JSON.parse(JSON.stringify(embedder)));
    expect(restored.id).toBe(embedder.id);
    expect(restored.dimension).toBe(64);
    const [a] = await embedder.embed([corpus[3]!]);
    const [b] = await restored.embed([corpus[3]!]);
    const [c] = await fromJson.embed([corpus[3]!]);
    expect(Array.from(b!)).toEqual(Array.from(a!));
    expect(Array.from(c!)).toEqual(Array.from(a!));
    // Another seed gives other vectors and another id.
    const other = HashingEmbedder.fit(corpus, { dimension: 64, seed: 10 });
    expect(other.id).not.toBe(embedder.id);
    expect(Array.from((await other.embed([corpus[3]!]))[0]!)).not.toEqual(Array.from(a!));
  });

  it('rejects malformed state files with an error naming the file', () => {
    const broken = join(directory, 'broken.json');
    writeFileSync(broken, '{"format": "personalab-hashing-embedder", "version": 1');
    expect(() => HashingEmbedder.load(broken)).toThrowError(broken);
    const wrong = join(directory, 'wrong.json');
    const state = new HashingEmbedder().toJSON();
    writeFileSync(wrong, JSON.stringify({ ...state, dimension: -3 }));
    let caught: unknown;
    try {
      HashingEmbedder.load(wrong);
    } catch (error) {
      caught = error;
    }
    expect(PersonalabError.is(caught, 'invalid_data')).toBe(true);
    expect((caught as Error).message).toContain(wrong);
    expect((caught as Error).message).toContain('dimension');
    const mismatched = join(directory, 'mismatched.json');
    writeFileSync(mismatched, JSON.stringify({ ...state, documentCount: 1, documentFrequency: { buckets: Buffer.from(new Uint32Array([1, 2]).buffer).toString('base64'), counts: Buffer.from(new Uint32Array([1]).buffer).toString('base64') } }));
    expect(() => HashingEmbedder.load(mismatched)).toThrowError(/2 buckets but 1 counts/);
    expect(() => HashingEmbedder.load(join(directory, 'absent.json'))).toThrowError(/no hashing embedder file/);
  });
});
