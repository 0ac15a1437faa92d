import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endQuietlyOnClosedPipe, outliveClosedPipe } from './closed-pipe.js';
import { spawnScript, startTimeoutMs } from './test/run-cli.js';

describe('endQuietlyOnClosedPipe', () => {
  it('ends with status 0 on EPIPE and leaves other stream errors thrown', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const codes: number[] = [];
    endQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(codes).toEqual([0]);
    expect(() => stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow('no space');
  });

  it('lets a command that outlives its output (serve) go on: its handler is called once instead, until it restores the default', () => {
    const stream = new EventEmitter() as unknown as NodeJS.WriteStream;
    const codes: number[] = [];
    endQuietlyOnClosedPipe(stream, (code) => codes.push(code));
    let told = 0;
    const restore = outliveClosedPipe(stream, () => told++);
    const epipe = () => stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    epipe();
    epipe();
    expect({ told, codes }).toEqual({ told: 1, codes: [] });
    expect(() => stream.emit('error', Object.assign(new Error('no space'), { code: 'ENOSPC' }))).toThrow('no space');
    restore();
    epipe();
    expect({ told, codes }).toEqual({ told: 1, codes: [0] });
  });

  it('lets a process that keeps writing to a closed pipe (`… | head -1`) end without a stack trace', async () => {
    const { status, stderr } = await readFirstChunkThenClose('handled');
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(status).toBe(0);
    // Without the handler the same child dies on the unhandled EPIPE (the check above could fail).
    const bare = await readFirstChunkThenClose('bare');
    expect(bare.stderr).toMatch(/EPIPE/);
    expect(bare.status).not.toBe(0);
  });
});

/** Starts the 100 MB writer (with or without the handler), closes its stdout after the first chunk, and waits until it has ended. */
async function readFirstChunkThenClose(mode: 'handled' | 'bare'): Promise<{ status: number | null; stderr: string }> {
  const writer = spawnScript(fileURLToPath(new URL('./test/write-to-closed-pipe.ts', import.meta.url)), [mode], { stdout: 'pipe' });
  writer.child.stdout?.once('data', () => writer.child.stdout?.destroy());
  const status = await writer.exit('after its stdout was closed', startTimeoutMs);
  return { status, stderr: writer.stderr() };
}
