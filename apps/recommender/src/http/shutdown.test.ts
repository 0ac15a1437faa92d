import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openTinyService, testKey } from '../test/harness.js';

/** The bodies of the HTTP/1.1 responses in `raw`, each with its status and headers (Content-Length framed). */
function responses(raw: string): { status: number; headers: Record<string, string>; body: string }[] {
  const out: { status: number; headers: Record<string, string>; body: string }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
    const length = Number(headers['content-length'] ?? 0);
    const status = Number(statusLine?.split(' ')[1]);
    rest = rest.slice(end + 4);
    // 100 Continue has no body and is not an answer.
    if (status !== 100) out.push({ status, headers, body: rest.slice(0, length) });
    rest = rest.slice(status === 100 ? 0 : length);
  }
  return out;
}

/**
 * A tiny service listening on a free port and a raw connection to it with one POST /v1/users in flight: its headers
 * sent with `Expect: 100-continue` and read by the server (100 Continue received), its body (returned) not yet sent.
 */
async function requestInFlight(userId: string, extraHeaders = ''): Promise<{ tiny: Awaited<ReturnType<typeof openTinyService>>; socket: ReturnType<typeof connect>; body: string; received: () => string; closed: Promise<void> }> {
  const tiny = await openTinyService();
  const origin = await tiny.app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = new URL(origin);
  const socket = connect(Number(port), '127.0.0.1');
  socket.on('error', () => undefined);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  await new Promise<void>((done) => socket.once('connect', () => done()));
  const body = JSON.stringify({ id: userId });
  socket.write(`POST /v1/users HTTP/1.1\r\nHost: x\r\n${extraHeaders}Authorization: Bearer ${testKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`);
  await new Promise<void>((done) => {
    const check = () => (received.includes('100 Continue') ? done() : socket.once('data', check));
    check();
  });
  return { tiny, socket, body, received: () => received, closed };
}

describe('graceful shutdown', () => {
  it("answers a request that reaches a route while the server closes with a 503 in the API's error format (fastify's own body had been shown as bare \"HTTP 503\")", async () => {
    // A request in flight: the server has read its headers (100 Continue) and waits for the body.
    const { tiny, socket, body, received, closed } = await requestInFlight('during-shutdown');
    const closing = tiny.close();
    // The body, and a second request on the same (keep-alive) connection right behind it: it reaches the router after close began.
    socket.write(`${body}GET /v1/users/during-shutdown HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${testKey}\r\n\r\n`);
    await closed;
    await closing;
    const [first, second] = responses(received());
    expect(first?.status).toBe(201);
    expect(second?.status).toBe(503);
    expect(second?.headers['content-type']).toMatch(/^application\/json/);
    expect(second?.headers.connection).toBe('close');
    expect(second?.headers['retry-after']).toBe('1');
    expect(JSON.parse(second?.body ?? '')).toEqual({
      error: { code: 'unavailable', message: 'the server is shutting down: send the request again in a moment (to another instance, or once this one has restarted)' },
    });
  });

  it('closes a keep-alive connection once its request in flight is answered, so a stop does not wait for the client to hang up (it had waited out the grace period)', async () => {
    // One keep-alive request in flight (its headers read: 100 Continue), as a pooling HTTP client sends it.
    const { tiny, socket, body, received, closed } = await requestInFlight('kept-alive', 'Connection: keep-alive\r\n');
    const started = Date.now();
    const closing = tiny.close();
    socket.write(body);
    // The server answers and hangs up; the client never does.
    await closed;
    await closing;
    expect(Date.now() - started).toBeLessThan(2000);
    const [answer] = responses(received());
    expect(answer?.status).toBe(201);
    expect(answer?.headers.connection).toBe('close');
    expect(JSON.parse(answer?.body ?? '')).toMatchObject({ id: 'kept-alive' });
  }, 15_000);
});
