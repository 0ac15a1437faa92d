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
      const before = processErrorListeners();
      try {
        const wasm = await import('@tensorflow/tfjs-backend-wasm');
        // In Node the .wasm binaries are not next to the caller; point tfjs at the package's dist folder.
        const distDirectory = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
        wasm.setWasmPaths(`${distDirectory}/`);
        if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
        await tf.ready();
      } finally {
        removeListenersAddedSince(before);
      }
      return 'wasm';
    }
    case 'cpu': {
      if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend did not initialise');
      return 'cpu';
    }
  }
}

const processErrorEvents = ['uncaughtException', 'unhandledRejection'] as const;

type ProcessErrorEvent = (typeof processErrorEvents)[number];

function listenersOf(event: ProcessErrorEvent): unknown[] {
  return event === 'uncaughtException' ? process.listeners('uncaughtException') : process.listeners('unhandledRejection');
}

function processErrorListeners(): Map<string, Set<unknown>> {
  return new Map(processErrorEvents.map((event) => [event, new Set<unknown>(listenersOf(event))]));
}

/**
 * The wasm backend's Emscripten glue adds process-wide `uncaughtException` and `unhandledRejection` listeners that
 * rethrow: from then on any error that escapes (a port in use, a bad option in a script) was printed with the glue's
 * 36 KB minified line as its source and exit code 7. They serve only Emscripten's own exit handling, which tfjs does
 * not use, so they are removed again and errors keep Node's (or the program's) own reporting.
 */
function removeListenersAddedSince(before: Map<string, Set<unknown>>): void {
  for (const event of processErrorEvents) {
    for (const listener of listenersOf(event)) {
      if (!before.get(event)?.has(listener)) process.removeListener(event as 'uncaughtException', listener as NodeJS.UncaughtExceptionListener);
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

/** Tensors alive in tfjs now: what a model's `dispose()` frees, for leak checks by code that does not import tfjs. */
export function liveTensorCount(): number {
  return tf.memory().numTensors;
}
