import { connect } from 'node:net';

/** A request the server has started on (see `openRequest`). */
export interface OpenRequest {
  /** Sends the body and resolves with the response's status line (`HTTP/1.1 201 Created`). */
  finish(): Promise<string>;
  /** Settles when the connection closes. */
  closed: Promise<void>;
}

/**
 * Opens `POST path` with `Expect: 100-continue` and waits for the server's `100 Continue`, which shows it has read
 * the headers and is handling the request (a connection with no request read yet counts as idle and is closed at
 * once when the server stops). The body is sent only by `finish()`: until then the request stalls half-way.
 */
export async function openRequest(origin: string, options: { path: string; key: string; body: string }): Promise<OpenRequest> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined);
  const closed = new Promise<void>((done) => socket.once('close', () => done()));
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const until = (pattern: RegExp) =>
    new Promise<string>((done, fail) => {
      const check = () => {
        const match = pattern.exec(received);
        if (match) return done(match[0]);
        socket.once('data', check);
      };
      void closed.then(() => fail(new Error(`connection closed; received ${JSON.stringify(received)}`)));
      check();
    });
  await new Promise<void>((done) => socket.once('connect', () => done()));
  socket.write(
    `POST ${options.path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${options.key}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(options.body)}\r\nExpect: 100-continue\r\n\r\n`,
  );
  await until(/^HTTP\/1\.1 100 Continue\r\n\r\n/);
  return {
    finish: () => {
      socket.write(options.body);
      return until(/HTTP\/1\.1 [2-5]\d\d [^\r]*/);
    },
    closed,
  };
}
