import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { temporaryDirectory, tinyMovieLensFiles } from '@personalab/datasets/test';
import { getConfig, PersonalabError } from '@personalab/core';
import { checkpointEpoch, ContextEaseRecommender, lightGcnBlendWeights, loadCheckpoint, loadModelDirectory, loadRecommender, MostPopularRecommender, saveCheckpoint, servedBlend } from '@personalab/user-embedding';
import { movielensResultsDirectory, registerExperimentMovielensCommand } from './experiment-movielens.js';
import { describeGate, describeTrainingSummary, interruptibly, refitEpochs, registerTrainCommand } from './train.js';
import { runCli, runCliOutput, spawnCli } from '../test/run-cli.js';

function run(args: string[]): Promise<string> {
  return runCli([registerTrainCommand, registerExperimentMovielensCommand], args);
}

describe('personalab train / experiment movielens', () => {
  const folder = temporaryDirectory('personalab-cli-train-');
  mkdirSync(join(folder.path, 'movielens-100k'));
  for (const [name, content] of Object.entries(tinyMovieLensFiles)) folder.write(join('movielens-100k', name), content);
  afterAll(() => folder.remove());

  it('trains a model on the data directory and saves one that loads back', async () => {
    const out = join(folder.path, 'model');
    const printed = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'most-popular', '--backend', 'cpu', '--out', out]);
    expect(printed).toContain(`saved to ${out}`);
    const model = await loadRecommender(out);
    expect(model.name).toBe('most-popular');
    expect((await model.recommend({ history: [], k: 2 })).length).toBe(2);
  });

  it('prints a rating model\'s validation RMSE (not minus it), and no NaN metric when there was no validation data', async () => {
    expect(describeTrainingSummary({ bestEpoch: 7, bestMetric: -0.9291, metricName: 'valNegRmse', examplesPerSecond: 1000 })).toBe('best epoch 7 (validation RMSE 0.9291), 1000 examples/s');
    expect(describeTrainingSummary({ bestEpoch: 3, bestMetric: 0.41234, metricName: 'valNdcg10', examplesPerSecond: 10 })).toBe('best epoch 3 (validation NDCG@10 0.4123), 10 examples/s');
    // The tiny MovieLens split leaves no validation ratings.
    const out = join(folder.path, 'biased-mf');
    const printed = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'biased-mf', '--backend', 'cpu', '--epochs', '1', '--out', out]);
    expect(printed).toMatch(/biased-mf: trained in [\d.]+ s, best epoch 1, \d+ examples\/s/);
  });

  /** 40 users in two taste groups over 24 films (480 ratings): enough for the 90/10 split to hold some out. */
  function clusteredData(): string {
    const clustered = join(folder.path, 'clustered');
    if (existsSync(clustered)) return clustered;
    mkdirSync(join(clustered, 'movielens-100k'), { recursive: true });
    const rows: string[] = [];
    for (let user = 1; user <= 40; user++) {
      const offset = user % 2 === 0 ? 0 : 12;
      for (let k = 0; k < 12; k++) rows.push(`${user}\t${offset + ((user + k * 5) % 12) + 1}\t${1 + ((user + k) % 5)}\t${881250949 + user * 100 + k}`);
    }
    folder.write(join('clustered', 'movielens-100k', 'u.data'), rows.join('\n') + '\n');
    folder.write(join('clustered', 'movielens-100k', 'u.item'), Array.from({ length: 24 }, (_, index) => `${index + 1}|Film ${index + 1} (1995)|01-Jan-1995||http://x|${'0|'.repeat(18)}1`).join('\n') + '\n');
    folder.write(join('clustered', 'movielens-100k', 'u.user'), Array.from({ length: 40 }, (_, index) => `${index + 1}|30|M|other|00000`).join('\n') + '\n');
    return clustered;
  }

  it('--refit trains a fresh model on every rating for the best epoch count and saves that one', async () => {
    const clustered = clusteredData();
    const out = join(folder.path, 'bpr-refit');
    const printed = await run(['--data-dir', clustered, '--quiet', 'train', '--model', 'bpr-mf', '--backend', 'cpu', '--epochs', '4', '--refit', '--out', out]);
    const match = /best epoch (\d+) \(validation NDCG@10 [\d.]+\), \d+ examples\/s, then refitted on all 480 ratings for (\d+) (epochs?) in [\d.]+ s/.exec(printed);
    expect(match, printed).not.toBeNull();
    expect(match?.[2]).toBe(match?.[1]);
    expect(match?.[3]).toBe(match?.[2] === '1' ? 'epoch' : 'epochs');
    expect((await loadRecommender(out)).name).toBe('bpr-mf');
    // LightGCN, refitted for one epoch: "1 epoch", and the refit is what was saved.
    const lightgcn = join(folder.path, 'lightgcn-refit');
    const once = await run(['--data-dir', clustered, '--quiet', 'train', '--model', 'lightgcn', '--backend', 'cpu', '--epochs', '1', '--refit', '--out', lightgcn]);
    expect(once).toMatch(/^lightgcn: trained in [\d.]+ s, best epoch 1 \(validation NDCG@10 [\d.]+\), \d+ examples\/s, then refitted on all 480 ratings for 1 epoch in [\d.]+ s$/m);
    const saved = await loadRecommender(lightgcn);
    expect(saved.name).toBe('lightgcn');
    expect(saved.data.histories.flat()).toHaveLength(480);
    // Nothing held out (the tiny set): said, and no refit; a model that is not trained in epochs: refused.
    const tiny = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'biased-mf', '--backend', 'cpu', '--epochs', '1', '--refit', '--out', join(folder.path, 'tiny-refit')]);
    expect(tiny).toContain('(--refit: nothing was held out, so the model already saw every rating)');
    await expect(run(['--data-dir', folder.path, 'train', '--model', 'most-popular', '--refit'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_argument') && error.message === '--refit applies to the tfjs models only; most-popular is not trained in epochs',
    );
  });

  it('trains the P1 blend (context-EASE + w × LightGCN): the weight chosen on the held-out ratings, both members refitted with --refit', async () => {
    const clustered = clusteredData();
    const out = join(folder.path, 'blend');
    const printed = await run(['--data-dir', clustered, '--quiet', 'train', '--model', 'context-ease+lightgcn', '--backend', 'cpu', '--epochs', '2', '--refit', '--out', out]);
    const match =
      /^context-ease\+lightgcn: trained in [\d.]+ s, LightGCN best epoch (\d) \(validation NDCG@10 [\d.]+\), \d+ examples\/s; LightGCN's weight ([\d.]+) chosen on the validation split \(the blend's NDCG@10 ([\d.]+), the closed form's alone ([\d.]+)\); then both members refitted on all 480 ratings \(LightGCN for (\d) epochs?\) in [\d.]+ s$/m.exec(
        printed,
      );
    expect(match, printed).not.toBeNull();
    const [, bestEpoch, weight, blendNdcg, closedFormNdcg, refitEpochs] = match ?? [];
    expect(refitEpochs).toBe(bestEpoch);
    expect(lightGcnBlendWeights as readonly number[]).toContain(Number(weight));
    // The weight is the grid's best on validation, so the blend is never below the closed form alone (weight 0).
    expect(Number(blendNdcg)).toBeGreaterThanOrEqual(Number(closedFormNdcg));
    const saved = await loadRecommender(out);
    try {
      expect(saved.name).toBe('score-blend');
      // The refit is what was saved: both members saw every rating.
      expect(saved.data.histories.flat()).toHaveLength(480);
      const config = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')) as { modelTopology: { config: { members: string[]; weights: number[] } } };
      expect(config.modelTopology.config.members).toEqual(['context-ease', 'lightgcn']);
      expect(config.modelTopology.config.weights).toEqual([1, Number(weight)]);
      expect((await saved.recommend({ history: ['1', '2'], k: 3 })).length).toBe(3);
    } finally {
      saved.dispose();
    }
    // Nothing held out (the tiny set): the served weight, said so, no refit.
    const tiny = await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'context-ease+lightgcn', '--backend', 'cpu', '--epochs', '1', '--refit', '--out', join(folder.path, 'tiny-blend')]);
    expect(tiny).toMatch(new RegExp(`LightGCN's weight ${servedBlend.lightgcnWeight} \\(the served one: no ratings were held out to choose it\\) \\(--refit: nothing was held out, so the model already saw every rating\\)`));
  });

  it('says when context-EASE\'s gate kept epoch 0 (the closed form) rather than the best epoch it prints', async () => {
    // MovieLens 100K, seed 42: "best epoch 3 (validation NDCG@10 0.3520)" had been printed for a saved closed form.
    const model = new ContextEaseRecommender({ epochs: 0 });
    try {
      expect(describeGate(model)).toBe('');
      model.gate = { users: 188, baseNdcg: 0.35, learnedNdcg: 0.3512, z: 0.83, kept: 'epoch 0' };
      expect(describeGate(model)).toBe("; the gate kept epoch 0, the closed form, not the best epoch (the learned epoch's NDCG@10 of 188 gate users 0.3512 against epoch 0's 0.3500, z 0.83 < 2)");
      // --refit then fits the closed form on every rating, not the combiner for the best epoch count again.
      expect(refitEpochs(model, 3)).toBe(0);
      model.gate = { users: 188, baseNdcg: 0.35, learnedNdcg: 0.36, z: 2.5, kept: 'learned' };
      expect(describeGate(model)).toBe("; the gate kept the learned epoch (NDCG@10 of 188 gate users 0.3600 against epoch 0's 0.3500, z 2.50 >= 2)");
      expect(refitEpochs(model, 3)).toBe(3);
    } finally {
      model.dispose();
    }
    // Other models have no gate; nor has a context-EASE fit that kept epoch 0 by early stopping (nothing to gate).
    const clustered = clusteredData();
    const out = join(folder.path, 'context-ease');
    const printed = await run(['--data-dir', clustered, '--quiet', 'train', '--model', 'context-ease', '--backend', 'cpu', '--epochs', '2', '--out', out]);
    expect(printed).toMatch(/^context-ease: trained in [\d.]+ s, best epoch 0 \(validation NDCG@10 [\d.]+\), \d+ examples\/s\n/m);
    expect(describeGate(new MostPopularRecommender())).toBe('');
    expect(refitEpochs(new MostPopularRecommender(), 4)).toBe(4);
  });

  it('rejects an unknown model, backend or experiment', async () => {
    await expect(run(['--data-dir', folder.path, 'train', '--model', 'nope'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(run(['--data-dir', folder.path, 'train', '--model', 'score-blend'])).rejects.toMatchObject({ code: 'invalid_argument', message: expect.stringMatching(/score-blend is made of fitted models: `--model context-ease\+lightgcn` trains one, `personalab serve --model context-ease\+lightgcn` trains and serves one/) });
    await expect(run(['--data-dir', folder.path, 'train', '--backend', 'tpu'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'invalid_argument') && error.message === '--backend must be one of tfjs-node-gpu, tfjs-node, wasm, cpu, got "tpu"',
    );
    await expect(run(['--data-dir', folder.path, 'experiment', 'movielens', 'p9'])).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('checks numeric options and refuses options the model would ignore', async () => {
    const refused = (args: string[], message: RegExp) =>
      expect(run(['--data-dir', folder.path, ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    await refused(['train', '--seed', 'abc'], /--seed must be an integer from 0 to 4294967295, got "abc"/);
    await refused(['train', '--epochs', 'abc'], /--epochs must be a positive integer, got "abc"/);
    await refused(['train', '--epochs', '0'], /--epochs must be a positive integer/);
    await refused(['train', '--model', 'most-popular', '--backend', 'cpu', '--epochs', '3'], /--epochs applies to the tfjs models only; most-popular/);
    await refused(['train', '--model', 'ease', '--resume'], /--resume works with --model sequential-two-tower only/);
    await refused(['experiment', 'movielens', 'p1', '--seeds', '42,x'], /--seeds must be an integer from 0 to 4294967295, got "x"/);
    // The same split twice had been reported as "0.2512 ± 0.0000" under a "1 seed: 42" header.
    await refused(['experiment', 'movielens', 'p1', '--quick', '--seeds', '42,7,42', '--models', 'most-popular'], /^--seeds lists seed 42 more than once: each seed is one split, run once$/);
    await refused(['experiment', 'movielens', 'p3', '--seeds', '1,1'], /^--seeds lists seed 1 more than once/);
    await refused(['experiment', 'movielens', 'p1', '--models', 'ease,nope'], /--models: unknown "nope"; known: most-popular/);
    await refused(['experiment', 'movielens', 'p1', '--models', 'lightgcn,context-ease+lightgcn'], /--models: context-ease\+lightgcn blends the context-ease and lightgcn rows: add context-ease to the models/);
    await refused(['experiment', 'movielens', 'p3', '--save-model', join(folder.path, 'm')], /--save-model/);
    await refused(['experiment', 'movielens', 'p1', '--split', 'random'], /--split: expected per-group or sorted, got "random"/);
    await refused(['experiment', 'movielens', 'all', '--split', 'sorted'], /--split sorted applies to p1\/p2/);
    // A results or model folder that is a file is refused before any model runs (it had failed after them).
    const file = folder.write('results-file', 'x');
    await refused(['experiment', 'movielens', 'p1', '--quick', '--models', 'most-popular', '--results', file], new RegExp(`^--results ${file} is a file, not a folder$`));
    // The scripts' --out is the same folder, named as typed; both at once are refused.
    await refused(['experiment', 'movielens', 'p1', '--quick', '--models', 'most-popular', '--out', file], new RegExp(`^--out ${file} is a file, not a folder$`));
    await refused(['experiment', 'movielens', 'p1', '--quick', '--out', file, '--results', file], /^--out and --results name the same folder: give one$/);
    await refused(['experiment', 'movielens', 'p1', '--quick', '--results', join(folder.path, 'r'), '--save-model', join(file, 'model')], new RegExp(`^--save-model ${join(file, 'model')}: ${file} is a file, not a folder$`));
  });

  it('sends a --quick run to the state folder, never over the committed results', () => {
    const cwd = '/repo';
    expect(movielensResultsDirectory({ quick: false }, cwd)).toBe(join(cwd, 'experiments', 'movielens', 'results'));
    const quick = movielensResultsDirectory({ quick: true }, cwd);
    expect(quick).toBe(resolve(cwd, getConfig().stateDir, 'experiments', 'movielens-quick'));
    expect(quick.startsWith(join(cwd, 'experiments'))).toBe(false);
    expect(movielensResultsDirectory({ quick: true, results: 'out' }, cwd)).toBe(join(cwd, 'out'));
    // A partial run (other seeds, some models) is not the headline table either.
    const partial = resolve(cwd, getConfig().stateDir, 'experiments', 'movielens-partial');
    expect(movielensResultsDirectory({ quick: false, seeds: [42] }, cwd)).toBe(partial);
    expect(movielensResultsDirectory({ quick: false, models: ['ease'] }, cwd)).toBe(partial);
    expect(movielensResultsDirectory({ quick: false, split: 'sorted' }, cwd)).toBe(partial);
    expect(movielensResultsDirectory({ quick: false, split: 'per-group' }, cwd)).toBe(join(cwd, 'experiments', 'movielens', 'results'));
    expect(movielensResultsDirectory({ quick: false, seeds: [42, 7, 1] }, cwd)).toBe(join(cwd, 'experiments', 'movielens', 'results'));
    expect(movielensResultsDirectory({ quick: false, seeds: [42], results: 'out' }, cwd)).toBe(join(cwd, 'out'));
  });

  it('says how to get MovieLens when it is missing', async () => {
    const empty = temporaryDirectory('personalab-cli-empty-');
    try {
      await expect(run(['--data-dir', empty.path, 'train', '--model', 'most-popular', '--backend', 'cpu'])).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'not_found') && error.message.includes(`--data-dir ${empty.path} has no movielens-100k/ folder`),
      );
    } finally {
      empty.remove();
    }
  });

  it('refuses an --out that is a file, or lies under one, before loading data or training', async () => {
    const file = folder.write('a-file', 'not a folder');
    const refused = async (args: string[], message: string) => {
      const output = await runCliOutput([registerTrainCommand], ['--data-dir', folder.path, '--quiet', 'train', '--backend', 'cpu', ...args]);
      expect(output.error).toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && error.message === message);
      // Refused before the data was read or a backend chosen: nothing was trained.
      expect(output.stderr).toBe('');
    };
    await refused(['--model', 'most-popular', '--out', file], `--out ${file} is a file: a model is saved into a folder`);
    await refused(['--model', 'ease', '--out', join(file, 'model')], `--out ${join(file, 'model')}: ${file} is a file, not a folder`);
    // The two-tower model also writes <out>/checkpoints/last.
    const blocked = join(folder.path, 'blocked');
    mkdirSync(blocked);
    const checkpoints = folder.write(join('blocked', 'checkpoints'), 'x');
    await refused(['--epochs', '1', '--out', blocked], `--out ${blocked}: ${checkpoints} is a file, not a folder`);
  });

  it('says whether a two-tower run resumes, starts over a checkpoint, or finds none; refuses another model as a checkpoint', async () => {
    const out = join(folder.path, 'two-tower');
    const train = (...args: string[]) => runCliOutput([registerTrainCommand], ['--data-dir', folder.path, '--quiet', 'train', '--backend', 'cpu', '--out', out, ...args]);
    const fresh = await train('--epochs', '1', '--resume');
    expect(fresh.error).toBeUndefined();
    expect(fresh.stderr).toContain(`no checkpoint in ${join(out, 'checkpoints')} yet: training starts at epoch 1`);
    expect(checkpointEpoch(join(out, 'checkpoints'))).toBe(1);
    // Resumed with no epoch left to train, the saved model is the checkpoint's weights as they stand. One weight is
    // marked here: seeded training gives a fresh run the checkpoint's own weights, so only a mark tells the two apart
    // (a run that said "resuming" and trained afresh had passed every check of this test).
    const checkpoint = await loadCheckpoint(join(out, 'checkpoints'));
    const [markedName, markedWeight] = Object.entries(checkpoint?.weights ?? {})[0] ?? [];
    if (!checkpoint || markedName === undefined || !markedWeight) throw new Error(`no weights in the checkpoint in ${join(out, 'checkpoints')}`);
    const mark = markedWeight.values.map((_, index) => 1.5 + index);
    await saveCheckpoint(join(out, 'checkpoints'), { ...checkpoint, weights: { ...checkpoint.weights, [markedName]: { shape: markedWeight.shape, values: mark } } });
    const restored = await train('--epochs', '1', '--resume');
    expect(restored.error).toBeUndefined();
    expect(restored.stderr).toContain(`resuming from the checkpoint of epoch 1 in ${join(out, 'checkpoints')}`);
    expect(Array.from((await loadModelDirectory(out)).weights[markedName]?.values ?? [])).toEqual(Array.from(mark));
    const resumed = await train('--epochs', '3', '--resume');
    expect(resumed.stderr).toContain(`resuming from the checkpoint of epoch 1 in ${join(out, 'checkpoints')}`);
    // The tiny split's validation part names no pair the model knows: no metric, no early stopping on a constant 0
    // (which had printed "validation NDCG@10 0.0000" and kept epoch 1's weights).
    expect(resumed.stdout).toMatch(/sequential-two-tower: trained in [\d.]+ s, best epoch 3, \d+ examples\/s\n/);
    expect(checkpointEpoch(join(out, 'checkpoints'))).toBe(3);
    const again = await train('--epochs', '1');
    expect(again.stderr).toContain(`${join(out, 'checkpoints')} holds the checkpoint of epoch 3 of an earlier run: this run starts over and replaces it after its first epoch (--resume continues it instead)`);
    // A saved model copied where the checkpoint belongs.
    const other = join(folder.path, 'other');
    await run(['--data-dir', folder.path, '--quiet', 'train', '--model', 'most-popular', '--backend', 'cpu', '--out', join(other, 'checkpoints', 'last')]);
    const wrong = await runCliOutput([registerTrainCommand], ['--data-dir', folder.path, '--quiet', 'train', '--backend', 'cpu', '--out', other, '--epochs', '2', '--resume']);
    expect(wrong.error).toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && error.message.startsWith(`${join(other, 'checkpoints', 'last')} holds a saved most-popular model, not a training checkpoint`));
  });

  it('SIGINT stops every model\'s training, not only the two-tower\'s: a cancelled line, exit 130, the model saved before untouched', async () => {
    const out = join(folder.path, 'interrupted-lightgcn');
    const args = ['--data-dir', folder.path, 'train', '--backend', 'cpu', '--model', 'lightgcn', '--out', out];
    await run(['--quiet', ...args, '--epochs', '1']);
    const savedModel = readFileSync(join(out, 'model.json'));
    // The tiny set has no usable validation pair, so it never stops early; the progress bar (stderr) says training began,
    // so the child runs without CI and PERSONALAB_QUIET, which turn the bars off (CI sets CI).
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !['CI', 'PERSONALAB_QUIET'].includes(name)));
    const cli = spawnCli([...args, '--epochs', '100000'], { env });
    await cli.waitFor('the progress bar\'s "epoch N" (training began)', () => /epoch \d+/.test(cli.stderr()));
    cli.child.kill('SIGINT');
    // It had been ended by the signal itself: exit 130 with nothing said.
    expect(await cli.exit('after SIGINT')).toBe(130);
    const stderr = cli.stderr();
    expect(stderr, stderr).toMatch(new RegExp(`error \\(cancelled\\): lightgcn: training cancelled in epoch \\d+; no new model was saved \\(${out} is as it was\\)\n$`));
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(out, 'model.json'))).toEqual(savedModel);
    expect((await loadRecommender(out)).name).toBe('lightgcn');
  }, 60_000);

  it('a fit that does not read the signal (a closed form) and got SIGINT while it computed is cancelled too: nothing is saved', async () => {
    const computed: string[] = [];
    const closedForm = async () => {
      process.kill(process.pid, 'SIGINT');
      // Synchronous work, as EASE's inverse: the signal waits in the event loop until it ends.
      const until = Date.now() + 100;
      while (Date.now() < until);
      computed.push('done');
    };
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => stderr.push(chunk) > 0) as typeof process.stderr.write;
    try {
      await expect(interruptibly(closedForm, () => 'no new model was saved', { label: 'ease' })).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'cancelled') && error.message === 'ease: interrupted; no new model was saved',
      );
    } finally {
      process.stderr.write = write;
    }
    expect(computed).toEqual(['done']);
    expect(stderr.join('')).toContain('SIGINT: stopping training before its next step');
  });

  it('SIGINT mid-training stops before the next step, keeps the last checkpoint and the model saved before, and --resume continues', async () => {
    const out = join(folder.path, 'interrupted');
    const args = ['--data-dir', folder.path, '--quiet', 'train', '--backend', 'cpu', '--out', out];
    await run([...args, '--epochs', '1']);
    const savedModel = readFileSync(join(out, 'model.json'));
    const before = await (await loadRecommender(out)).score({ userId: '1', itemIds: ['1', '2', '3'] });
    // Its own process (signals are per process); the tiny set has no usable validation pair, so it never stops early.
    const cli = spawnCli([...args, '--epochs', '100000']);
    // Wait until this run has written a checkpoint of its own, epoch 2 (it starts over: the note says so first); the
    // checkpoint is a file, so the condition is checked every 20 ms as well as on stderr.
    const polling = setInterval(() => cli.check(), 20);
    try {
      await cli.waitFor('the "starts over" note and a checkpoint of this run (epoch 2 or later)', () => cli.stderr().includes('starts over') && (checkpointEpoch(join(out, 'checkpoints')) ?? 0) >= 2);
    } finally {
      clearInterval(polling);
    }
    cli.child.kill('SIGINT');
    expect(await cli.exit('after SIGINT')).toBe(130);
    const stderr = cli.stderr();
    const match = /error \(cancelled\): sequential-two-tower: training cancelled in epoch (\d+); the checkpoint of epoch (\d+) is kept in (\S+): rerun with --resume to continue from it; no new model was saved\n$/.exec(stderr);
    expect(match, stderr).not.toBeNull();
    const [, inEpoch, kept, directory] = match as unknown as [string, string, string, string];
    expect(Number(kept)).toBe(Number(inEpoch) - 1);
    expect(directory).toBe(join(out, 'checkpoints'));
    expect(checkpointEpoch(directory)).toBe(Number(kept));
    expect(stderr).not.toMatch(/\n\s+at /);
    // The model saved before the interrupted run is untouched and scores as before.
    expect(readFileSync(join(out, 'model.json'))).toEqual(savedModel);
    expect(await (await loadRecommender(out)).score({ userId: '1', itemIds: ['1', '2', '3'] })).toEqual(before);
    // Resuming trains only the remaining epochs.
    const resumed = await runCliOutput([registerTrainCommand], [...args, '--epochs', String(Number(kept) + 1), '--resume']);
    expect(resumed.stderr).toContain(`resuming from the checkpoint of epoch ${kept}`);
    expect(resumed.stdout).toMatch(new RegExp(`best epoch ${Number(kept) + 1}\\b`));
  }, 60_000);
});
