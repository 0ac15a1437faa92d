import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Fastify, { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { PersonalabError, formatPath, idSchema } from '@personalab/core';
import type { ChatRec } from '../pipeline/chat-rec.js';
import type { ItemCatalog } from '../pipeline/item-catalog.js';
import type { ItemTextIndex } from '../pipeline/item-text-index.js';
import type { RecommenderStore } from '../store/store.js';
import { bearerToken, createKeyCheck } from './auth.js';
import { installErrorHandler, sendClientError, sendFrameworkError } from './error-handler.js';
import type { IdempotencyOptions } from './idempotency.js';
import { Metrics } from './metrics.js';
import { registerRoutes } from './routes.js';
import { docsContentSecurityPolicy, pageContentSecurityPolicy, securityHeaders } from './security-headers.js';

export interface AppServices {
  store: RecommenderStore;
  catalog: ItemCatalog;
  chatRec: ChatRec;
  textIndex: ItemTextIndex;
  metrics: Metrics;
}

export interface AppOptions {
  store: RecommenderStore;
  catalog: ItemCatalog;
  chatRec: ChatRec;
  textIndex: ItemTextIndex;
  metrics?: Metrics;
  /** Accepted bearer keys; every /v1 route needs one. */
  apiKeys: readonly string[];
  /** Requests per minute per API key. */
  rateLimitPerMinute?: number;
  /** Largest accepted request body (default 256 KiB). */
  bodyLimitBytes?: number;
  /** fastify logger: false (tests) or a level. */
  logLevel?: string | false;
  /** Where the log's JSON lines go (default stdout); tests read them here. */
  logStream?: { write(line: string): void };
  /**
   * How long a client has to send its whole request, headers and body, in milliseconds (default 30 s): a client
   * that sends a body a byte at a time gets a 408 and its connection is closed (fastify's default had no limit).
   * A positive integer; the headers must come within the same time.
   */
  requestTimeoutMs?: number;
  /**
   * Heavy requests (chat turns, uncached lists) take event-loop turns, one per iteration (default true; see
   * EventLoopTurns). `false` runs them as they arrive: for the benchmark that measures what the turns change.
   */
  eventLoopTurns?: boolean;
  /** `Idempotency-Key` on the write routes: how long an answer is kept under its key (default 24 h) and how many keys per API key (default 10,000). */
  idempotency?: IdempotencyOptions;
}

/**
 * Routes anyone may call: the page, docs, health and metrics. Decided on the route the router
 * matched, not the raw URL (`/%761/items` is routed to `/v1/items`); a request that matched no
 * route is not public, so it needs a key before it learns anything, even that nothing is there.
 */
const isPublic = (request: FastifyRequest) => {
  const route = request.routeOptions.url;
  return route !== undefined && route !== '/v1' && !route.startsWith('/v1/');
};

/**
 * The router's bound on a path parameter: the longest id (256 UTF-16 code units) with every unit
 * percent-encoded as 9 characters ("€" → %E2%82%AC). The router measures decoded parameters, so
 * this is a margin, not a need; longer ones get a 414 in the API's error format.
 */
const maxParamLength = (idSchema.maxLength ?? 256) * 9;

/**
 * Why a body fastify's JSON parser refused was refused, as the API's 400 naming `body`: not JSON, said with the line and
 * column where parsing stopped (fastify's "Body is not valid JSON" said neither, nor named the body in `paths`), empty,
 * or JSON with a `__proto__` or `constructor.prototype` key (prototype poisoning).
 */
function refusedJson(text: string): PersonalabError {
  const refused = (message: string) => new PersonalabError('invalid_argument', `body: ${message}`, { details: { path: 'body' } });
  if (text.length === 0) return refused('empty, but the content type is application/json: send a JSON object');
  try {
    JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const offset = /at position (\d+)/.exec(reason)?.[1];
    const at = offset !== undefined ? Number(offset) : /end of JSON input/.test(reason) ? text.length : undefined;
    const cause = reason.replace(/ (?:in JSON )?at position \d+.*$/, '');
    if (at === undefined) return refused(`not valid JSON: ${cause}`);
    const before = text.slice(0, at);
    const line = before.split('\n').length;
    const column = at - before.lastIndexOf('\n');
    return refused(`not valid JSON at line ${line}, column ${column}${at === text.length ? ' (the end of the body)' : ''}: ${cause}`);
  }
  return refused('keys named "__proto__", or "constructor" holding "prototype", are not accepted');
}

/** A UTF-16 surrogate without its pair: JSON's `\ud800` escape decodes to one, and no UTF-8 text (SQLite's, a URL's) can hold it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JSON escape of a UTF-16 surrogate (`\uD83D`, `\udc00`), the only way a body's text decodes to a lone one. */
const surrogateEscape = /\\u[dD][89a-fA-F]/;

/**
 * The path of the first string (value or key) in a parsed body that is not well-formed Unicode, or undefined.
 * Stored, such an id had become bytes no request could name again (`"\ud800"` was saved as invalid UTF-8).
 * Iterative, with parent links for the path: a recursive walk overflowed the stack on a body nested 100,000 deep.
 */
function malformedString(root: unknown): (string | number)[] | undefined {
  interface Node {
    value: unknown;
    key: string | number | undefined;
    parent: Node | undefined;
  }
  const pathOf = (node: Node, last?: string) => {
    const path: (string | number)[] = [];
    for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.push(at.key);
    path.reverse();
    if (last !== undefined) path.push(last);
    return path;
  };
  const pending: Node[] = [{ value: root, key: undefined, parent: undefined }];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    const { value } = node;
    if (typeof value === 'string') {
      if (loneSurrogate.test(value)) return pathOf(node);
    } else if (Array.isArray(value)) {
      // Pushed last to first, so entries are visited in document order and the first bad one is named.
      for (let index = value.length - 1; index >= 0; index--) pending.push({ value: value[index], key: index, parent: node });
    } else if (typeof value === 'object' && value !== null) {
      const entries = Object.entries(value);
      for (const [key] of entries) if (loneSurrogate.test(key)) return pathOf(node, key);
      for (let index = entries.length - 1; index >= 0; index--) {
        const [key, entry] = entries[index] as [string, unknown];
        pending.push({ value: entry, key, parent: node });
      }
    }
  }
  return undefined;
}

/** A URL for the log: the path, without the query string's contents (an API key sent as `?key=` by mistake stays out of the log). */
export function urlForLog(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?[query omitted]`;
}

const pageFile = (name: string) => readFileSync(new URL(`../page/${name}`, import.meta.url), 'utf8');

/**
 * Builds the recommender API (fastify 5, zod type provider, OpenAPI at /docs). Nothing listens
 * until the caller does; tests use `app.inject()`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  if (options.apiKeys.length === 0) throw new PersonalabError('config_error', 'at least one API key is required (PERSONALAB_API_KEYS)');
  const metrics = options.metrics ?? new Metrics();
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  if (!Number.isSafeInteger(requestTimeout) || requestTimeout < 1) throw new PersonalabError('invalid_argument', `requestTimeoutMs must be a positive integer, got ${String(requestTimeout)}`);
  const app = Fastify({
    logger:
      options.logLevel === false || options.logLevel === undefined
        ? false
        : {
            level: options.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            // fastify's own request serializer, less the query string's contents.
            serializers: {
              req: (request: FastifyRequest) => {
                const remotePort = request.socket?.remotePort;
                return { method: request.method, url: urlForLog(request.url), host: request.host, remoteAddress: request.ip, ...(remotePort === undefined ? {} : { remotePort }) };
              },
            },
          },
    // Random, not fastify's per-process counter: the id a 500 answers with names one request in the log, across restarts.
    genReqId: () => randomUUID(),
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    // fastify's default 0 let a client hold a connection open forever by sending its body a byte at a time.
    requestTimeout,
    // Node swaps the two when the headers' (default 60 s) is the longer, which made the request's deadline 60 s; it
    // checks them every 30 s by default, and a tenth of the deadline keeps the drop near it.
    http: { headersTimeout: Math.min(requestTimeout, 60_000), connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 10))) },
    // Its 503 while closing had its own body ({"error":"Service Unavailable",…}), not the API's: see the onRequest hook.
    return503OnClosing: false,
    routerOptions: { maxParamLength },
    frameworkErrors: (error, _request, reply) => sendFrameworkError(error, reply),
    // Requests Node's parser refuses (a raw "é" in the URL, a control character in a header) in the API's error format.
    // Called once the server listens, after `app` is assigned.
    clientErrorHandler: (error, socket) => sendClientError(error, socket, app.log, requestTimeout),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // fastify refuses `__proto__` and `constructor.prototype` keys (prototype poisoning) but says
  // "Body is not valid JSON"; say what was refused, and where a body that is not JSON went wrong.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // JSON only: fastify's built-in text/plain parser had let a text body through to a 400 ("expected object,
  // received string"); without it every other content type is a 415 in the API's error format.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // The body is read as UTF-8, JSON's one encoding (RFC 8259): another charset would have been read wrongly (a 415, as another type).
    const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(request.headers['content-type'] ?? '')?.[1]?.toLowerCase();
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(request.headers['content-type']), undefined);
    const text = body.toString();
    // The default parser answers at once. Its answer is checked outside its callback: the parser catches what its
    // callback throws, and had reported any such fault as a refused `__proto__` key.
    let parsed: { error: Error | null; value: unknown } | undefined;
    void parseJson(request, text, (error, value) => {
      parsed = { error, value };
    });
    if (parsed === undefined) return done(new PersonalabError('internal', 'the JSON parser did not answer at once'), undefined);
    const { error, value } = parsed;
    if (error !== null) return done(refusedJson(text), undefined);
    // Only a `\uD800`–`\uDFFF` escape can decode to a lone surrogate (raw UTF-8 cannot): most bodies skip the walk.
    const malformed = surrogateEscape.test(text) ? malformedString(value) : undefined;
    if (malformed === undefined) return done(null, value);
    const path = malformed.length === 0 ? 'body' : `body.${formatPath(malformed)}`;
    done(new PersonalabError('invalid_argument', `${path}: not valid Unicode (an unpaired UTF-16 surrogate, such as the escape \\ud800 alone)`, { details: { path } }), undefined);
  });

  const services: AppServices = { store: options.store, catalog: options.catalog, chatRec: options.chatRec, textIndex: options.textIndex, metrics };
  metrics.gauge('personalab_users', 'Users in the store', () => options.store.userCount());
  metrics.gauge('personalab_items', 'Items in the store', () => options.store.itemCount());
  metrics.gauge('personalab_events', 'Rating and implicit events in the store', () => options.store.eventCount());
  metrics.gauge('personalab_messages', 'Chat messages in the store', () => options.store.messageCount());

  const checkKey = createKeyCheck(options.apiKeys);
  // Set when close() starts: requests still reaching a route (pipelined, or on a busy keep-alive connection) get a 503.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  /** Requests each connection has open (read, not yet answered): pipelined ones included. */
  const requestsOn = new WeakMap<object, number>();
  app.addHook('onRequest', async (request, reply) => {
    requestsOn.set(request.raw.socket, (requestsOn.get(request.raw.socket) ?? 0) + 1);
    // Set first, so that errors (a 401 included) carry them too.
    void reply.headers(securityHeaders);
    if (closing) {
      void reply.header('connection', 'close');
      throw new PersonalabError('unavailable', 'the server is shutting down: send the request again in a moment (to another instance, or once this one has restarted)', { isRetryable: true, details: { retryAfterSeconds: 1 } });
    }
    if (!isPublic(request)) checkKey(request);
  });
  // The last answer a connection owes once close() has started ends it: a request in flight when it began had kept
  // its keep-alive connection open after its answer (Node closes only the connections idle when it stops listening),
  // and a pooling client that never hangs up held the stop for the whole grace period (10 s for `personalab serve`).
  // A request pipelined behind it still gets its answer (a 503) first.
  app.addHook('onSend', async (request, reply) => {
    if (closing && requestsOn.get(request.raw.socket) === 1) void reply.header('connection', 'close');
  });
  app.addHook('onResponse', async (request) => {
    const socket = request.raw.socket;
    requestsOn.set(socket, (requestsOn.get(socket) ?? 1) - 1);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.increment('personalab_http_requests_total', { method: request.method, route, status: String(reply.statusCode) });
    metrics.observe('personalab_http_request_duration_seconds', reply.elapsedTime / 1000, { route });
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: options.rateLimitPerMinute ?? 600,
    timeWindow: 60_000,
    // After authentication (onRequest), so a wrong key never consumes a real key's budget; before the body is read,
    // so a request refused for its body (not JSON, empty, too large, another type) counts and carries the headers too.
    hook: 'preParsing',
    keyGenerator: (request) => `key:${bearerToken(request) ?? request.ip}`,
    allowList: (request) => isPublic(request),
    errorResponseBuilder: (_request, context) => new PersonalabError('rate_limited', `rate limit exceeded: ${context.max} requests per minute; retry in ${context.after}`),
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'personalab recommender', description: 'Chat-Rec conversational recommendation API', version: '0.1.0' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  // Every answer under /docs (the UI's page, scripts, document) gets the docs' policy; the plugin sets it on its own routes only.
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: docsContentSecurityPolicy });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  registerRoutes(typed, services, { eventLoopTurns: options.eventLoopTurns ?? true, idempotency: options.idempotency });

  const page = { html: pageFile('index.html'), script: pageFile('app.js'), style: pageFile('style.css') };
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('content-security-policy', pageContentSecurityPolicy).send(page.html));
  app.get('/app.js', { schema: { hide: true } }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(page.script));
  app.get('/style.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(page.style));
  return app;
}
