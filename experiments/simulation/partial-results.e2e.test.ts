import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet } from '@personalab/datasets';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const stateDir = mkdtempSync(join(tmpdir(), 'personalab-simulation-partial-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));
const spc = findDataset('synthetic-persona-chat');

if (!spc) console.warn(`synthetic-persona-chat not found, skipping the partial-results test: ${howToGet('synthetic-persona-chat')}`);
describe.skipIf(!spc)('experiments/simulation partial results', () => {
  it('writes runs with other settings to different files in the partial folder', async () => {
    // A corpus of 300 turns, not the whole data set's: the two runs had needed about 20 s of CPU, and on a loaded
    // two-core machine they ran past the test's two minutes.
    const fidelity = (seed: number) =>
      promisify(execFile)(tsx, ['--conditions=development', join(root, 'experiments', 'simulation', 'fidelity.ts'), '--personas', '3', '--llm-personas', '0', '--corpus-limit', '300', '--seed', String(seed)], {
        cwd: root,
        env: { ...process.env, PERSONALAB_STATE_DIR: stateDir, PERSONALAB_QUIET: '1' },
      });
    await fidelity(2);
    await fidelity(3);
    const files = readdirSync(join(stateDir, 'experiments', 'simulation-partial')).filter((file) => file.endsWith('.json')).sort();
    expect(files).toEqual(['fidelity--corpus-limit-300--llm-personas-0--personas-3--seed-2.json', 'fidelity--corpus-limit-300--llm-personas-0--personas-3--seed-3.json']);
  }, 120_000);
});
