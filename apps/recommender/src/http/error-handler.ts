import { STATUS_CODES, maxHeaderSize } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyBaseLogger, FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PersonalabError, formatPath } from '@personalab/core';
import { codeForStatus, statusForCode } from './error-status.js';
import { securityHeaders } from './security-headers.js';

interface ErrorBody {
  error: { code: string; message: string; paths?: string[]; requestId?: string };
}

/**
 * One error path for the whole API: PersonalabError codes through the status table, request
 * validation to 400 with JSON paths, fastify's own 4xx (bad JSON, body too large) kept, and
 * anything else a 500 whose details stay in the log, never in the response.
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = error.validationContext ?? 'body';
      const located = error.validation.flatMap((issue) => {
        // The type provider gives the path as a JSON pointer (`/events/1/value`).
        const segments: (string | number)[] = issue.instancePath.split('/').filter(Boolean).map((segment) => (/^\d+$/.test(segment) ? Number(segment) : segment));
        // zod reports unknown fields on their object; name each field (`body.foo`, not `body`).
        const unknownKeys = issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys) ? issue.params.keys.filter((key): key is string => typeof key === 'string') : [];
        const named = (path: (string | number)[]) => {
          const formatted = formatPath(path);
          return formatted === '(root)' ? where : `${where}.${formatted}`;
        };
        const at = (extra: (string | number)[]) => named([...segments, ...extra]);
        // A query string names parameters, and a misspelt one (`genres=`) is easier to fix beside the ones the route takes.
        const unknown = where === 'querystring' ? `unknown parameter${knownParameters(request.routeOptions.schema?.querystring)}` : 'unknown field';
        if (unknownKeys.length > 0) return unknownKeys.map((key) => ({ paths: [at([key])], message: unknown }));
        // A contradiction between values (`yearFrom` after `yearTo`) names each of them.
        return [{ paths: [at([]), ...alsoAt(issue.params).map(named)], message: issue.message }];
      });
      // One value can fail two checks (`age: 1e308`: not a safe integer, over 130): its path is named once.
      const paths = [...new Set(located.flatMap((entry) => entry.paths))];
      const messages = located.map((entry) => `${entry.paths.join(', ')}: ${entry.message}`);
      status = 400;
      body = { error: { code: 'invalid_argument', message: messages.join('; '), paths } };
    } else if (PersonalabError.is(error)) {
      status = statusForCode(error.code);
      // One offending value (`path`), or a contradiction between several (`paths`: genre and excludeGenre).
      const path = typeof error.details.path === 'string' ? [error.details.path] : stringArray(error.details.paths);
      // A 503 (shutting down) is no fault: its message says what to do; other 5xx messages stay in the log.
      const shown = status < 500 || error.code === 'unavailable';
      body = { error: { code: error.code, message: shown ? error.message : 'internal error', ...(path ? { paths: path } : {}) } };
    } else if (isResponseSerializationError(error)) {
      status = 500;
      body = { error: { code: 'internal', message: 'internal error' } };
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      const code = typeof error.code === 'string' && error.code === 'rate_limited' ? 'rate_limited' : codeForStatus(status);
      // Fastify's own client-error messages (bad JSON, body too large) are safe to show; a refused content type says which it was.
      const type = request.headers['content-type'];
      const refusedType = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE';
      // fastify's "Request body is too large" named neither the body nor the limit.
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      // JSON with another charset than UTF-8 (RFC 8259's only one) is refused too: it would have been read as UTF-8.
      const refusedCharset = refusedType && type !== undefined && /^\s*application\/json\s*;/i.test(type);
      const message = refusedCharset
        ? `body must be application/json in UTF-8 (RFC 8259), not ${type}: send it as UTF-8, with no charset or charset=utf-8`
        : refusedType
        ? `body must be application/json, ${type === undefined ? 'and the request named no content type' : `not ${type}`}`
        : tooLarge
          ? `body: over the ${request.routeOptions.bodyLimit.toLocaleString('en')} bytes a request body may have`
          : error.message;
      const paths = refusedType ? ['headers.content-type'] : tooLarge ? ['body'] : undefined;
      body = { error: { code, message, ...(paths ? { paths } : {}) } };
    } else {
      status = 500;
      body = { error: { code: 'internal', message: 'internal error' } };
    }
    // RFC 9110: a 401 names the scheme that would succeed.
    if (status === 401) void reply.header('www-authenticate', 'Bearer');
    // An error that asks the client to come back later says when (a repeat of a request still running).
    if (PersonalabError.is(error) && typeof error.details.retryAfterSeconds === 'number') void reply.header('retry-after', String(error.details.retryAfterSeconds));
    // A fault's answer says nothing of it, but names the request: the log has the error under the same id.
    const fault = status >= 500 && body.error.code !== 'unavailable';
    if (fault) body.error.requestId = request.id;
    if (fault) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.error.code, status }, body.error.message);
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  // Every route's path as a pattern, by method: a path some route serves under other methods is a 405 with the methods
  // it takes (RFC 9110), not a 404 ("no route PATCH /v1/items" had said the path did not exist).
  const routes: { methods: string[]; pattern: RegExp }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ methods, pattern: pathPattern(route.url) });
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = [...new Set(routes.filter((route) => route.pattern.test(path)).flatMap((route) => route.methods))].filter((method) => method !== request.method).sort();
    if (allowed.length > 0) {
      void reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ error: { code: 'unsupported', message: `${request.method} is not allowed on ${path}; it takes ${allowed.join(', ')}` } });
      return;
    }
    void reply.code(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${path}` } });
  });
}

/**
 * The other values a custom issue names beside its own path (`params: { alsoAt: [['yearTo']] }`, each from the schema's
 * root): the type provider keeps a zod issue's own `params` under `params.params`.
 */
function alsoAt(params: Record<string, unknown>): (string | number)[][] {
  const own = params['params'];
  const paths = typeof own === 'object' && own !== null ? (own as Record<string, unknown>)['alsoAt'] : undefined;
  if (!Array.isArray(paths)) return [];
  return paths.filter((path): path is (string | number)[] => Array.isArray(path) && path.every((segment) => typeof segment === 'string' || typeof segment === 'number'));
}

/** A non-empty array of strings, or undefined for anything else. */
function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.length > 0 && value.every((entry) => typeof entry === 'string') ? value : undefined;
}

/** A route's path ("/v1/users/:id/events", "/docs/*") as a regular expression over request paths. */
function pathPattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${source}/?$`);
}

/** "; the route takes k, genre, …" (or "takes none") for a zod object schema; empty for anything else. */
function knownParameters(schema: unknown): string {
  if (!(schema instanceof z.ZodObject)) return '';
  const names = Object.keys(schema.shape);
  return names.length === 0 ? '; the route takes none' : `; the route takes ${names.join(', ')}`;
}

/**
 * Errors the router raises before any route runs (a path parameter over `maxParamLength`: 414;
 * a path that is not valid percent-encoding: 400), in the API's error format rather than fastify's.
 */
export function sendFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const status = typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const message =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? 'a path parameter is too long'
      : error.code === 'FST_ERR_BAD_URL'
        ? 'the URL path is not valid percent-encoding'
        : error.message;
  reply.log.info({ code: error.code, status }, message);
  // The router refused the request before the hooks that set these on every other answer.
  void reply.headers(securityHeaders);
  void reply.code(status).type('application/json; charset=utf-8').send({ error: { code: codeForStatus(status), message, ...(error.code === 'FST_ERR_MAX_PARAM_LENGTH' ? { paths: ['params'] } : {}) } });
}

/** A request Node's HTTP parser refused (`clientError`): what it says, and the request's bytes up to where it stopped. */
interface ParseError extends Error {
  code?: string;
  reason?: string;
  bytesParsed?: number;
  rawPacket?: unknown;
}

/** The header whose line holds the byte where parsing stopped (`Authorization`), lowercased; undefined when not in a header line. */
function headerAt(error: ParseError): string | undefined {
  if (!Buffer.isBuffer(error.rawPacket) || typeof error.bytesParsed !== 'number') return undefined;
  const text = error.rawPacket.toString('latin1');
  const start = text.lastIndexOf('\r\n', Math.max(0, error.bytesParsed - 1));
  if (start < 0) return undefined;
  const end = text.indexOf('\r\n', start + 2);
  const line = text.slice(start + 2, end < 0 ? undefined : end);
  const name = line.slice(0, line.indexOf(':'));
  return /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) ? name.toLowerCase() : undefined;
}

/**
 * Answers a request Node's HTTP parser refused before fastify saw it (fastify's `clientErrorHandler`), in the API's
 * error format: a character HTTP does not allow in the URL or a header (a raw "é", a control character), a header
 * section over Node's limit (431), a request that took too long to arrive (408). fastify's own answer had been
 * `{"error":"Bad Request","message":"Client Error","statusCode":400}`, naming neither what nor where.
 */
export function sendClientError(error: ParseError, socket: Duplex, log: FastifyBaseLogger, requestTimeoutMs: number): void {
  // A reset connection has nobody to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const header = headerAt(error);
  const reason = error.reason ?? error.message.replace(/^Parse Error: /, '');
  let status = 400;
  let message: string;
  let paths: string[] | undefined;
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = `the request did not arrive within ${requestTimeoutMs / 1000} s: send its headers and body at once`;
  } else if (error.code === 'HPE_HEADER_OVERFLOW') {
    status = 431;
    message = `headers: over the ${maxHeaderSize.toLocaleString('en')} bytes the request headers may have`;
    paths = ['headers'];
  } else if (error.code === 'HPE_INVALID_URL') {
    message = `the URL path has a character HTTP does not allow there (${reason}): percent-encode it`;
  } else if (header !== undefined) {
    message = `headers.${header}: not a valid HTTP header (${reason})${/value char/i.test(reason) ? ': send printable ASCII' : ''}`;
    paths = [`headers.${header}`];
  } else {
    message = `not a valid HTTP request (${reason})`;
  }
  log.info({ code: error.code, status }, message);
  // As Node's own handler: answer only when no answer of this connection has started (else the bytes would corrupt it).
  const answering = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
  if (socket.writable && !answering) {
    const body = JSON.stringify({ error: { code: codeForStatus(status), message, ...(paths ? { paths } : {}) } });
    const headers = { ...securityHeaders, 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)), connection: 'close' };
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n${body}`);
  }
  socket.destroy();
}
