/** Streams whose closed pipe a long-running command handles itself, with what it does instead of ending the process. */
const outlived = new WeakMap<object, () => void>();

/**
 * `personalab … | head -1`: once the reader has gone, the next write to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event (a stack trace on stderr, exit 1). A command line tool ends quietly
 * instead, as `cat` or `grep` do; other stream errors are not ours to hide. A command that outlives its output
 * (`serve`) says so with `outliveClosedPipe`, and the process is not ended.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      const instead = outlived.get(stream);
      if (instead) instead();
      else exit(0);
      return;
    }
    throw error;
  });
}

/**
 * For a command whose output is not its work (`serve` prints a banner, then serves until a signal): while it runs, a
 * closed pipe on `stream` calls `onClosed` once instead of ending the process, so that the command goes on and ends
 * the way it always does (a server closes its store and removes its lock). Returns the function that restores the default.
 */
export function outliveClosedPipe(stream: NodeJS.WriteStream, onClosed: () => void): () => void {
  let told = false;
  const instead = () => {
    if (told) return;
    told = true;
    onClosed();
  };
  outlived.set(stream, instead);
  return () => {
    if (outlived.get(stream) === instead) outlived.delete(stream);
  };
}
