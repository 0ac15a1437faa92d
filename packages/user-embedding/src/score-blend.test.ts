import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { EaseRecommender } from './ease.js';
import { LightGcnRecommender } from './lightgcn.js';
import { loadRecommender } from './load-recommender.js';
import { ScoreBlendRecommender } from './score-blend.js';
import { useCpuTestWorld } from './test/index.js';

const { world, data, directory } = useCpuTestWorld('personalab-score-blend-');
const small = { dimension: 8, stepsPerEpoch: 2, epochs: 2 } as const;
const itemIds = world.items.map((item) => item.id);
const userId = world.train[0]?.userId as string;

/** A saved blend whose first member is a tfjs model (so a load that fails after it has tensors to free). */
let saved: string;
beforeAll(async () => {
  const gcn = new LightGcnRecommender(small);
  await gcn.fit(data, { quiet: true, seed: 3 });
  const ease = new EaseRecommender({ lambda: 50 });
  await ease.fit(data);
  saved = join(directory, 'saved');
  const blend = ScoreBlendRecommender.of([gcn, ease], [2, 1]);
  await blend.save(saved);
  blend.dispose();
});

/** A copy of the saved blend, and its member folder. */
function copy(name: string): { folder: string; members: string } {
  const folder = join(directory, name);
  cpSync(saved, folder, { recursive: true });
  return { folder, members: join(folder, readdirSync(folder).find((entry) => entry.startsWith('members-')) as string) };
}

const weightsFile = (folder: string) => join(folder, readdirSync(folder).find((entry) => entry.startsWith('weights-')) as string);

/** The load fails with `code` and a message naming `file`, and leaves no tensor behind. */
async function refused(folder: string, code: PersonalabError['code'], file: string, pattern?: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await expect(loadRecommender(folder)).rejects.toSatisfy((error) => {
    if (!PersonalabError.is(error, code) || !error.message.includes(file)) throw error;
    return pattern === undefined || pattern.test(error.message);
  });
  expect(tf.memory().numTensors).toBe(before);
}

describe('a saved score blend', () => {
  it('damaged files are refused naming the file, and a failed load frees the members it had loaded', async () => {
    const noFolder = copy('no-folder');
    rmSync(noFolder.members, { recursive: true });
    await refused(noFolder.folder, 'corrupt_file', join(noFolder.members, '0'), /is missing: .*model\.json names it as member 0 \(lightgcn\)/);

    // Member 0 (LightGCN) loads; member 1 is gone.
    const noSecond = copy('no-second');
    rmSync(join(noSecond.members, '1'), { recursive: true });
    await refused(noSecond.folder, 'corrupt_file', join(noSecond.members, '1'), /member 1 \(ease\)/);

    const emptySecond = copy('empty-second');
    rmSync(join(emptySecond.members, '1'), { recursive: true });
    mkdirSync(join(emptySecond.members, '1'));
    await refused(emptySecond.folder, 'not_found', join(emptySecond.members, '1', 'model.json'));

    const truncatedMember = copy('truncated-member');
    writeFileSync(join(truncatedMember.members, '1', 'model.json'), readFileSync(join(truncatedMember.members, '1', 'model.json'), 'utf8').slice(0, 200));
    await refused(truncatedMember.folder, 'corrupt_file', join(truncatedMember.members, '1', 'model.json'), /not valid JSON/);

    const garbled = copy('garbled-weights');
    const bytes = readFileSync(weightsFile(join(garbled.members, '0')));
    bytes[7] = (bytes[7] as number) ^ 0xff;
    writeFileSync(weightsFile(join(garbled.members, '0')), bytes);
    await refused(garbled.folder, 'corrupt_file', weightsFile(join(garbled.members, '0')), /SHA-256/);
    writeFileSync(weightsFile(join(garbled.members, '0')), bytes.subarray(0, 100));
    await refused(garbled.folder, 'corrupt_file', weightsFile(join(garbled.members, '0')), /100 bytes/);

    const truncated = copy('truncated');
    writeFileSync(join(truncated.folder, 'model.json'), readFileSync(join(truncated.folder, 'model.json'), 'utf8').slice(0, 120));
    await refused(truncated.folder, 'corrupt_file', join(truncated.folder, 'model.json'), /not valid JSON/);

    const swapped = copy('swapped');
    const manifest = JSON.parse(readFileSync(join(swapped.folder, 'model.json'), 'utf8')) as { modelTopology: { config: { members: string[] } } };
    manifest.modelTopology.config.members = ['lightgcn', 'item-knn'];
    writeFileSync(join(swapped.folder, 'model.json'), JSON.stringify(manifest));
    await refused(swapped.folder, 'corrupt_file', join(swapped.members, '1'), /holds a ease model, but .*model\.json lists member 1 as item-knn/);

    // A directory of another kind, loaded as a blend.
    await expect(new ScoreBlendRecommender({ loadMember: loadRecommender }).load(join(saved, readdirSync(saved).find((entry) => entry.startsWith('members-')) as string, '0'))).rejects.toThrow(
      /holds a lightgcn model, not score-blend/,
    );
  });

  it('a damaged config is refused naming model.json and the key', async () => {
    const edits: Array<[string, (config: Record<string, unknown>) => void, RegExp]> = [
      ['fewer-members', (config) => (config.members = ['lightgcn']), /config\.members: must name one model kind per weight/],
      ['string-weight', (config) => (config.weights = [2, 'x']), /config\.weights\[1\]/],
      ['escaping-folder', (config) => (config.memberFolder = '../elsewhere'), /config\.memberFolder: must be a members-<8 hex> folder name/],
    ];
    for (const [name, edit, pattern] of edits) {
      const damaged = copy(name);
      const modelFile = join(damaged.folder, 'model.json');
      const manifest = JSON.parse(readFileSync(modelFile, 'utf8')) as { modelTopology: { config: Record<string, unknown> } };
      edit(manifest.modelTopology.config);
      writeFileSync(modelFile, JSON.stringify(manifest));
      await refused(damaged.folder, 'corrupt_file', modelFile, pattern);
    }
  });

  it('dispose frees its members, and a second load frees the members the first one loaded', async () => {
    const before = tf.memory().numTensors;
    const blend = (await loadRecommender(saved)) as ScoreBlendRecommender;
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before);
    const scores = await blend.score({ userId, itemIds });
    await blend.load(saved);
    expect(tf.memory().numTensors).toBe(loaded);
    expect(await blend.score({ userId, itemIds })).toEqual(scores);
    // A failed load leaves the loaded blend as it was.
    const broken = copy('broken');
    rmSync(join(broken.members, '1'), { recursive: true });
    await expect(blend.load(broken.folder)).rejects.toThrow(/is missing/);
    expect(await blend.score({ userId, itemIds })).toEqual(scores);
    expect(tf.memory().numTensors).toBe(loaded);
    blend.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a blend of unfitted members (as the recommender service builds it) that fails to load still fits, as if new', async () => {
    const broken = copy('broken-unfitted');
    writeFileSync(join(broken.members, '1', 'model.json'), '{');
    const blend = new ScoreBlendRecommender({ members: [new LightGcnRecommender(small), new EaseRecommender({ lambda: 50 })], weights: [2, 1], loadMember: loadRecommender });
    const before = tf.memory().numTensors;
    await expect(blend.load(broken.folder)).rejects.toThrow(/not valid JSON/);
    expect(tf.memory().numTensors).toBe(before);
    expect(() => blend.data).toThrow(/fit or load the model first/);
    await blend.fit(data, { quiet: true, seed: 3 });
    const reference = (await loadRecommender(saved)) as ScoreBlendRecommender;
    expect(await blend.score({ userId, itemIds })).toEqual(await reference.score({ userId, itemIds }));
    blend.dispose();
    reference.dispose();
  });

  it('a successful load frees the members it replaces, given ones included (the blend owns them)', async () => {
    const before = tf.memory().numTensors;
    const given = new LightGcnRecommender(small);
    await given.fit(data, { quiet: true, seed: 3 });
    const blend = new ScoreBlendRecommender({ members: [given, new EaseRecommender({ lambda: 50 })], weights: [2, 1], loadMember: loadRecommender });
    await blend.fit(data, { quiet: true, seed: 3 });
    const reference = (await loadRecommender(saved)) as ScoreBlendRecommender;
    const withReference = tf.memory().numTensors;
    reference.dispose();
    const referenceTensors = withReference - tf.memory().numTensors;
    await blend.load(saved);
    // Only the loaded members' tensors remain: the given LightGCN's were freed.
    expect(tf.memory().numTensors - before).toBe(referenceTensors);
    blend.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('blend scores', () => {
  /** z over the catalogue, in float64 (the blend works in float32: compared to 1e-4). */
  const z = (values: readonly number[]): number[] => {
    const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
    const std = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length);
    return values.map((value) => (value - mean) / std);
  };

  it('are Σ w · z(member scores); weight 0 leaves the other member alone (the P1 grid starts at 0 as context-EASE alone)', async () => {
    const gcn = new LightGcnRecommender(small);
    await gcn.fit(data, { quiet: true, seed: 5 });
    const ease = new EaseRecommender({ lambda: 50 });
    await ease.fit(data);
    const users = [...new Set(world.train.map((rating) => rating.userId))].slice(0, 5);
    const blend = ScoreBlendRecommender.of([ease, gcn], [1, 0.75]);
    for (const user of users) {
      const easeZ = z(await ease.score({ userId: user, itemIds }));
      const gcnZ = z(await gcn.score({ userId: user, itemIds }));
      const blended = await blend.score({ userId: user, itemIds });
      blended.forEach((value, index) => expect(value).toBeCloseTo((easeZ[index] as number) + 0.75 * (gcnZ[index] as number), 4));
      // LightGCN's part moves the scores: a blend that dropped it would fail here.
      expect(Math.max(...blended.map((value, index) => Math.abs(value - (easeZ[index] as number))))).toBeGreaterThan(0.1);
    }
    blend.weights = [1, 0];
    for (const user of users) {
      const alone = (await ease.recommend({ userId: user, k: 10 })).map((entry) => entry.itemId);
      expect((await blend.recommend({ userId: user, k: 10 })).map((entry) => entry.itemId)).toEqual(alone);
      const easeZ = z(await ease.score({ userId: user, itemIds }));
      (await blend.score({ userId: user, itemIds })).forEach((value, index) => expect(value).toBeCloseTo(easeZ[index] as number, 4));
    }
    blend.dispose();
  });
});
