import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
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
import { SequentialTwoTowerRecommender } from './sequential-two-tower.js';
import { checkedSettings } from './settings-check.js';
import { TfRecommender } from './tf-recommender.js';
import { useCpuTestWorld } from './test/index.js';

const { world, data, directory } = useCpuTestWorld('personalab-settings-check-');
const itemIds = world.items.map((item) => item.id);
const userId = world.train[0]?.userId as string;

interface Family {
  create: () => BaseRecommender;
  /** A saved config key and a bad value for it (each had loaded unchecked, through Number() or Object.assign). */
  badSaved: [key: string, value: unknown][];
  /** A key a save may lack (an older save), and what the loaded model then reads for it. */
  missing?: [key: string, read: (model: BaseRecommender) => unknown, expected: unknown];
  /** A valid but unusual value that must survive save and load, read from the loaded model. */
  kept?: [read: (model: BaseRecommender) => unknown, expected: unknown];
  /** Bad constructor options. */
  badOptions: () => unknown;
}

const options = (model: BaseRecommender) => (model as unknown as { options: Record<string, unknown> }).options;

/** Every kind `loadRecommender` loads whose save has settings (most-popular saves none; score-blend checks its own). */
const families: Record<string, Family> = {
  'item-knn': {
    create: () => new ItemKnnRecommender({ neighbours: 5 }),
    badSaved: [['neighbours', 'x'], ['neighbours', 0]],
    badOptions: () => new ItemKnnRecommender({ neighbourCounts: [10, 2.5] }),
  },
  ease: {
    create: () => new EaseRecommender({ lambda: 10 }),
    badSaved: [['lambda', '10'], ['lambda', -1], ['pageWeight', null]],
    missing: ['pageWeight', (model) => (model as EaseRecommender).pageWeight, 0],
    badOptions: () => new EaseRecommender({ lambda: Number.NaN }),
  },
  'bpr-mf': {
    create: () => new BprRecommender({ dimension: 4, epochs: 1 }),
    badSaved: [['l2', '1e-4'], ['dimension', '4'], ['seed', 1.5]],
    missing: ['patience', (model) => options(model).patience, 4],
    badOptions: () => new BprRecommender({ dimension: 0 }),
  },
  'biased-mf': {
    create: () => new BiasedMfRecommender({ dimension: 4, epochs: 1 }),
    badSaved: [['globalMean', '3.5'], ['implicit', 'false'], ['biasL2', -0.1]],
    missing: ['patience', (model) => options(model).patience, 4],
    badOptions: () => new BiasedMfRecommender({ usersPerBatch: 0 }),
  },
  autorec: {
    create: () => new AutoRecRecommender({ hidden: 4, epochs: 1 }),
    badSaved: [['globalMean', 'x'], ['hidden', '4']],
    missing: ['patience', (model) => options(model).patience, 8],
    badOptions: () => new AutoRecRecommender({ learningRate: 0 }),
  },
  'bayesian-mf': {
    create: () => new BayesianMfRecommender({ dimension: 2, burnIn: 2, samples: 3 }),
    badSaved: [['globalMean', 'x'], ['samples', 0]],
    missing: ['noiseStd', (model) => (model as BayesianMfRecommender).noiseStd, Number.NaN],
    badOptions: () => new BayesianMfRecommender({ samples: 0 }),
  },
  'knn-baseline': {
    create: () => new KnnBaselineRecommender({ neighbours: 5 }),
    // neighbours -1 had loaded, then failed at the first prediction.
    badSaved: [['neighbours', -1], ['globalMean', null]],
    missing: ['biasIterations', (model) => options(model).biasIterations, 10],
    badOptions: () => new KnnBaselineRecommender({ neighbours: -1 }),
  },
  'sequential-two-tower': {
    create: () => new SequentialTwoTowerRecommender({ dimension: 4, maxSequence: 4, epochs: 1 }),
    badSaved: [['keepRange', 'x'], ['keepRange', [0.5, 2]], ['maxSequence', '4'], ['itemToItem', 1]],
    missing: ['itemToItemLearningRate', (model) => options(model).itemToItemLearningRate, 0.01],
    badOptions: () => new SequentialTwoTowerRecommender({ keepRange: [0.5, Number.NaN] }),
  },
  'context-ease': {
    create: () => new ContextEaseRecommender({ easeLambda: 10, epochs: 1, lowPass: { rank: 4 }, gateZ: Number.POSITIVE_INFINITY }),
    badSaved: [['lowPass', { rank: 4, weight: '0.25', withPages: true }], ['lowPass', { rank: 4, weight: 0.25 }], ['hidden', -1], ['featureMean', [1, 2]]],
    // Saves made before the low-pass option: the model without it.
    missing: ['lowPass', (model) => options(model).lowPass, { rank: 128, weight: 0, withPages: true }],
    // An infinite gate is saved as null.
    kept: [(model) => options(model).gateZ, Number.POSITIVE_INFINITY],
    badOptions: () => new ContextEaseRecommender({ lowPass: { rank: -1 } }),
  },
};

describe('saved settings are checked when loaded, and options when built', () => {
  for (const [kind, family] of Object.entries(families)) {
    it(`${kind}: a bad saved value is corrupt_file naming model.json and the key, the model kept; a missing key loads with its default; bad options are invalid_argument`, async () => {
      const model = family.create();
      await model.fit(data, { quiet: true, seed: 1 });
      const folder = join(directory, kind);
      await model.save(folder);
      const modelFile = join(folder, 'model.json');
      const original = readFileSync(modelFile, 'utf8');
      const before = await model.score({ userId, itemIds });
      const settingsBefore = structuredClone(options(model) ?? {});
      const tensors = tf.memory().numTensors;
      const edited = (edit: (config: Record<string, unknown>) => void) => {
        const manifest = JSON.parse(original) as { modelTopology: { config: Record<string, unknown> } };
        edit(manifest.modelTopology.config);
        writeFileSync(modelFile, JSON.stringify(manifest));
      };

      for (const [key, value] of family.badSaved) {
        edited((config) => {
          config[key] = value;
        });
        const named = new RegExp(`^${modelFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${kind}: config\\.${key}\\b`);
        await expect(loadRecommender(folder), `${key} = ${JSON.stringify(value)}`).rejects.toSatisfy((error) => {
          if (!PersonalabError.is(error, 'corrupt_file') || !named.test(error.message)) throw error;
          return true;
        });
        // A failed load leaves a fitted model as it was.
        await expect(model.load(folder)).rejects.toThrow(named);
        expect(await model.score({ userId, itemIds })).toEqual(before);
        if (options(model) !== undefined) expect(options(model)).toEqual(settingsBefore);
      }
      expect(tf.memory().numTensors).toBe(tensors);

      if (family.missing) {
        const [key, read, expected] = family.missing;
        edited((config) => {
          delete config[key];
        });
        const loaded = await loadRecommender(folder);
        expect(read(loaded)).toEqual(expected);
        if (loaded instanceof TfRecommender) loaded.dispose();
      }
      if (family.kept) {
        writeFileSync(modelFile, original);
        const loaded = await loadRecommender(folder);
        expect(family.kept[0](loaded)).toEqual(family.kept[1]);
        expect(await loaded.score({ userId, itemIds })).toEqual(before);
        if (loaded instanceof TfRecommender) loaded.dispose();
      }
      if (model instanceof TfRecommender) model.dispose();

      expect(family.badOptions).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(new RegExp(`^${kind}: options\\.`)) }));
    });
  }
});

describe('patience', () => {
  it('may be Infinity (every epoch trained), and a save holding it as null loads as Infinity', async () => {
    const model = new BprRecommender({ dimension: 4, epochs: 1, patience: Number.POSITIVE_INFINITY });
    expect(model.options.patience).toBe(Number.POSITIVE_INFINITY);
    await model.fit(data, { quiet: true, seed: 1 });
    const folder = join(directory, 'bpr-infinite-patience');
    await model.save(folder);
    // JSON writes Infinity as null.
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).modelTopology.config.patience).toBeNull();
    const loaded = (await loadRecommender(folder)) as BprRecommender;
    expect(loaded.options.patience).toBe(Number.POSITIVE_INFINITY);
    expect(await loaded.score({ userId, itemIds })).toEqual(await model.score({ userId, itemIds }));
    expect(() => new BprRecommender({ patience: -1 })).toThrow(/options\.patience/);
    loaded.dispose();
    model.dispose();
  });
});

describe('checkedSettings', () => {
  const schema = z.object({ size: z.number().int().min(1), rate: z.number().positive() });
  const defaults = { size: 2, rate: 0.5 };

  it('lays known, defined keys over the base; other keys keep the base', () => {
    expect(checkedSettings('m', schema, defaults, { size: 3, rate: undefined, other: 'x' }, 'options')).toEqual({ size: 3, rate: 0.5 });
  });

  it('names the model, the source and the key; options are invalid_argument, a saved config corrupt_file', () => {
    expect(() => checkedSettings('m', schema, defaults, { size: '3' }, 'options')).toThrow(expect.objectContaining({ code: 'invalid_argument', message: expect.stringMatching(/^m: options\.size: /) }));
    expect(() => checkedSettings('m', schema, defaults, { rate: null }, 'config')).toThrow(expect.objectContaining({ code: 'corrupt_file', message: expect.stringMatching(/^m: config\.rate: /) }));
    // A key the base lacks must come from the settings.
    expect(() => checkedSettings('m', schema, { size: 2 }, {}, 'config')).toThrow(/config\.rate/);
  });
});
