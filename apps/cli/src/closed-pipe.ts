/**
 * `personalab … | head -1`: once the reader has gone, the next write to stdout fails with EPIPE, which Node
 * raises as an unhandled 'error' event (a stack trace on stderr, exit 1). A command line tool ends quietly
 * instead, as `cat` or `grep` do; other stream errors are not ours to hide.
 */
export function endQuietlyOnClosedPipe(stream: NodeJS.WriteStream, exit: (code: number) => void = (code) => process.exit(code)): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') {
      exit(0);
      return;
    }
    throw error;
  });
}
