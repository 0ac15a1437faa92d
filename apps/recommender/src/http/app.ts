import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
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
import { installErrorHandler, sendFrameworkError } from './error-handler.js';
import type { IdempotencyOptions } from './idempotency.js';
import { Metrics } from './metrics.js';
import { registerRoutes } from './routes.js';

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

/** Whether a body fastify's JSON parser refused is nonetheless JSON (refused for a `__proto__` or `constructor.prototype` key). */
const isJson = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

/** A UTF-16 surrogate without its pair: JSON's `\ud800` escape decodes to one, and no UTF-8 text (SQLite's, a URL's) can hold it. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JSON escape of a UTF-16 surrogate (`\uD83D`, `\udc00`), the only way a body's text decodes to a lone one. */
const surrogateEscape = /\\u[dD][89a-fA-F]/;

/**
 * The path of the first string (value or key) in a parsed body that is not well-formed Unicode, or undefined.
 * Stored, such an id had become bytes no request could name again (`"\ud800"` was saved as invalid UTF-8).
 */
function malformedString(value: unknown, path: (string | number)[] = []): (string | number)[] | undefined {
  if (typeof value === 'string') return loneSurrogate.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) {
      const found = malformedString(entry, [...path, index]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) {
      if (loneSurrogate.test(key)) return [...path, key];
      const found = malformedString(entry, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

const pageFile = (name: string) => readFileSync(new URL(`../page/${name}`, import.meta.url), 'utf8');

/**
 * Builds the recommender API (fastify 5, zod type provider, OpenAPI at /docs). Nothing listens
 * until the caller does; tests use `app.inject()`.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  if (options.apiKeys.length === 0) throw new PersonalabError('config_error', 'at least one API key is required (PERSONALAB_API_KEYS)');
  const metrics = options.metrics ?? new Metrics();
  const app = Fastify({
    logger: options.logLevel === false || options.logLevel === undefined ? false : { level: options.logLevel },
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    return503OnClosing: true,
    routerOptions: { maxParamLength },
    frameworkErrors: (error, _request, reply) => sendFrameworkError(error, reply),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  // fastify refuses `__proto__` and `constructor.prototype` keys (prototype poisoning) but says
  // "Body is not valid JSON"; say what was refused.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // JSON only: fastify's built-in text/plain parser had let a text body through to a 400 ("expected object,
  // received string"); without it every other content type is a 415 in the API's error format.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    parseJson(request, text, (error, value) => {
      if (error !== null && isJson(text)) return done(new PersonalabError('invalid_argument', 'body: keys named "__proto__", or "constructor" holding "prototype", are not accepted', { details: { path: 'body' } }), undefined);
      if (error !== null) return done(error, undefined);
      // Only a `\uD800`–`\uDFFF` escape can decode to a lone surrogate (raw UTF-8 cannot): most bodies skip the walk.
      const malformed = surrogateEscape.test(text) ? malformedString(value) : undefined;
      if (malformed === undefined) return done(null, value);
      const path = malformed.length === 0 ? 'body' : `body.${formatPath(malformed)}`;
      done(new PersonalabError('invalid_argument', `${path}: not valid Unicode (an unpaired UTF-16 surrogate, such as the escape \\ud800 alone)`, { details: { path } }), undefined);
    });
  });

  const services: AppServices = { store: options.store, catalog: options.catalog, chatRec: options.chatRec, textIndex: options.textIndex, metrics };
  metrics.gauge('personalab_users', 'Users in the store', () => options.store.userCount());
  metrics.gauge('personalab_items', 'Items in the store', () => options.store.itemCount());
  metrics.gauge('personalab_events', 'Rating and implicit events in the store', () => options.store.eventCount());
  metrics.gauge('personalab_messages', 'Chat messages in the store', () => options.store.messageCount());

  const checkKey = createKeyCheck(options.apiKeys);
  app.addHook('onRequest', async (request) => {
    if (!isPublic(request)) checkKey(request);
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
    // After authentication, so a wrong key never consumes a real key's budget.
    hook: 'preValidation',
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
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  registerRoutes(typed, services, { eventLoopTurns: options.eventLoopTurns ?? true, idempotency: options.idempotency });

  const page = { html: pageFile('index.html'), script: pageFile('app.js'), style: pageFile('style.css') };
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page.html));
  app.get('/app.js', { schema: { hide: true } }, async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(page.script));
  app.get('/style.css', { schema: { hide: true } }, async (_request, reply) => reply.type('text/css; charset=utf-8').send(page.style));
  return app;
}
