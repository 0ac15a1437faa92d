import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { cancelledExitCode, interruptOnSignals, repeatWindowMs } from './interrupt.js';

/** An interrupt on an emitter of its own, with a clock and an exit the test holds; returns what went to stderr too. */
function setUp() {
  const source = new EventEmitter();
  let clock = 1_000;
  const exits: number[] = [];
  const stderr: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr.push(String(chunk));
    return true;
  });
  const interrupt = interruptOnSignals({ stopping: 'stopping before the next question', kept: 'the stored answers stay', exit: (code) => exits.push(code), now: () => clock, source });
  return {
    source,
    interrupt,
    exits,
    stderr,
    advance: (milliseconds: number) => (clock += milliseconds),
    restore: () => spy.mockRestore(),
  };
}

describe('interruptOnSignals', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s aborts the work and says so; a second one exits at once with 130; a repeat within the window is the same interrupt', (name) => {
    const { source, interrupt, exits, stderr, advance, restore } = setUp();
    try {
      expect(interrupt.signal.aborted).toBe(false);
      source.emit(name, name);
      expect(interrupt.signal.aborted).toBe(true);
      expect(stderr).toEqual([`\n${name}: stopping before the next question (send it again to exit at once)\n`]);
      // tsx's relay of the same Ctrl-C.
      advance(repeatWindowMs - 1);
      source.emit(name, name);
      expect(exits).toEqual([]);
      advance(1);
      source.emit(name === 'SIGINT' ? 'SIGTERM' : 'SIGINT', name === 'SIGINT' ? 'SIGTERM' : 'SIGINT');
      expect(exits).toEqual([cancelledExitCode]);
      expect(cancelledExitCode).toBe(130);
      expect(stderr.at(-1)).toBe(`error (cancelled): ${name === 'SIGINT' ? 'SIGTERM' : 'SIGINT'} again: stopped at once; the stored answers stay\n`);
    } finally {
      restore();
      interrupt.dispose();
    }
  });

  it("with repeat 'ignore' (train) says nothing of a second signal and never exits", () => {
    const source = new EventEmitter();
    const exits: number[] = [];
    const stderr: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    });
    let clock = 0;
    const interrupt = interruptOnSignals({ stopping: 'stopping training before its next step', repeat: 'ignore', exit: (code) => exits.push(code), now: () => (clock += 10_000), source });
    try {
      source.emit('SIGINT', 'SIGINT');
      source.emit('SIGTERM', 'SIGTERM');
      expect(interrupt.signal.aborted).toBe(true);
      expect(exits).toEqual([]);
      expect(stderr).toEqual(['\nSIGINT: stopping training before its next step\n']);
    } finally {
      spy.mockRestore();
      interrupt.dispose();
    }
  });

  it('leaves the signals alone once disposed', () => {
    const { source, interrupt, exits, stderr, restore } = setUp();
    try {
      expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(2);
      interrupt.dispose();
      expect(source.listenerCount('SIGINT') + source.listenerCount('SIGTERM')).toBe(0);
      source.emit('SIGINT', 'SIGINT');
      expect(interrupt.signal.aborted).toBe(false);
      expect(exits).toEqual([]);
      expect(stderr).toEqual([]);
    } finally {
      restore();
    }
  });
});
