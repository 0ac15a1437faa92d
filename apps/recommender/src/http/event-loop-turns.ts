/**
 * Heavy requests (a chat turn, a recommendation list the cache does not hold) take turns: one starts per
 * event-loop iteration, in arrival order, and the poll phase between two of them accepts new connections and
 * reads new requests.
 *
 * Why: since libuv 1.45 (Node 20) a server accepts one pending connection per loop iteration (libuv
 * #3696), and an iteration otherwise runs every request that is ready, each to its first real wait. Under
 * saturation with 50 keep-alive connections and a ~15 ms chat turn, an iteration took about 0.75 s, so
 * the 50th new connection waited many iterations for its accept: seconds, and some clients timed out
 * while others were served (`bench/api`). Taking turns bounds an iteration to one heavy request, so a new
 * connection waits for about one turn; cheap requests (health, cached lists) are answered in the poll
 * phase without waiting behind heavy ones. Only the synchronous part of a request is spread out: one that
 * waits on I/O (an LLM call) frees the loop as before.
 */
export class EventLoopTurns {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Resolves at this caller's turn: a later iteration's check phase, after every earlier caller's turn. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  /** Callers waiting for their turn. */
  get pending(): number {
    return this.waiting.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // An immediate queued while the check phase runs waits for the next iteration: one turn per iteration.
    setImmediate(() => {
      this.scheduled = false;
      const resolve = this.waiting.shift();
      if (this.waiting.length > 0) this.schedule();
      // The turn's work runs in the microtasks after this callback, before the loop moves on.
      resolve?.();
    });
  }
}
