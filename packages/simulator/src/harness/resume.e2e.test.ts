import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from './run-store.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../../../..');
const directory = mkdtempSync(join(tmpdir(), 'personalab-resume-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function startChild(storePath: string, logPath: string, users: number): ChildProcess {
  return spawn(process.execPath, ['--conditions=development', '--import', 'tsx', join(here, 'resume-child.fixture.ts'), storePath, logPath, String(users)], {
    cwd: repositoryRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PERSONALAB_QUIET: '1' },
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((done) => child.once('exit', (code) => done(code)));

function startedBy(logPath: string): Map<string, string[]> {
  const byPid = new Map<string, string[]>();
  for (const line of readFileSync(logPath, 'utf8').trim().split('\n')) {
    const [pid, userId] = line.split(' ');
    if (pid && userId) byPid.set(pid, [...(byPid.get(pid) ?? []), userId]);
  }
  return byPid;
}

describe('a killed simulation run', () => {
  it('resumes without repeating or losing a conversation (real child process, SIGKILL)', async () => {
    const storePath = join(directory, 'runs.sqlite');
    const logPath = join(directory, 'started.log');
    const users = 30;
    const first = startChild(storePath, logPath, users);
    let stderr = '';
    first.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstExit = exited(first);
    // Kill it hard once some, but not all, conversations are stored.
    const deadline = Date.now() + 45_000;
    let stored = 0;
    while (Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 50));
      if (!existsSync(storePath)) continue;
      const probe = new RunStore(storePath);
      try {
        stored = probe.finishedUserIds('resume').size;
      } catch {
        stored = 0; // the child may not have created the tables yet
      } finally {
        probe.close();
      }
      const started = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').length : 0;
      if (stored >= 8 && started > stored) break;
    }
    expect(stored, stderr).toBeGreaterThanOrEqual(8);
    first.kill('SIGKILL');
    expect(await firstExit).toBeNull();
    const afterKill = new RunStore(storePath);
    const finishedBeforeKill = afterKill.finishedUserIds('resume');
    afterKill.close();
    expect(finishedBeforeKill.size).toBeLessThan(users);

    const second = startChild(storePath, logPath, users);
    let secondErrors = '';
    second.stderr?.on('data', (chunk: Buffer) => (secondErrors += chunk.toString()));
    expect(await exited(second), secondErrors).toBe(0);

    const starts = startedBy(logPath);
    const startedFirst = starts.get(String(first.pid)) ?? [];
    const startedSecond = starts.get(String(second.pid)) ?? [];
    // Nothing stored before the kill ran again ...
    expect(startedSecond.filter((userId) => finishedBeforeKill.has(userId))).toEqual([]);
    // ... the conversations in flight at the kill were lost from the store and ran again ...
    const inFlight = startedFirst.filter((userId) => !finishedBeforeKill.has(userId));
    expect(inFlight.length).toBeGreaterThan(0);
    for (const userId of inFlight) expect(startedSecond).toContain(userId);
    // ... and every user has exactly one complete conversation.
    const final = new RunStore(storePath);
    const conversations = final.conversations('resume');
    final.close();
    expect(conversations.map((record) => record.userId)).toEqual(Array.from({ length: users }, (_, index) => `user-${String(index).padStart(3, '0')}`));
    expect(new Set(startedSecond).size).toBe(startedSecond.length);
    for (const record of conversations) {
      expect(record.endReason).toBe('goal_met');
      expect(record.turns.filter((turn) => turn.role === 'assistant')).toHaveLength(3);
    }
  });
});
