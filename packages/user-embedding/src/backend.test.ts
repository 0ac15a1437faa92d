import { describe, expect, it } from 'vitest';
import { selectBackend } from './backend.js';

describe('tfjs backend selection', () => {
  it('leaves no process-wide error listeners of the wasm glue behind (they rethrew every later error with 36 KB of minified source)', async () => {
    const listeners = () => [...process.listeners('uncaughtException'), ...process.listeners('unhandledRejection')];
    const before = listeners();
    const selected = await selectBackend({ preferred: 'wasm', log: () => undefined });
    expect(selected.name).toBe('wasm');
    expect(listeners()).toEqual(before);
  });
});
