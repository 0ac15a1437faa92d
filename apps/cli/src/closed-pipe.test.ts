import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { endQuietlyOnClosedPipe, outliveClosedPipe } from './closed-pipe.js';

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
    const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', childScript(true)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const { status, stderr } = await readFirstChunkThenClose(child);
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(status).toBe(0);
    // Without the handler the same child dies on the unhandled EPIPE (the check above could fail).
    const bare = await readFirstChunkThenClose(spawn(process.execPath, ['--conditions=development', '--import', 'tsx', '--input-type=module', '-e', childScript(false)], { stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(bare.stderr).toMatch(/EPIPE/);
    expect(bare.status).not.toBe(0);
  });
});

/** A child that writes 100 MB to stdout, waiting for drains, with or without the handler. */
function childScript(handle: boolean): string {
  return `
    const { endQuietlyOnClosedPipe } = await import(${JSON.stringify(new URL('./closed-pipe.ts', import.meta.url).href)});
    if (${handle}) endQuietlyOnClosedPipe(process.stdout);
    const line = 'x'.repeat(1000) + '\\n';
    for (let i = 0; i < 100000; i++) if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  `;
}

async function readFirstChunkThenClose(child: ChildProcessWithoutNullStreams | ReturnType<typeof spawn>): Promise<{ status: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout?.once('data', () => child.stdout?.destroy());
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { status, stderr };
}
