import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type * as Core from '@personalab/core';
import { PersonalabError, blockingFile } from '@personalab/core';
import { checkpointEpoch, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { EaseRecommender } from './ease.js';
import { loadRecommender } from './load-recommender.js';
import { MostPopularRecommender } from './most-popular.js';
import { ScoreBlendRecommender } from './score-blend.js';
import { smallWorld } from './test/index.js';
import { loadModelDirectory, memberFolderPattern, saveModelDirectory } from './weights-io.js';

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

  it('a checkpoint write that fails mid-save leaves the previous epoch\'s checkpoint whole and resumable', async () => {
    const folder = join(directory, 'checkpoints');
    const weights = (value: number) => ({ w: { shape: [2], values: Float32Array.from([value, value]) } });
    const progress = { bestEpoch: 1, bestMetric: 0.5, sinceBest: 0 };
    await saveCheckpoint(folder, { epoch: 1, weights: weights(1), best: weights(1), progress, settings: { seed: 1 } });
    failing.file = 'model.json';
    try {
      await expect(saveCheckpoint(folder, { epoch: 2, weights: weights(2), best: weights(2), progress: { ...progress, bestEpoch: 2 }, settings: { seed: 1 } })).rejects.toThrow(/simulated failure/);
    } finally {
      failing.file = undefined;
    }
    expect(checkpointEpoch(folder)).toBe(1);
    const loaded = await loadCheckpoint(folder);
    expect(loaded?.epoch).toBe(1);
    expect(Array.from(loaded?.weights.w?.values ?? [])).toEqual([1, 1]);
  });

  it('a save where a file stands in for the folder is one storage_error naming that file, not a raw EEXIST / ENOTDIR', async () => {
    const file = join(directory, 'a-file');
    writeFileSync(file, 'not a folder');
    const tiny = { w: { shape: [1], values: Float32Array.from([1]) } };
    for (const target of [file, join(file, 'model'), join(file, 'checkpoints', 'last')]) {
      expect(blockingFile(target)).toBe(file);
      await expect(saveModelDirectory(target, { kind: 'test' }, tiny)).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'storage_error') && error.message === `cannot save a model to ${target}: ${file} is a file, not a folder`,
      );
    }
    mkdirSync(join(directory, 'a-folder'));
    expect(blockingFile(join(directory, 'a-folder', 'new', 'deeper'))).toBeUndefined();
  });

  it("a model saved over a score blend removes the blend's member folders once its model.json is in place; a blend over a blend keeps only its own", async () => {
    const world = smallWorld(5, { users: 30, items: 25, ratingsPerUser: 20 });
    const data = { interactions: world.train, items: world.items, users: world.users };
    const ease = new EaseRecommender({ lambda: 10 });
    await ease.fit(data);
    const popular = new MostPopularRecommender();
    await popular.fit(data);
    const userId = world.train[0]?.userId as string;
    const itemIds = world.items.map((item) => item.id);
    const memberFolders = (folder: string) => readdirSync(folder).filter((name) => memberFolderPattern.test(name));
    const folder = join(directory, 'blend-then-ease');
    const blend = ScoreBlendRecommender.of([ease, popular], [1, 0.5]);
    await blend.save(folder);
    const blendScores = await blend.score({ userId, itemIds });
    const [members] = memberFolders(folder);
    expect(members).toBeDefined();

    // A crash while EASE's model.json is written: the blend stays whole and loadable.
    failing.file = join(folder, 'model.json');
    try {
      await expect(ease.save(folder)).rejects.toThrow(/simulated failure/);
    } finally {
      failing.file = undefined;
    }
    expect(memberFolders(folder)).toEqual([members]);
    expect(await (await loadRecommender(folder)).score({ userId, itemIds })).toEqual(blendScores);

    // `serve --model context-ease` or `train --out` over the blend's folder: the member folder had stayed for good.
    // A folder of the user's that merely looks like one is not the blend's, and stays.
    mkdirSync(join(folder, 'members-deadbeef'));
    writeFileSync(join(folder, 'members-deadbeef', 'notes.txt'), 'mine');
    await ease.save(folder);
    expect(memberFolders(folder)).toEqual(['members-deadbeef']);
    rmSync(join(folder, 'members-deadbeef'), { recursive: true });
    await ease.save(folder);
    expect(memberFolders(folder)).toEqual([]);
    const loaded = await loadRecommender(folder);
    expect(loaded.name).toBe('ease');
    expect(await loaded.score({ userId, itemIds })).toEqual(await ease.score({ userId, itemIds }));

    // A blend saved over a blend (score-blend's own cleanup runs after this one's) keeps only the new member folder.
    await blend.save(folder);
    const [first] = memberFolders(folder);
    await ScoreBlendRecommender.of([ease, popular], [1, 2]).save(folder);
    const [second, ...others] = memberFolders(folder);
    expect(others).toEqual([]);
    expect(second).not.toBe(first);
    expect(JSON.parse(readFileSync(join(folder, 'model.json'), 'utf8')).modelTopology.config.memberFolder).toBe(second);
    const reloaded = await loadRecommender(folder);
    expect(await reloaded.score({ userId, itemIds })).not.toEqual(blendScores);
    expect(await reloaded.score({ userId, itemIds })).toEqual(await ScoreBlendRecommender.of([ease, popular], [1, 2]).score({ userId, itemIds }));
  });

  it('a saved model where a checkpoint is expected is refused as such, naming the model kind', async () => {
    const folder = join(directory, 'other-model');
    await saveModelDirectory(join(folder, 'last'), { kind: 'ease', lambda: 500 }, { w: { shape: [1], values: Float32Array.from([1]) } });
    expect(checkpointEpoch(folder)).toBeNull();
    await expect(loadCheckpoint(folder)).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_argument') && error.message.startsWith(`${join(folder, 'last')} holds a saved ease model, not a training checkpoint`),
    );
    expect(checkpointEpoch(join(directory, 'no-such-folder'))).toBeUndefined();
  });
});
