import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PersonalabError, formatZodError } from '@personalab/core';
import { loadModelDirectory, modelFileName, saveModelDirectory, type WeightMap } from './weights-io.js';

/** Training state written after every epoch: the current weights, and the best weights so far. */
export interface Checkpoint {
  /** Epochs completed. */
  epoch: number;
  weights: WeightMap;
  best: WeightMap | undefined;
}

const checkpointSchema = z.object({ kind: z.literal('checkpoint'), epoch: z.number().int().nonnegative() });

/** Writes `<directory>/last` and `<directory>/best` (model.json + weights.bin each, through the tfjs IO handler). */
export async function saveCheckpoint(directory: string, checkpoint: Checkpoint): Promise<void> {
  if (checkpoint.best) await saveModelDirectory(join(directory, 'best'), { kind: 'checkpoint', epoch: checkpoint.epoch }, checkpoint.best);
  // `last` goes second: a crash in between leaves a consistent older `last`.
  await saveModelDirectory(join(directory, 'last'), { kind: 'checkpoint', epoch: checkpoint.epoch }, checkpoint.weights);
}

/** Reads a checkpoint, or undefined when the directory has none. */
export async function loadCheckpoint(directory: string): Promise<Checkpoint | undefined> {
  const lastDirectory = join(directory, 'last');
  if (!existsSync(join(lastDirectory, modelFileName))) return undefined;
  const last = await loadModelDirectory(lastDirectory);
  const parsed = checkpointSchema.safeParse(last.topology);
  if (!parsed.success) throw new PersonalabError('corrupt_file', `${lastDirectory}/${modelFileName}: ${formatZodError(parsed.error)}`);
  const bestDirectory = join(directory, 'best');
  const best = existsSync(join(bestDirectory, modelFileName)) ? (await loadModelDirectory(bestDirectory)).weights : undefined;
  return { epoch: parsed.data.epoch, weights: last.weights, best };
}
