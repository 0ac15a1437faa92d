import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { PersonalabError, writeFileAtomic } from '@personalab/core';

/** Float32 weights by name, with their shapes: what every model in this package persists. */
export type WeightMap = Record<string, { shape: number[]; values: Float32Array }>;

export const modelFileName = 'model.json';
export const weightsFileName = 'weights.bin';

/**
 * A tfjs IO handler that saves model artifacts (topology JSON plus one binary weights file,
 * tfjs's `model.json` layout) into a directory, and loads them back. tfjs-node's `file://`
 * handler is not available here, and this one writes atomically.
 */
export function directoryHandler(directory: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      mkdirSync(directory, { recursive: true });
      const data = artifacts.weightData;
      const buffers = data === undefined ? [] : Array.isArray(data) ? data : [data];
      const bytes = Buffer.concat(buffers.map((buffer) => Buffer.from(buffer)));
      writeFileAtomic(join(directory, weightsFileName), bytes);
      const manifest = {
        format: artifacts.format ?? 'personalab',
        generatedBy: artifacts.generatedBy ?? '@personalab/user-embedding',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [weightsFileName], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileAtomic(join(directory, modelFileName), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: bytes.length } };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelPath = join(directory, modelFileName);
      let manifest: { modelTopology?: unknown; format?: string; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
      try {
        manifest = JSON.parse(readFileSync(modelPath, 'utf8')) as typeof manifest;
      } catch (error) {
        throw new PersonalabError(PersonalabError.is(error) ? error.code : 'corrupt_file', `cannot read ${modelPath}: ${(error as Error).message}`, {
          cause: error,
          details: { file: modelPath },
        });
      }
      const weightSpecs = manifest.weightsManifest?.[0]?.weights ?? [];
      const weightsPath = join(directory, weightsFileName);
      let bytes: Buffer;
      try {
        bytes = readFileSync(weightsPath);
      } catch (error) {
        throw new PersonalabError('corrupt_file', `cannot read ${weightsPath}: ${(error as Error).message}`, { cause: error, details: { file: weightsPath } });
      }
      const expected = weightSpecs.reduce((sum, spec) => sum + spec.shape.reduce((product, size) => product * size, 1) * 4, 0);
      if (bytes.length !== expected) {
        throw new PersonalabError('corrupt_file', `${weightsPath}: ${bytes.length} bytes, but ${modelPath} describes ${expected}`, {
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
