import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findDataset, howToGet } from '@personalab/datasets';
import { manifest } from './manifest.js';
import { checkEntry, checkPassed, describeCheck } from './reproduce.js';

// The committed numbers of the quick seeded experiments, made again from the code under test: a change that moves one
// fails here until its results are rerun and committed with it (`npm run -s reproduce -- run NAME`). The slow ones
// (P1, P3, the Chat-Rec runs, the MovieLens simulations: 1 to 15 minutes each) are checked by hand with
// `npm run -s reproduce -- check NAME`.
const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = [join(root, 'node_modules', '.bin', 'tsx'), '--conditions=development'];
const quick = ['ease-check', 'persona-filter-training', 'personamem', 'profile-extraction', 'simulation-fidelity', 'chatrec-constraints'];

describe('committed results of the quick experiments', () => {
  for (const name of quick) {
    const entry = manifest.find((candidate) => candidate.name === name);
    const missing = (entry?.needs ?? []).filter((dataset) => findDataset(dataset) === undefined);
    if (missing.length > 0) console.log(`committed results of ${name} not checked: ${missing.map((dataset) => `${dataset} not found. ${howToGet(dataset)}`).join(' ')}`);
    it.skipIf(missing.length > 0)(`${name} reproduces its committed numbers`, async () => {
      expect(entry?.kind).toBe('experiment');
      const result = await checkEntry(entry!, { cwd: root, runner: tsx, stdio: 'capture' });
      expect(checkPassed(result), describeCheck(result)).toBe(true);
    }, 15 * 60_000);
  }
});
