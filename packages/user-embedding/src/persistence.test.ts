import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { PersonalabError, type TrainingData } from '@personalab/core';
import { generateSyntheticWorld, stratifiedSplit } from '@personalab/datasets';
import { AutoRecRecommender } from './autorec.js';
import type { BaseRecommender } from './base-recommender.js';
import { BayesianMfRecommender } from './bayesian-mf.js';
import { BiasedMfRecommender } from './biased-mf.js';
import { BprRecommender } from './bpr-mf.js';
import { ContextEaseRecommender } from './context-ease.js';
import { EaseRecommender } from './ease.js';
import { ItemKnnRecommender } from './item-knn.js';
import { KnnBaselineRecommender } from './knn-baseline.js';
import { loadRecommender } from './load-recommender.js';
import { MostPopularRecommender } from './most-popular.js';
import { SequentialTwoTowerRecommender } from './sequential-two-tower.js';
import { TfRecommender } from './tf-recommender.js';
import { useCpuTestWorld } from './test/index.js';

const { directory } = useCpuTestWorld('personalab-persistence-');
const world = generateSyntheticWorld({ seed: 5, users: 40, items: 30, ratingsPerUser: 15, noise: 0.2 });
const { train, test } = stratifiedSplit(world.ratings, { ratio: 0.75, seed: 5 });
const data: TrainingData = { interactions: train, items: world.items, users: world.users };
const itemIds = world.items.map((item) => item.id);
const userId = train[0]?.userId as string;

/** Every kind `loadRecommender` knows, small enough to fit in a moment. */
const models: Record<string, () => BaseRecommender> = {
  'most-popular': () => new MostPopularRecommender(),
  'item-knn': () => new ItemKnnRecommender({ neighbours: 5 }),
  ease: () => new EaseRecommender({ lambda: 10 }),
  'bpr-mf': () => new BprRecommender({ dimension: 4, epochs: 2 }),
  'biased-mf': () => new BiasedMfRecommender({ dimension: 4, epochs: 2 }),
  'bayesian-mf': () => new BayesianMfRecommender({ dimension: 2, burnIn: 2, samples: 3 }),
  'knn-baseline': () => new KnnBaselineRecommender({ neighbours: 5 }),
  autorec: () => new AutoRecRecommender({ hidden: 4, epochs: 2 }),
  'sequential-two-tower': () => new SequentialTwoTowerRecommender({ dimension: 4, maxSequence: 4, epochs: 2 }),
  'context-ease': () => new ContextEaseRecommender({ easeLambda: 10, epochs: 2, lowPass: { rank: 4 } }),
};

interface Manifest {
  modelTopology: { vocabulary: { itemIds: string[]; userIds: string[]; histories: number[][] } };
  weightsManifest: { paths: string[]; weights: { name: string; shape: number[] }[] }[];
}
const readManifest = (folder: string) => JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as Manifest;
const writeManifest = (folder: string, manifest: Manifest) => writeFileSync(join(folder, 'model.json'), JSON.stringify(manifest));
const weightsPath = (folder: string) => join(folder, readManifest(folder).weightsManifest[0]?.paths[0] as string);

/** The load fails with `code`, and its message names `file`. */
async function refused(load: Promise<unknown>, code: PersonalabError['code'], file: string, pattern?: RegExp): Promise<void> {
  await expect(load).rejects.toSatisfy((error) => {
    if (!PersonalabError.is(error, code) || !error.message.includes(file)) throw error;
    return pattern === undefined || pattern.test(error.message);
  });
}

const fitted = new Map<string, BaseRecommender>();
async function fittedModel(kind: string): Promise<BaseRecommender> {
  let model = fitted.get(kind);
  if (!model) {
    model = (models[kind] as () => BaseRecommender)();
    await model.fit(data, { validation: test, quiet: true, seed: 1 });
    fitted.set(kind, model);
  }
  return model;
}

describe('save / load of every model kind', () => {
  for (const kind of Object.keys(models)) {
    it(`${kind}: a round trip gives identical scores; damaged or mismatched files are refused naming the file`, async () => {
      const model = await fittedModel(kind);
      const folder = join(directory, kind);
      await model.save(folder);
      await model.save(folder); // over an existing save
      const loaded = await loadRecommender(folder);
      expect(await loaded.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
      expect(await loaded.score({ history: ['i3', 'i4'], itemIds })).toEqual(await model.score({ history: ['i3', 'i4'], itemIds }));
      if (loaded instanceof TfRecommender) loaded.dispose();
      const original = readManifest(folder);
      const modelFile = join(folder, 'model.json');

      // The vocabulary says 27 items, the weights were saved for 30.
      const fewerItems = readManifest(folder);
      const vocabulary = fewerItems.modelTopology.vocabulary;
      vocabulary.itemIds = vocabulary.itemIds.slice(0, -3);
      vocabulary.histories = vocabulary.histories.map((history) => history.filter((item) => item < vocabulary.itemIds.length));
      writeManifest(folder, fewerItems);
      await refused(loadRecommender(folder), 'corrupt_file', modelFile, /shape|itemTags/);

      // A history that points past the item list.
      const badHistory = structuredClone(original);
      badHistory.modelTopology.vocabulary.histories[0]?.push(999);
      writeManifest(folder, badHistory);
      await refused(loadRecommender(folder), 'corrupt_file', modelFile, /histories\[0\]/);

      // A weight declared with another shape of the same size.
      const reshaped = structuredClone(original);
      const first = reshaped.weightsManifest[0]?.weights[0] as { shape: number[] };
      const size = first.shape.reduce((product, axis) => product * axis, 1);
      first.shape = first.shape.length === 1 ? [1, size] : [size];
      writeManifest(folder, reshaped);
      await refused(loadRecommender(folder), 'corrupt_file', modelFile, /shape/);

      // Weights changed in place (same length), and a truncated weights file.
      writeManifest(folder, original);
      const bytes = readFileSync(weightsPath(folder));
      bytes[0] = (bytes[0] as number) ^ 0xff;
      writeFileSync(weightsPath(folder), bytes);
      await refused(loadRecommender(folder), 'corrupt_file', weightsPath(folder), /SHA-256/);
      writeFileSync(weightsPath(folder), bytes.subarray(0, bytes.length - 4));
      await refused(loadRecommender(folder), 'corrupt_file', weightsPath(folder), /bytes/);
    });
  }

  it('a missing directory is not_found, a truncated model.json is corrupt_file, both naming model.json', async () => {
    const missing = join(directory, 'no-such-model');
    await refused(loadRecommender(missing), 'not_found', join(missing, 'model.json'));
    await refused(new EaseRecommender().load(missing), 'not_found', join(missing, 'model.json'));
    const folder = join(directory, 'truncated');
    await (await fittedModel('ease')).save(folder);
    const text = readFileSync(join(folder, 'model.json'), 'utf8');
    writeFileSync(join(folder, 'model.json'), text.slice(0, text.length / 2));
    await refused(loadRecommender(folder), 'corrupt_file', join(folder, 'model.json'));
  });

  it("loading another model's directory is refused, and a failed load leaves a fitted model as it was", async () => {
    const easeFolder = join(directory, 'other-kind');
    await (await fittedModel('ease')).save(easeFolder);
    const bpr = await fittedModel('bpr-mf');
    const before = await bpr.score({ userId, itemIds });
    await expect(bpr.load(easeFolder)).rejects.toMatchObject({ code: 'invalid_argument', message: `${easeFolder} holds a ease model, not bpr-mf` });
    expect(await bpr.score({ userId, itemIds })).toEqual(before);
    // Same kind, damaged: the fitted EASE keeps serving its own scores.
    const ease = await fittedModel('ease');
    const easeScores = await ease.score({ userId, itemIds });
    const damaged = readManifest(easeFolder);
    damaged.modelTopology.vocabulary.itemIds = damaged.modelTopology.vocabulary.itemIds.slice(0, -1);
    writeManifest(easeFolder, damaged);
    await expect(ease.load(easeFolder)).rejects.toMatchObject({ code: 'corrupt_file' });
    expect(await ease.score({ userId, itemIds })).toEqual(easeScores);
    expect(ease.itemIds).toHaveLength(itemIds.length);
  });

  it('a completed save leaves one weights file, and loads saves that used the old weights.bin name', async () => {
    const folder = join(directory, 'one-file');
    const ease = await fittedModel('ease');
    await ease.save(folder);
    await (await fittedModel('most-popular')).save(folder);
    expect(readdirSync(folder).filter((name) => name.endsWith('.bin'))).toHaveLength(1);
    // A save from before content-named weights files: weights.bin, no checksum.
    await ease.save(folder);
    const manifest = JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')) as Manifest & { weightsSha256?: string };
    copyFileSync(weightsPath(folder), join(folder, 'weights.bin'));
    manifest.weightsManifest[0] = { ...(manifest.weightsManifest[0] as Manifest['weightsManifest'][number]), paths: ['weights.bin'] };
    delete manifest.weightsSha256;
    writeManifest(folder, manifest);
    expect(await (await loadRecommender(folder)).score({ userId, itemIds })).toEqual(await ease.score({ userId, itemIds }));
    // model.json may not point outside its directory.
    manifest.weightsManifest[0] = { ...(manifest.weightsManifest[0] as Manifest['weightsManifest'][number]), paths: ['../weights.bin'] };
    writeManifest(folder, manifest);
    await refused(loadRecommender(folder), 'corrupt_file', join(folder, 'model.json'), /paths/);
  });

  it('recommend and score allocate no lasting tensors, for any tfjs model', async () => {
    for (const kind of ['bpr-mf', 'biased-mf', 'autorec', 'sequential-two-tower']) {
      const model = await fittedModel(kind);
      const calls = async () => {
        await model.recommend({ userId, k: 5 });
        await model.recommend({ history: ['i1', 'i1', 'zz'], k: 5, exclude: itemIds });
        await model.score({ userId, itemIds: ['i1', 'zz'] });
        await model.score({ history: [], itemIds });
      };
      await calls();
      const before = tf.memory().numTensors;
      for (let round = 0; round < 3; round++) await calls();
      expect(tf.memory().numTensors, kind).toBe(before);
    }
  });
});
