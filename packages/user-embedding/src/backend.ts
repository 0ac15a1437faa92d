import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PersonalabError, type TfBackendName } from '@personalab/core';
import { registerGatherGradient } from './gather-gradient.js';

/** The order in which backends are tried when none is forced. */
export const backendPreference: readonly TfBackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];

export interface SelectBackendOptions {
  /** Force one backend (from `getConfig().tfBackend`, i.e. `PERSONALAB_TF_BACKEND`); failing to load it is an error. */
  preferred?: TfBackendName | undefined;
  /** Where to print the chosen backend; default `console.error`. Pass `() => undefined` for silence. */
  log?: (line: string) => void;
}

export interface SelectedBackend {
  name: TfBackendName;
  /** The tfjs backend name (`tensorflow` for tfjs-node[-gpu]). */
  tfName: string;
  /** Why earlier candidates were skipped. */
  skipped: { name: TfBackendName; reason: string }[];
}

let selected: SelectedBackend | undefined;
const require = createRequire(import.meta.url);

// A variable specifier keeps TypeScript and bundlers from resolving optional packages at build time.
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

async function tryBackend(name: TfBackendName): Promise<string> {
  switch (name) {
    case 'tfjs-node-gpu':
    case 'tfjs-node': {
      // These packages register the `tensorflow` backend on import and bring their own tfjs-core,
      // which must be the same instance as ours to share the registry; tfjs 4.22 dedupes through npm.
      await importOptional(`@tensorflow/${name}`);
      if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not initialise');
      return 'tensorflow';
    }
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // In Node the .wasm binaries are not next to the caller; point tfjs at the package's dist folder.
      const distDirectory = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
      wasm.setWasmPaths(`${distDirectory}/`);
      if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
      return 'wasm';
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return 'cpu';
    }
  }
}

/**
 * Chooses the fastest available tfjs backend: tfjs-node-gpu, tfjs-node, wasm, cpu, or the forced one.
 * Idempotent: the first successful choice is kept for the process (tfjs has one global engine).
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const log = options.log ?? ((line: string) => console.error(line));
  if (selected && (options.preferred === undefined || options.preferred === selected.name)) {
    if (tf.getBackend() !== selected.tfName) await tf.setBackend(selected.tfName);
    return selected;
  }
  const candidates = options.preferred ? [options.preferred] : backendPreference;
  const skipped: SelectedBackend['skipped'] = [];
  for (const name of candidates) {
    try {
      const tfName = await tryBackend(name);
      await tf.ready();
      registerGatherGradient();
      selected = { name, tfName, skipped };
      log(`tfjs backend: ${name}${skipped.length ? ` (skipped ${skipped.map((entry) => entry.name).join(', ')})` : ''}`);
      return selected;
    } catch (error) {
      skipped.push({ name, reason: error instanceof Error ? error.message.split('\n')[0] ?? '' : String(error) });
    }
  }
  throw new PersonalabError('unsupported', `no tfjs backend could be loaded: ${skipped.map((entry) => `${entry.name}: ${entry.reason}`).join('; ')}`, {
    details: { skipped },
  });
}
