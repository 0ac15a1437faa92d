import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { PersonalabError, formatZodError } from '@personalab/core';
import { loadModelDirectory, modelFileName, saveModelDirectory, type WeightMap } from './weights-io.js';

/** Where early stopping stood after the checkpoint's epoch. */
export interface CheckpointProgress {
  bestEpoch: number;
  /** The best validation metric so far (NaN when there is no validation). */
  bestMetric: number;
  /** Epochs since the best one. */
  sinceBest: number;
}

/** Training state written after every epoch: the current weights, and the best weights so far. */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  weights: WeightMap;
  best: WeightMap | undefined;
  /** Optimizer state by optimizer name (`optimizerState`): without it a resumed run restarts Adam's moments. */
  optimizers?: Record<string, WeightMap>;
  progress?: CheckpointProgress;
  /** The settings and data the run was started with; a run with other settings must not resume from it. */
  settings?: Record<string, unknown>;
}

const legacySchema = z.object({ kind: z.literal('checkpoint'), epoch: z.number().int().nonnegative() });
const checkpointSchema = legacySchema.extend({
  version: z.literal(2),
  progress: z.object({ bestEpoch: z.number().int(), bestMetric: z.number().nullable(), sinceBest: z.number().int().nonnegative() }).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Writes `<directory>/last`: weights, best weights, optimizer state, early-stopping progress and settings in one
 * model directory, so one atomic save switches from one epoch's checkpoint to the next.
 */
export async function saveCheckpoint(directory: string, checkpoint: Checkpoint): Promise<void> {
  const weights: WeightMap = {};
  for (const [name, weight] of Object.entries(checkpoint.weights)) weights[`model/${name}`] = weight;
  for (const [name, weight] of Object.entries(checkpoint.best ?? {})) weights[`best/${name}`] = weight;
  for (const [optimizer, state] of Object.entries(checkpoint.optimizers ?? {})) {
    for (const [name, weight] of Object.entries(state)) weights[`optimizer/${optimizer}/${name}`] = weight;
  }
  const progress = checkpoint.progress && { ...checkpoint.progress, bestMetric: Number.isFinite(checkpoint.progress.bestMetric) ? checkpoint.progress.bestMetric : null };
  await saveModelDirectory(join(directory, 'last'), { kind: 'checkpoint', version: 2, epoch: checkpoint.epoch, progress, settings: checkpoint.settings, hasBest: checkpoint.best !== undefined }, weights);
}

/** Reads a checkpoint, or undefined when the directory has none. */
export async function loadCheckpoint(directory: string): Promise<Checkpoint | undefined> {
  const lastDirectory = join(directory, 'last');
  const file = join(lastDirectory, modelFileName);
  if (!existsSync(file)) return undefined;
  const last = await loadModelDirectory(lastDirectory);
  const parsed = checkpointSchema.safeParse(last.topology);
  if (!parsed.success) {
    // Checkpoints from before version 2: weights unprefixed, the best ones in `<directory>/best`, no settings.
    const legacy = legacySchema.safeParse(last.topology);
    if (!legacy.success) {
      const kind = savedModelKind(last.topology);
      if (kind !== undefined) {
        throw new PersonalabError('invalid_argument', `${lastDirectory} holds a saved ${kind} model, not a training checkpoint: point the checkpoint directory elsewhere, or delete ${lastDirectory} to start over`, {
          details: { file },
        });
      }
      throw new PersonalabError('corrupt_file', `${file}: not a training checkpoint (${formatZodError(parsed.error)})`, { details: { file } });
    }
    const bestDirectory = join(directory, 'best');
    const best = existsSync(join(bestDirectory, modelFileName)) ? (await loadModelDirectory(bestDirectory)).weights : undefined;
    return { epoch: legacy.data.epoch, weights: last.weights, best };
  }
  const weights: WeightMap = {};
  const best: WeightMap = {};
  const optimizers: Record<string, WeightMap> = {};
  for (const [key, weight] of Object.entries(last.weights)) {
    const [group, ...rest] = key.split('/');
    if (group === 'model') weights[rest.join('/')] = weight;
    else if (group === 'best') best[rest.join('/')] = weight;
    else if (group === 'optimizer' && rest.length >= 2) (optimizers[rest[0] as string] ??= {})[rest.slice(1).join('/')] = weight;
    else throw new PersonalabError('corrupt_file', `${file}: unexpected weight ${key}`, { details: { file } });
  }
  const { epoch, progress, settings } = parsed.data;
  return {
    epoch,
    weights,
    best: Object.keys(best).length > 0 ? best : undefined,
    optimizers,
    ...(progress ? { progress: { ...progress, bestMetric: progress.bestMetric ?? Number.NaN } } : {}),
    ...(settings ? { settings } : {}),
  };
}

/** The model kind a saved model's topology names (`{ kind: 'ease', … }`), when it is one and not a checkpoint. */
function savedModelKind(topology: unknown): string | undefined {
  if (typeof topology !== 'object' || topology === null || !('kind' in topology)) return undefined;
  const { kind } = topology as { kind: unknown };
  return typeof kind === 'string' && kind !== 'checkpoint' ? kind : undefined;
}

/**
 * The epoch of the checkpoint in `directory`, read from `last/model.json` alone (no weights): `undefined` when there
 * is none, `null` when there is a file that does not read as a checkpoint (`loadCheckpoint` says what is wrong).
 */
export function checkpointEpoch(directory: string): number | null | undefined {
  const file = join(directory, 'last', modelFileName);
  if (!existsSync(file)) return undefined;
  try {
    const manifest = JSON.parse(readFileSync(file, 'utf8')) as { modelTopology?: unknown };
    const parsed = legacySchema.safeParse(manifest.modelTopology);
    return parsed.success ? parsed.data.epoch : null;
  } catch {
    return null;
  }
}

/**
 * Refuses a checkpoint written by a run with other settings (or one too old to say), naming the first
 * setting that differs: resuming it would silently mix two runs.
 */
export function checkCheckpointSettings(directory: string, checkpoint: Checkpoint, settings: Record<string, unknown>): void {
  const advice = `resume with the settings it was written with, or delete ${directory} (or train without resume) to start over`;
  if (!checkpoint.settings || !checkpoint.progress) {
    throw new PersonalabError('invalid_argument', `the checkpoint in ${directory} was written by an older version and does not record its settings; ${advice}`);
  }
  for (const key of new Set([...Object.keys(settings), ...Object.keys(checkpoint.settings)])) {
    const saved = JSON.stringify(checkpoint.settings[key]);
    const current = JSON.stringify(settings[key]);
    if (saved !== current) {
      throw new PersonalabError('invalid_argument', `the checkpoint in ${directory} was written with ${key} ${saved ?? 'unset'}, this run has ${current ?? 'unset'}; ${advice}`, {
        details: { setting: key },
      });
    }
  }
}

interface AdamInternals {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** An optimizer's state (step count, Adam's moments and bias-correction powers) as weights for a checkpoint. */
export async function optimizerState(optimizer: tf.Optimizer): Promise<WeightMap> {
  const state: WeightMap = {};
  const named = await optimizer.getWeights();
  named.forEach(({ tensor }, index) => {
    state[String(index)] = { shape: [...tensor.shape], values: Float32Array.from(tensor.dataSync()) };
  });
  // The step count is a fresh tensor; the moments are the optimizer's own variables.
  named[0]?.tensor.dispose();
  // Adam keeps β^t as running products; setWeights would recompute them with pow, a few ulps away.
  const internals = optimizer as unknown as AdamInternals;
  if (internals.accBeta1 && internals.accBeta2) {
    state.accBeta1 = { shape: [], values: Float32Array.from(internals.accBeta1.dataSync()) };
    state.accBeta2 = { shape: [], values: Float32Array.from(internals.accBeta2.dataSync()) };
  }
  return state;
}

/** Puts back what `optimizerState` returned. */
export async function restoreOptimizerState(optimizer: tf.Optimizer, state: WeightMap): Promise<void> {
  const entries = Object.keys(state)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(a) - Number(b))
    .map((name, index) => {
      const weight = state[name] as WeightMap[string];
      return { name, tensor: index === 0 ? tf.scalar(weight.values[0] ?? 0, 'int32') : tf.tensor(weight.values, weight.shape) };
    });
  if (entries.length === 0) return;
  await optimizer.setWeights(entries);
  tf.dispose(entries.map((entry) => entry.tensor));
  const internals = optimizer as unknown as AdamInternals;
  for (const name of ['accBeta1', 'accBeta2'] as const) {
    const saved = state[name];
    const variable = internals[name];
    if (!saved || !variable) continue;
    const value = tf.scalar(saved.values[0] ?? 0);
    variable.assign(value);
    value.dispose();
  }
}
