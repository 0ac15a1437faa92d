import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, openTinyService, testKey, type TinyService } from '../test/harness.js';
import { docsContentSecurityPolicy, docsLogoStyle, pageContentSecurityPolicy } from './security-headers.js';

let tiny: TinyService | undefined;
afterEach(async () => {
  await tiny?.close();
  tiny = undefined;
});

const open = async (options: Parameters<typeof openTinyService>[0] = {}) => {
  tiny = await openTinyService(options);
  return tiny;
};

const counts = (service: TinyService) => ({ users: service.service.store.userCount(), events: service.service.store.eventCount(), messages: service.service.store.messageCount() });

describe('response headers', () => {
  it('sends nosniff, no framing and no Referer on every answer, errors included, and a Content-Security-Policy on the page', async () => {
    const { app } = await open();
    const requests: InjectOptions[] = [
      { url: '/' },
      { url: '/app.js' },
      { url: '/style.css' },
      { url: '/healthz' },
      { url: '/metrics' },
      { url: '/docs/json' },
      { url: '/docs/' },
      { url: '/v1/users/u1', headers: auth },
      { url: '/v1/users/u1' },
      { url: '/nothing-here', headers: auth },
      { url: '/v1/users/%ZZ' },
      { method: 'POST', url: '/v1/users', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"id":' },
    ];
    for (const request of requests) {
      const response = await app.inject(request);
      const where = `${request.method ?? 'GET'} ${request.url as string} (${response.statusCode})`;
      expect(response.headers['x-content-type-options'], where).toBe('nosniff');
      expect(response.headers['x-frame-options'], where).toBe('DENY');
      expect(response.headers['referrer-policy'], where).toBe('no-referrer');
    }
    const page = await app.inject({ url: '/' });
    expect(page.headers['content-security-policy']).toBe(pageContentSecurityPolicy);
    expect(pageContentSecurityPolicy).toMatch(/default-src 'none'/);
    expect(pageContentSecurityPolicy).toMatch(/script-src 'self';/);
    expect(pageContentSecurityPolicy).toMatch(/frame-ancestors 'none'/);
    // The policy allows nothing inline: the page has no inline script, style element or style attribute.
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect((await app.inject({ url: '/app.js' })).headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect((await app.inject({ url: '/style.css' })).headers['content-type']).toBe('text/css; charset=utf-8');
  });

  it('gives the OpenAPI docs under /docs their own Content-Security-Policy (they had none): nothing inline but the logo\'s style, by hash', async () => {
    const { app } = await open();
    for (const url of ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/static/swagger-initializer.js', '/docs/static/swagger-ui-bundle.js', '/docs/static/swagger-ui.css', '/docs/static/no-such-file.js']) {
      const response = await app.inject({ url });
      expect(response.headers['content-security-policy'], `${url} (${response.statusCode})`).toBe(docsContentSecurityPolicy);
    }
    expect(docsContentSecurityPolicy).toMatch(/^default-src 'none'; script-src 'self'; style-src 'self' 'sha256-[A-Za-z0-9+/]{43}='; /);
    expect(docsContentSecurityPolicy).toMatch(/frame-ancestors 'none'/);
    expect(docsContentSecurityPolicy).not.toMatch(/unsafe-/);
    // The hash is of the `<style>` Swagger UI's top-bar logo inserts, word for word (an upgrade that changes it fails here and in the browser test).
    const preset = await app.inject({ url: '/docs/static/swagger-ui-standalone-preset.js' });
    expect(preset.body).toContain(`createElement("style",null,${JSON.stringify(docsLogoStyle)})`);
    expect(docsContentSecurityPolicy).toContain(`'sha256-${createHash('sha256').update(docsLogoStyle).digest('base64')}'`);
    // The UI's page itself has no inline script, style element or handler attribute.
    const page = await app.inject({ url: '/docs' });
    expect(page.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.body).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    // The chat page keeps its own, stricter policy.
    expect((await app.inject({ url: '/' })).headers['content-security-policy']).toBe(pageContentSecurityPolicy);
  });

  it('enables no CORS: a cross-origin preflight is refused and no answer allows another origin', async () => {
    const { app } = await open();
    const origin = { origin: 'https://elsewhere.example' };
    const preflight = await app.inject({ method: 'OPTIONS', url: '/v1/chat', headers: { ...origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
    expect(preflight.statusCode).toBe(401);
    const answers = [preflight, await app.inject({ url: '/v1/users/u1', headers: { ...auth, ...origin } }), await app.inject({ url: '/metrics', headers: origin })];
    for (const response of answers) {
      expect(Object.keys(response.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });
});

describe('faults and logs', () => {
  it('answers a fault with a generic 500 that names the request id, under which the log has the error', async () => {
    const lines: string[] = [];
    const service = await open({ logLevel: 'warn', logStream: { write: (line) => lines.push(line) } });
    service.service.store.database.close();
    const first = await service.app.inject({ url: '/v1/users/u1', headers: auth });
    const second = await service.app.inject({ url: '/v1/users/u1', headers: auth });
    expect(first.statusCode).toBe(500);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(first.json()).toEqual({ error: { code: 'internal', message: 'internal error', requestId: expect.stringMatching(uuid) as unknown as string } });
    expect(second.json().error.requestId).not.toBe(first.json().error.requestId);
    // No stack, file or internal path in the answer.
    expect(first.body).not.toMatch(/\.(ts|js)\b|\/(work|tmp|home|usr)\/|\bat /);
    const failures = lines.map((line) => JSON.parse(line) as { reqId?: string; msg?: string; err?: { stack?: string } }).filter((entry) => entry.msg === 'request failed');
    expect(failures.map((entry) => entry.reqId)).toEqual([first.json().error.requestId, second.json().error.requestId]);
    expect(failures[0]?.err?.stack).toMatch(/\bat /);
  });

  it('keeps API keys out of the log at debug level: no Authorization header, and no query string contents', async () => {
    const lines: string[] = [];
    const { app } = await open({ logLevel: 'debug', logStream: { write: (line) => lines.push(line) } });
    // The page's address with "?key=" typed for "#key=", and a key in a query parameter: both had been logged whole.
    expect((await app.inject({ url: `/?key=${testKey}` })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/users/u1?api_key=${testKey}`, headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ url: '/v1/users/u1', headers: { authorization: 'Bearer wrong-key-0123456789' } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/v1/users/u1', headers: auth })).statusCode).toBe(200);
    const text = lines.join('');
    expect(text).not.toContain(testKey);
    expect(text).not.toContain('wrong-key-0123456789');
    const urls = lines.map((line) => (JSON.parse(line) as { req?: { url?: string } }).req?.url).filter((url) => url !== undefined);
    expect(urls).toEqual(['/?[query omitted]', '/v1/users/u1?[query omitted]', '/v1/users/u1', '/v1/users/u1']);
  });
});

describe('request bodies', () => {
  it('refuses a deeply nested body for what is wrong with it, not as a "__proto__" key', async () => {
    const service = await open();
    const before = counts(service);
    const post = (payload: string) => service.app.inject({ method: 'POST', url: '/v1/users', headers: { ...auth, 'content-type': 'application/json' }, payload });
    const depth = 50_000;
    // A lone surrogate 50,000 arrays down: the walk that looks for one had overflowed the stack, and the parser called it a "__proto__" key.
    const surrogate = await post(`{"id":"deep","attributes":{"a":${'['.repeat(depth)}"\\ud800"${']'.repeat(depth)}}}`);
    expect(surrogate.statusCode).toBe(400);
    expect(surrogate.json().error.message).toMatch(/^body\.attributes\.a\[0\]\[0\](\[0\])*: not valid Unicode/);
    expect(surrogate.json().error.paths).toEqual([`body.attributes.a${'[0]'.repeat(depth)}`]);
    const keyed = await post(`{"id":"deep","attributes":${'{"a":'.repeat(20_000)}{"\\udc00":1}${'}'.repeat(20_000)}}`);
    expect(keyed.json().error.message).toMatch(/^body\.attributes(\.a)+\.\udc00: not valid Unicode/);
    // Deep without a surrogate: the schema refuses it.
    const plain = await post(`{"id":"deep","attributes":{"a":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    expect(plain.statusCode).toBe(400);
    expect(plain.json().error.paths).toEqual(['body.attributes.a']);
    expect(counts(service)).toEqual(before);
  });
});

describe('slow clients', () => {
  it('gives a client that sends its body a byte at a time a 408 and closes its connection (fastify had no deadline)', async () => {
    const service = await open({ requestTimeoutMs: 1000 });
    const origin = await service.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = new URL(origin);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    await new Promise<void>((done) => socket.once('connect', () => done()));
    const started = Date.now();
    socket.write(`POST /v1/users HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${testKey}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
    const drip = setInterval(() => socket.write(' '), 100);
    const outcome = await Promise.race([
      new Promise<'closed'>((done) => socket.once('close', () => done('closed'))),
      new Promise<'still open'>((done) => setTimeout(() => done('still open'), 8_000)),
    ]);
    clearInterval(drip);
    socket.destroy();
    expect(outcome).toBe('closed');
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
    // In the API's error format (fastify's own had been {"error":"Request Timeout","message":"Client Timeout","statusCode":408}).
    expect(received).toMatch(/\r\nx-content-type-options: nosniff\r\n/);
    expect(JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4))).toEqual({ error: { code: 'cancelled', message: 'the request did not arrive within 1 s: send its headers and body at once' } });
    expect(Date.now() - started).toBeLessThan(5_000);
    // Others are served meanwhile and after.
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
  }, 15_000);

  it('has a 30 s deadline by default, for the headers too, and takes only a positive one', async () => {
    const { app } = await open();
    expect(app.server.requestTimeout).toBe(30_000);
    expect(app.server.headersTimeout).toBe(30_000);
    await expect(openTinyService({ requestTimeoutMs: 0 })).rejects.toMatchObject({ code: 'invalid_argument', message: 'requestTimeoutMs must be a positive integer, got 0' });
  });
});
