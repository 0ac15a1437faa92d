import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@personalab/core';
import { generateSyntheticWorld, loadMovieLens100k } from '@personalab/datasets';
import { tinyMovieLensFiles } from '@personalab/datasets/test';
import { ContextEaseRecommender, EaseRecommender, LightGcnRecommender, pageEaseOptions, ScoreBlendRecommender, selectBackend } from '@personalab/user-embedding';
import { serve } from './main-job.js';

const root = mkdtempSync(join(tmpdir(), 'personalab-model-dir-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const stateDir = join(root, 'state');
const config = loadConfig({ PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1' });
const served = { config, dataset: 'synthetic' as const, fetchMovieLens: false as const, port: 0, host: '127.0.0.1', quiet: true };
// The world `serve --dataset synthetic` seeds its store with.
const world = generateSyntheticWorld({ seed: 42, users: 200, items: 400, ratingsPerUser: 30 });
const blendDir = join(root, 'blend');
const partialDir = join(root, 'partial');
const movieLensModelDir = join(root, 'movielens-model');

/** Every file under a folder with its bytes' digest and modification time: what "never written" is checked against. */
function snapshot(directory: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else out[path] = `${createHash('sha256').update(readFileSync(path)).digest('hex')} ${statSync(path).mtimeMs}`;
    }
  };
  walk(directory);
  return out;
}

async function recommendations(server: { url: string; apiKey: string }, query = 'k=5'): Promise<{ status: number; body: { recommendations: { item: { id: string; tags: string[] }; source: string }[] } }> {
  const origin = server.url.split('/#')[0] as string;
  const response = await fetch(`${origin}/v1/users/u1/recommendations?${query}`, { headers: { authorization: `Bearer ${server.apiKey}` } });
  return { status: response.status, body: (await response.json()) as { recommendations: { item: { id: string; tags: string[] }; source: string }[] } };
}

beforeAll(async () => {
  await selectBackend({ log: () => undefined });
  // As `personalab train --model context-ease+lightgcn` saves it: the closed form + w × LightGCN, a score blend.
  const data = { interactions: world.ratings, items: world.items, users: world.users };
  const context = new ContextEaseRecommender({ epochs: 0, easeLambda: pageEaseOptions.lambda });
  const gcn = new LightGcnRecommender({ epochs: 2 });
  await context.fit(data, { seed: 1, quiet: true });
  await gcn.fit(data, { seed: 1, quiet: true });
  const blend = ScoreBlendRecommender.of([context, gcn], [1, 3]);
  await blend.save(blendDir);
  blend.dispose();
  // A model that knows all but the last 50 items of the catalogue.
  const known = new Set(world.items.slice(0, 350).map((item) => item.id));
  const partial = new EaseRecommender(pageEaseOptions);
  await partial.fit({ interactions: world.ratings.filter((rating) => known.has(rating.itemId)), items: world.items.filter((item) => known.has(item.id)), users: world.users }, { quiet: true });
  await partial.save(partialDir);
  // A model trained on (tiny) MovieLens: none of its items are the synthetic world's.
  const movieLens = join(root, 'ml');
  mkdirSync(movieLens);
  for (const [name, content] of Object.entries(tinyMovieLensFiles)) writeFileSync(join(movieLens, name), content);
  const ml = await loadMovieLens100k(movieLens);
  const mlModel = new EaseRecommender({ lambda: 10 });
  await mlModel.fit({ interactions: ml.ratings, items: ml.items, users: ml.users }, { quiet: true });
  await mlModel.save(movieLensModelDir);
}, 120_000);

describe('serve --model-dir (a model saved by personalab train)', () => {
  it('serves the saved context-EASE + LightGCN blend as it is, says what it loaded from where, and never trains or writes a model', async () => {
    const before = snapshot(blendDir);
    const lines: string[] = [];
    const server = await serve({ ...served, modelDir: blendDir, log: (line) => lines.push(line) });
    try {
      const log = lines.join('\n');
      expect(log).toContain(`model: loaded score-blend of context-ease + 3 × lightgcn (per-user z-scores) from ${blendDir} (--model-dir: 400 items, 200 users; served as saved, not retrained, nothing written to it)`);
      expect(log).not.toMatch(/model: trained|training/);
      const { status, body } = await recommendations(server);
      expect(status).toBe(200);
      expect(body.recommendations).toHaveLength(5);
      expect(body.recommendations.some((entry) => entry.source === 'model')).toBe(true);
    } finally {
      await server.close();
    }
    expect(snapshot(blendDir)).toEqual(before);
    // The server's own model folder is neither made nor touched.
    expect(existsSync(join(stateDir, 'recommender', 'model'))).toBe(false);
  });

  it('serves a model that lacks some catalogue items, those through the other sources', async () => {
    const lines: string[] = [];
    const server = await serve({ ...served, modelDir: partialDir, log: (line) => lines.push(line) });
    try {
      expect(lines.join('\n')).toContain(`model: loaded ease from ${partialDir} (--model-dir: 350 items, 200 users; served as saved, not retrained, nothing written to it; 50 of the catalogue's 400 items are not in it and reach users through text, genre and popularity)`);
      const { status, body } = await recommendations(server, 'k=10');
      expect(status).toBe(200);
      expect(body.recommendations).toHaveLength(10);
      // An item the model does not know is still offered, from what the user says (the text index).
      const origin = server.url.split('/#')[0] as string;
      const chat = await fetch(`${origin}/v1/chat`, {
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: 'u2', message: 'a musical about a canyon and a shadow please' }),
      });
      expect(chat.status).toBe(200);
      const turn = (await chat.json()) as { recommendations: { item: { id: string } }[] };
      expect(turn.recommendations.map((entry) => entry.item.id)).toContain('i353');
    } finally {
      await server.close();
    }
  });

  it('refuses a model trained on other data in one line naming the folder and how many ids did not match, and frees the lock', async () => {
    const lines: string[] = [];
    const error = await serve({ ...served, modelDir: movieLensModelDir, log: (line) => lines.push(line) }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error).toMatchObject({ code: 'invalid_argument' });
    expect(error?.message).toMatch(new RegExp(`^--model-dir ${movieLensModelDir.replace(/[/\\.]/g, '\\$&')}: 3 of the model's 3 item ids are not in the served catalogue \\(the synthetic world, seed 42, 400 items; e\\.g\\. "1", "2", "3"\\)`));
    expect(error?.message).not.toContain('\n');
    expect(lines.join('\n')).not.toMatch(/model: (loaded|trained)/);
    expect(existsSync(join(stateDir, 'recommender', 'server.lock'))).toBe(false);
  });

  it('refuses --model-dir with --model or --retrain before any work, and a folder that holds no model', async () => {
    for (const extra of [{ model: 'page-ease' as const }, { retrain: true }]) {
      const lines: string[] = [];
      await expect(serve({ ...served, modelDir: blendDir, ...extra, log: (line) => lines.push(line) })).rejects.toMatchObject({
        code: 'invalid_argument',
        message: expect.stringMatching(/^--model-dir serves the saved model as it is: it does not go with (--model page-ease|--retrain)/) as unknown as string,
      });
      expect(lines).toEqual([]);
    }
    await expect(serve({ ...served, modelDir: join(root, 'nowhere'), log: () => undefined })).rejects.toMatchObject({ message: `--model-dir ${join(root, 'nowhere')}: no such folder` });
    await expect(serve({ ...served, modelDir: root, log: () => undefined })).rejects.toMatchObject({ message: expect.stringContaining(`--model-dir ${root} holds no model.json`) as unknown as string });
  });
});
