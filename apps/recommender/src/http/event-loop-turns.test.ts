import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventLoopTurns } from './event-loop-turns.js';

const busy = (milliseconds: number) => {
  const end = performance.now() + milliseconds;
  while (performance.now() < end);
};

describe('EventLoopTurns', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
  });

  it('gives turns in arrival order, one per event-loop iteration', async () => {
    const turns = new EventLoopTurns();
    const log: string[] = [];
    const work = [1, 2, 3].map((index) => turns.next().then(() => log.push(`turn ${index}`)));
    expect(turns.pending).toBe(3);
    // An immediate queued now runs in the first check phase, after the first turn; one queued by it runs an iteration later.
    setImmediate(() => {
      log.push('immediate');
      setImmediate(() => log.push('next iteration'));
    });
    await Promise.all(work);
    await new Promise((done) => setImmediate(done));
    expect(log).toEqual(['turn 1', 'immediate', 'turn 2', 'next iteration', 'turn 3']);
    expect(turns.pending).toBe(0);
  });

  it('lets a busy process accept a new connection between two heavy turns, not after all of them', async () => {
    const accepted: number[] = [];
    let finished = 0;
    server = createServer((socket) => {
      accepted.push(finished);
      socket.destroy();
    });
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    const port = (server.address() as { port: number }).port;
    const turns = new EventLoopTurns();
    const heavy = Array.from({ length: 6 }, () =>
      turns.next().then(() => {
        busy(25);
        finished++;
      }),
    );
    // The handshake completes in the kernel while the first turn runs; the accept waits for a poll phase.
    const client = connect(port, '127.0.0.1');
    client.on('error', () => undefined);
    await Promise.all(heavy);
    await new Promise((done) => setTimeout(done, 20));
    client.destroy();
    expect(accepted).toHaveLength(1);
    // Accepted after one or two turns; without turns all six would run in one iteration before it.
    expect(accepted[0]).toBeLessThan(6);
  });
});
