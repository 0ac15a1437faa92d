import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { RunStore } from './run-store.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = resolve(here, '../../../..');
const directory = mkdtempSync(join(tmpdir(), 'personalab-resume-'));
const children: ChildProcess[] = [];
afterAll(() => {
  // A child left held by a failed test must not outlive it.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(directory, { recursive: true, force: true });
});

/** With `holdFrom`, the conversations of users from that index on stop before their first reply (see the fixture). */
function startChild(storePath: string, logPath: string, users: number, holdFrom?: number): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', join(here, 'resume-child.fixture.ts'), storePath, logPath, String(users), ...(holdFrom === undefined ? [] : [String(holdFrom)])], {
    cwd: repositoryRoot,
    stdio: holdFrom === undefined ? ['ignore', 'ignore', 'pipe'] : ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, PERSONALAB_QUIET: '1' },
  });
  children.push(child);
  return child;
}

/** Resolves with the users of the first `count` conversations the child says it holds; rejects if it exits first. */
function held(child: ChildProcess, count: number, stderr: () => string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const userIds: string[] = [];
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const match = /^held (\S+)$/.exec(line);
        if (match) userIds.push(match[1] as string);
      }
      if (userIds.length >= count) resolve(userIds);
    });
    child.once('exit', (code, signal) => reject(new Error(`the child exited (${code ?? signal}) holding ${userIds.length} of ${count} conversations\n${stderr()}`)));
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
    const holdFrom = 10;
    const first = startChild(storePath, logPath, users, holdFrom);
    let stderr = '';
    first.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const firstExit = exited(first);
    // Kill it hard once some, but not all, conversations are stored: its four workers each stop in a conversation of a
    // user from `holdFrom` on, before the user's first reply, so the users before are stored and four are in flight.
    const heldUserIds = await held(first, 4, () => stderr);
    expect(heldUserIds.sort()).toEqual(['user-010', 'user-011', 'user-012', 'user-013']);
    first.kill('SIGKILL');
    expect(await firstExit).toBeNull();
    const afterKill = new RunStore(storePath);
    const finishedBeforeKill = afterKill.finishedUserIds('resume');
    afterKill.close();
    expect(finishedBeforeKill.size, stderr).toBeGreaterThanOrEqual(8);
    expect(finishedBeforeKill.size).toBeLessThan(users);
    expect([...finishedBeforeKill].sort()).toEqual(Array.from({ length: holdFrom }, (_, index) => `user-${String(index).padStart(3, '0')}`));

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
    expect(inFlight.sort()).toEqual(heldUserIds);
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
