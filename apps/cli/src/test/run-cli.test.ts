import { fileURLToPath } from 'node:url';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { temporaryDirectory } from '@personalab/datasets/test';
import { spawnCli, spawnScript } from './run-cli.js';

describe('spawnCli', () => {
  it('hands a signal to the command itself, even while its event loop is busy', async () => {
    // Through the `tsx` command, the process was killed 60 ms after the signal unless it answered: exit 130, no word.
    const busy = spawnScript(fileURLToPath(new URL('./busy-on-signal.ts', import.meta.url)), []);
    await busy.waitFor('its "ready" line', () => busy.stderr().includes('ready\n'));
    busy.child.kill('SIGINT');
    expect(await busy.exit('after SIGINT')).toBe(42);
    expect(busy.stderr()).toBe('ready\nSIGINT handled\n');
  });

  it('says which condition it waited for, and how the command ended, when the command ends first', async () => {
    const cli = spawnCli(['simulate', '--shard', '3/2']);
    await expect(cli.waitFor('the line "never"', () => cli.stderr().includes('never'))).rejects.toThrow(
      /^the command ended before the line "never"; it exited with 2; its stderr:\nerror \(invalid_argument\): --shard must be i\/n/,
    );
  });

  it('says which condition it waited for when the time is up, and kills the command', async () => {
    const busy = spawnScript(fileURLToPath(new URL('./busy-on-signal.ts', import.meta.url)), []);
    await expect(busy.waitFor('the line "never"', () => false, 300)).rejects.toThrow(/^waited \d+ ms for the line "never"; it was still running \(killed now\); its stderr:\n/);
    expect(await busy.exit('after SIGKILL')).toBeNull();
    expect(busy.child.signalCode).toBe('SIGKILL');
  });

  it('hands the command the environment given, and reads its stdout when asked to', async () => {
    const data = temporaryDirectory('personalab-cli-spawn-');
    try {
      mkdirSync(join(data.path, 'movielens-100k'));
      for (const name of ['u.data', 'u.item', 'u.user']) data.write(join('movielens-100k', name), '');
      const cli = spawnCli(['datasets', 'list'], { env: { ...process.env, PERSONALAB_DATA_DIR: data.path }, stdout: 'pipe' });
      expect(await cli.exit('after listing the data sets')).toBe(0);
      expect(cli.stdout()).toContain(`| movielens-100k | ${join(data.path, 'movielens-100k')} |`);
    } finally {
      data.remove();
    }
  });
});
