import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { PersonalabError, blockingFile, formatZodError, writeFileAtomic } from '@personalab/core';
import type { InteractionMatrix } from './interaction-matrix.js';

/** Float32 weights by name, with their shapes: what every model in this package persists. */
export type WeightMap = Record<string, { shape: number[]; values: Float32Array }>;

export const modelFileName = 'model.json';
/** The weights file name of saves made before weights files were named by their content (still read). */
export const weightsFileName = 'weights.bin';
/** Weights files a save writes (`weights-<sha256 prefix>.bin`) or older saves wrote (`weights.bin`). */
const weightsFilePattern = /^weights(-[0-9a-f]{16})?\.bin$/;
/** Folders of member models a blend saves beside its `model.json`, which names its own in `config.memberFolder`. */
export const memberFolderPattern = /^members-[0-9a-f]{8}$/;

/** The `modelTopology` of the model.json at `path`, or undefined when there is none or it does not parse. */
function previousTopology(path: string): unknown {
  try {
    return (JSON.parse(readFileSync(path, 'utf8')) as { modelTopology?: unknown }).modelTopology;
  } catch {
    return undefined;
  }
}

/** The member folder a topology names (`config.memberFolder`), if any. */
function namedMemberFolder(topology: unknown): string | undefined {
  const config = typeof topology === 'object' && topology !== null ? (topology as { config?: unknown }).config : undefined;
  const folder = typeof config === 'object' && config !== null ? (config as { memberFolder?: unknown }).memberFolder : undefined;
  return typeof folder === 'string' ? folder : undefined;
}

const manifestSchema = z.object({
  format: z.string().optional(),
  modelTopology: z.unknown(),
  weightsManifest: z
    .array(
      z.object({
        // One file beside model.json: a bare name, never a path out of the directory.
        paths: z.array(z.string().regex(/^(?!\.\.?$)[\w.-]+$/, 'a file name in the model directory')).length(1),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), dtype: z.literal('float32') })),
      }),
    )
    .length(1),
  /** SHA-256 of the weights file; absent in saves made before it was recorded. */
  weightsSha256: z.string().optional(),
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A tfjs IO handler that saves model artifacts (topology JSON plus one binary weights file,
 * tfjs's `model.json` layout) into a directory, and loads them back. tfjs-node's `file://`
 * handler is not available here. A save is atomic: the weights go to a new file named by their
 * content, and replacing `model.json` (temp + rename) is the one step that switches to the new
 * model, so an interrupted save leaves the previous model whole. After it, the previous weights
 * file and any `members-*` folder the new `model.json` does not name are removed.
 */
export function directoryHandler(directory: string): tf.io.IOHandler {
  const modelPath = join(directory, modelFileName);
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bytes = Buffer.concat(buffers.map((buffer) => Buffer.from(buffer)));
      const digest = sha256(bytes);
      const weightsName = `weights-${digest.slice(0, 16)}.bin`;
      // The member folder the model being replaced names (a blend's), read before model.json is replaced.
      const previousMemberFolder = namedMemberFolder(previousTopology(modelPath));
      try {
        mkdirSync(directory, { recursive: true });
        writeFileAtomic(join(directory, weightsName), bytes);
        const manifest = {
          format: artifacts.format ?? 'personalab',
          generatedBy: artifacts.generatedBy ?? '@personalab/user-embedding',
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [weightsName], weights: artifacts.weightSpecs ?? [] }],
          weightsSha256: digest,
        };
        // The commit point: until this rename, model.json still describes the previous weights file.
        writeFileAtomic(modelPath, JSON.stringify(manifest));
      } catch (error) {
        const blocking = blockingFile(directory);
        const reason = blocking === undefined ? (error as Error).message : `${blocking} is a file, not a folder`;
        throw new PersonalabError('storage_error', `cannot save a model to ${directory}: ${reason}`, { cause: error, details: { file: directory } });
      }
      // Only now that model.json names the new files: the weights file the previous model used, the member folder the
      // replaced blend named (another model saved over a blend had left it behind for good), and, when the new model is
      // a blend, member folders of its interrupted earlier saves. Other folders are never touched.
      const memberFolder = namedMemberFolder(artifacts.modelTopology);
      for (const name of readdirSync(directory)) {
        if (name !== weightsName && weightsFilePattern.test(name)) rmSync(join(directory, name), { force: true });
        const staleMembers = name === previousMemberFolder || memberFolder !== undefined;
        if (name !== memberFolder && staleMembers && memberFolderPattern.test(name)) rmSync(join(directory, name), { recursive: true, force: true });
      }
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let text: string;
      try {
        text = readFileSync(modelPath, 'utf8');
      } catch (error) {
        const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
        throw new PersonalabError(missing ? 'not_found' : 'corrupt_file', missing ? `no saved model in ${directory}: ${modelPath} does not exist` : `cannot read ${modelPath}: ${(error as Error).message}`, {
          cause: error,
          details: { file: modelPath },
        });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        throw new PersonalabError('corrupt_file', `${modelPath}: not valid JSON (${(error as Error).message})`, { cause: error, details: { file: modelPath } });
      }
      const parsed = manifestSchema.safeParse(json);
      if (!parsed.success) throw new PersonalabError('corrupt_file', `${modelPath}: ${formatZodError(parsed.error)}`, { details: { file: modelPath } });
      const manifest = parsed.data;
      const [group] = manifest.weightsManifest as [(typeof manifest.weightsManifest)[number]];
      const weightSpecs = group.weights;
      const names = new Set<string>();
      for (const spec of weightSpecs) {
        if (names.has(spec.name)) throw new PersonalabError('corrupt_file', `${modelPath}: weight ${spec.name} is listed twice`, { details: { file: modelPath } });
        names.add(spec.name);
      }
      const weightsPath = join(directory, group.paths[0] as string);
      let bytes: Buffer;
      try {
        bytes = readFileSync(weightsPath);
      } catch (error) {
        throw new PersonalabError('corrupt_file', `cannot read ${weightsPath} (named by ${modelPath}): ${(error as Error).message}`, { cause: error, details: { file: weightsPath } });
      }
      const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((product, size) => product * size, 1) * 4, 0);
      if (bytes.length !== expected) {
        throw new PersonalabError('corrupt_file', `${weightsPath}: ${bytes.length} bytes, but ${modelPath} describes ${expected}`, {
          details: { file: weightsPath },
        });
      }
      if (manifest.weightsSha256 !== undefined && sha256(bytes) !== manifest.weightsSha256) {
        throw new PersonalabError('corrupt_file', `${weightsPath}: its SHA-256 differs from the one ${modelPath} records (the file was changed or damaged)`, {
          details: { file: weightsPath },
        });
      }
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
      return { modelTopology: (manifest.modelTopology ?? {}) as object, weightSpecs, weightData, format: manifest.format ?? 'personalab' };
    },
  };
}

/** Packs named float32 arrays into model artifacts (no tensors needed, so plain-TypeScript models share the format). */
export function packArtifacts(topology: object, weights: WeightMap): tf.io.ModelArtifacts {
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  const total = Object.values(weights).reduce((sum, entry) => sum + entry.values.length, 0);
  const data = new Float32Array(total);
  let offset = 0;
  for (const [name, entry] of Object.entries(weights)) {
    const size = entry.shape.reduce((product, dimension) => product * dimension, 1);
    if (size !== entry.values.length) throw new PersonalabError('internal', `weight ${name}: shape ${entry.shape.join('x')} does not match ${entry.values.length} values`);
    weightSpecs.push({ name, shape: entry.shape, dtype: 'float32' });
    data.set(entry.values, offset);
    offset += size;
  }
  return { modelTopology: topology, weightSpecs, weightData: data.buffer, format: 'personalab' };
}

/** The inverse of `packArtifacts`. */
export function unpackArtifacts(artifacts: tf.io.ModelArtifacts): { topology: unknown; weights: WeightMap } {
  const data = artifacts.weightData;
  const buffer = data === undefined ? new ArrayBuffer(0) : Array.isArray(data) ? (data[0] ?? new ArrayBuffer(0)) : data;
  const all = new Float32Array(buffer);
  const weights: WeightMap = {};
  let offset = 0;
  for (const spec of artifacts.weightSpecs ?? []) {
    const size = spec.shape.reduce((product, dimension) => product * dimension, 1);
    weights[spec.name] = { shape: [...spec.shape], values: all.slice(offset, offset + size) };
    offset += size;
  }
  return { topology: artifacts.modelTopology, weights };
}

/** Saves a topology object and weights into a directory through `directoryHandler`. */
export async function saveModelDirectory(directory: string, topology: object, weights: WeightMap): Promise<void> {
  await directoryHandler(directory).save!(packArtifacts(topology, weights));
}

/** Loads what `saveModelDirectory` wrote. */
export async function loadModelDirectory(directory: string): Promise<{ topology: unknown; weights: WeightMap }> {
  return unpackArtifacts(await directoryHandler(directory).load!());
}

/**
 * The values of weight `name`, which must have `shape` (what the loaded vocabulary and config imply):
 * a tampered or mismatched file fails here with `corrupt_file`, not later inside tfjs or as wrong scores.
 */
export function weightOfShape(weights: WeightMap, name: string, shape: readonly number[]): Float32Array {
  const weight = weights[name];
  if (!weight) throw new PersonalabError('corrupt_file', `weight ${name} is missing`);
  if (weight.shape.length !== shape.length || weight.shape.some((size, axis) => size !== shape[axis])) {
    throw new PersonalabError('corrupt_file', `weight ${name} has shape [${weight.shape.join(', ')}], but the vocabulary and config imply [${shape.join(', ')}]`);
  }
  return weight.values;
}

/** Checks every weight in `shapes` with `weightOfShape` and returns just those. */
export function weightsOfShapes(weights: WeightMap, shapes: Record<string, readonly number[]>): WeightMap {
  return Object.fromEntries(Object.entries(shapes).map(([name, shape]) => [name, { shape: [...shape], values: weightOfShape(weights, name, shape) }]));
}

/** A loaded vocabulary must be self-consistent: distinct ids, and histories that index the item list. */
export function checkVocabulary(matrix: Pick<InteractionMatrix, 'userIds' | 'itemIds' | 'histories'>): void {
  if (new Set(matrix.userIds).size !== matrix.userIds.length) throw new PersonalabError('corrupt_file', 'vocabulary.userIds repeats an id');
  if (new Set(matrix.itemIds).size !== matrix.itemIds.length) throw new PersonalabError('corrupt_file', 'vocabulary.itemIds repeats an id');
  if (matrix.histories.length !== matrix.userIds.length) {
    throw new PersonalabError('corrupt_file', `vocabulary.histories has ${matrix.histories.length} rows for ${matrix.userIds.length} users`);
  }
  const items = matrix.itemIds.length;
  matrix.histories.forEach((history, user) =>
    history.forEach((item, position) => {
      if (item >= items) throw new PersonalabError('corrupt_file', `vocabulary.histories[${user}][${position}] is ${item}, but there are ${items} items`);
    }),
  );
}

/**
 * Makes an error met while loading `directory` name its `model.json` (unless it names a file already),
 * as `corrupt_file` unless it carries a more precise code.
 */
export function loadError(directory: string, error: unknown): PersonalabError {
  if (PersonalabError.is(error) && error.message.includes(directory)) return error;
  const file = join(directory, modelFileName);
  const code = PersonalabError.is(error) && error.code !== 'internal' ? error.code : 'corrupt_file';
  return new PersonalabError(code, `${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error, details: { file } });
}
