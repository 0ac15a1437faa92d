import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { testKey } from '../test/harness.js';
import { RecommenderStore } from './store.js';

const serverScript = fileURLToPath(new URL('../test/durable-server.ts', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'personalab-durable-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** Starts the server in a child process and resolves with its port once it listens. */
function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', serverScript, stateDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 60_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
}

describe('durability', () => {
  it('loses no acknowledged event when the server is killed with SIGKILL during writes', async () => {
    const { child, port } = await startServer();
    const acknowledged: string[] = [];
    const statuses: (number | string)[] = [];
    let stop = false;
    // Eight writers post events with client ids; each records its id only after a 201.
    const writer = async (writerId: number) => {
      for (let sequence = 0; !stop; sequence++) {
        const id = `w${writerId}-${sequence}`;
        try {
          const response = await fetch(`http://127.0.0.1:${port}/v1/users/u${(writerId % 10) + 1}/events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${testKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ events: [{ type: 'rating', itemId: `m${(sequence % 24) + 1}`, value: 3, id }] }),
          });
          if (response.status === 201) acknowledged.push(id);
          else statuses.push(response.status);
        } catch (error) {
          if (!stop) statuses.push(String(error));
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 8 }, (_, index) => writer(index));
    const deadline = Date.now() + 60_000;
    while (acknowledged.length < 60 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(statuses.slice(0, 3)).toEqual([]);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await exited;

    // Restart: the store recovers from its WAL, and the server answers again.
    const restarted = await startServer();
    const health = await fetch(`http://127.0.0.1:${restarted.port}/v1/users/u1`, { headers: { authorization: `Bearer ${testKey}` } });
    expect(health.status).toBe(200);
    const restartedExit = new Promise((resolve) => restarted.child.once('exit', resolve));
    restarted.child.kill('SIGKILL');
    await restartedExit;

    const store = new RecommenderStore({ path: join(stateDir, 'recommender.db') });
    const stored = new Set((store.database.prepare("SELECT id FROM events WHERE id LIKE 'w%'").pluck().all() as string[]));
    store.close();
    const lost = acknowledged.filter((id) => !stored.has(id));
    expect(acknowledged.length).toBeGreaterThanOrEqual(60);
    expect(lost).toEqual([]);
  }, 180_000);
});
