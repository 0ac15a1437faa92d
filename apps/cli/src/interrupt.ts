/** Exit code of a command stopped by SIGINT / SIGTERM (`cancelled`): 128 + SIGINT, as a shell reports Ctrl-C. */
export const cancelledExitCode = 130;

/**
 * A second signal this soon after the first is the same interrupt: tsx relays a Ctrl-C its child got too when the child
 * has not acknowledged it within 30 ms (a busy event loop), and both arrive together.
 */
export const repeatWindowMs = 500;

export interface InterruptOptions {
  /** What the command does now, for the line the first signal prints: "stopping before the next question". */
  stopping: string;
  /** What stays when a second signal ends the process at once: "the answers stored so far stay in runs.sqlite" (not with `repeat: 'ignore'`). */
  kept?: string;
  /**
   * `exit` (default): a second signal ends the process at once. `ignore`: later signals are ignored, for work whose
   * next stop comes soon anyway (a training step takes well under a second).
   */
  repeat?: 'exit' | 'ignore';
  /** Ends the process (tests pass their own). */
  exit?: (code: number) => void;
  /** Milliseconds, for the repeat window (tests pass their own). */
  now?: () => number;
  /** Where SIGINT and SIGTERM are emitted (default `process`; tests pass an emitter). */
  source?: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
}

export interface Interrupt {
  /** Aborted by the first SIGINT or SIGTERM: the command stops before its next unit of work and throws `cancelled`. */
  readonly signal: AbortSignal;
  /** Removes the handlers; call it in `finally` once the work has ended. */
  dispose(): void;
}

/**
 * Turns SIGINT and SIGTERM into an abort while a command works: the first says on stderr what the command is
 * stopping, and the command ends cleanly with its `cancelled` error (what it kept, how to resume; exit 130); a second
 * one (after `repeatWindowMs`) exits at once with 130, with a `cancelled` line of its own: what is stored stays as it is.
 */
export function interruptOnSignals(options: InterruptOptions): Interrupt {
  const { exit = (code: number) => process.exit(code), now = Date.now, source = process } = options;
  const controller = new AbortController();
  let firstAt = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      firstAt = now();
      process.stderr.write(`\n${signal}: ${options.stopping}${options.repeat === 'ignore' ? '' : ' (send it again to exit at once)'}\n`);
      controller.abort();
      return;
    }
    if (options.repeat === 'ignore' || now() - firstAt < repeatWindowMs) return;
    process.stderr.write(`error (cancelled): ${signal} again: stopped at once; ${options.kept ?? 'what was stored stays'}\n`);
    exit(cancelledExitCode);
  };
  source.on('SIGINT', onSignal);
  source.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      source.off('SIGINT', onSignal);
      source.off('SIGTERM', onSignal);
    },
  };
}

/**
 * Two turns of the event loop: a signal caught while the process was busy (synchronous work such as EASE's inverse or
 * parsing a data set) is handed to its listeners by then, so a command can check its interrupt before it goes on.
 */
export async function servePendingSignals(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise<void>((done) => setImmediate(done));
}
