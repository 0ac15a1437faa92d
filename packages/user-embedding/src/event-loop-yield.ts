/**
 * Gives timers, I/O and signal handlers a turn during a long synchronous computation (training steps, Gibbs
 * sweeps), at most once every `intervalMs`: without a turn an `AbortSignal` (a timeout, a SIGINT handler)
 * could never fire before the computation ended. Call the returned function between units of work.
 */
export function createEventLoopYield(intervalMs = 20): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < intervalMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}
