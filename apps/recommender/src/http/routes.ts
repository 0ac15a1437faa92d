import { z } from 'zod';
import type { FastifyInstance, FastifyBaseLogger, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { PersonalabError, type Item } from '@personalab/core';
import type { BatchEntry } from '../store/store.js';
import { constraintFilter, type SessionConstraints } from '../pipeline/constraints.js';
import type { ChatResult } from '../pipeline/chat-rec.js';
import type { ItemCatalog } from '../pipeline/item-catalog.js';
import { buildTaste, collectTagStems, tagNamesByKey, tagStems } from '../pipeline/taste.js';
import type { AppServices } from './app.js';
import { EventLoopTurns } from './event-loop-turns.js';
import { IdempotencyKeys, idempotencyHeadersSchema, replayedHeader, type IdempotencyOptions, type IdempotentAnswer } from './idempotency.js';
import {
  chatBodySchema,
  chatResponseSchema,
  createUserBodySchema,
  createdUserSchema,
  errorBodySchema,
  eventsBodySchema,
  eventsResponseSchema,
  itemParamsSchema,
  itemResponseSchema,
  itemsBodySchema,
  itemsResponseSchema,
  noQuerySchema,
  predictRatingBodySchema,
  predictRatingResponseSchema,
  profileResponseSchema,
  recommendationsQuerySchema,
  recommendationsResponseSchema,
  unnameableIdMessage,
  userParamsSchema,
  userResponseSchema,
} from './schemas.js';

type TypedApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

const failure = (description: string) => errorBodySchema.describe(description);
/** What every /v1 route can answer; the others are listed per route, only where they can happen. */
const errors = {
  400: failure('invalid request; `paths` name what was wrong'),
  401: failure('missing or unknown API key'),
  429: failure('rate limit exceeded'),
  503: failure('the server is shutting down (code `unavailable`): send the request again after `Retry-After` seconds'),
};
const bodyErrors = { 413: failure('body over the size limit'), 415: failure('body is not application/json') };
const idErrors = { 404: failure('unknown id; `paths` is `["params.id"]`'), 414: failure('path parameter too long') };
const notFound = { 404: failure('unknown user, item or session; `paths` name which') };
const conflict = { 409: failure('already exists; `paths` name which') };
/** draft-ietf-httpapi-idempotency-key-header: a key reused with another request is a 422, a repeat of one still running a 409. */
const keyReused = { 422: failure('`Idempotency-Key` already used with another request (body or route): send a new key; `paths` is `["headers.idempotency-key"]`') };
const keyRunning = { 409: failure('the first request with this `Idempotency-Key` is still running: send it again after `Retry-After` seconds for its answer; `paths` is `["headers.idempotency-key"]`') };
const replayNote =
  'Takes an optional `Idempotency-Key` header: a repeat with the same key and body is answered with the first answer ' +
  '(status and body, and the header `Idempotent-Replayed: true`) without being run again.';

/** A store's unknown-user error for a path's id, named where the id came from (`params.id`), as the events route names it. */
function inParams(error: unknown, userId: string): unknown {
  if (!PersonalabError.is(error) || error.code !== 'not_found' || error.details.userId !== userId || typeof error.details.path === 'string') return error;
  return new PersonalabError('not_found', `params.id: ${error.message}`, { cause: error, details: { ...error.details, path: 'params.id' } });
}

/** The store's "user … already exists" for an id the body named, at `body.id`, as a validation error names its path. */
function atBodyId(error: unknown): unknown {
  if (!PersonalabError.is(error) || error.code !== 'conflict' || typeof error.details.path === 'string') return error;
  return new PersonalabError('conflict', `body.id: ${error.message}`, { cause: error, details: { ...error.details, path: 'body.id' } });
}

/**
 * The session's constraints as the API shows them: genres under the catalogue's names ("Comedy", the
 * names `genre=` takes) rather than the pipeline's stems ("comed"); a stem the catalogue does not name stays.
 */
function constraintsForResponse(constraints: SessionConstraints, catalog: ItemCatalog): SessionConstraints {
  const names = catalog.genreNames();
  return { ...constraints, tags: Object.fromEntries(Object.entries(constraints.tags).map(([stem, weight]) => [names.get(stem) ?? stem, weight])) };
}

/** The store names a batch entry by its position (`events[1].itemId`); the API names it in the body. */
function inBody(error: unknown): unknown {
  if (!PersonalabError.is(error) || typeof error.details.path !== 'string') return error;
  return new PersonalabError(error.code, `body.${error.message}`, { cause: error, details: { ...error.details, path: `body.${error.details.path}` } });
}

/** Every /v1 route plus health, readiness and metrics. */
export function registerRoutes(app: TypedApp, services: AppServices, options: { eventLoopTurns: boolean; idempotency?: IdempotencyOptions | undefined } = { eventLoopTurns: true }): void {
  const { store, catalog, chatRec, textIndex, metrics } = services;
  const idempotency = new IdempotencyKeys({ store, metrics, ...options.idempotency });
  const idempotencyHeaders = idempotencyHeadersSchema(options.idempotency);
  /** Sends an idempotent route's answer as the JSON text it was (or is stored as), so a replay is the first answer byte for byte. */
  const answerWith = <Reply extends { code(status: number): Reply; header(name: string, value: string): Reply; type(type: string): Reply; send(body: never): Reply }>(reply: Reply, answer: IdempotentAnswer): Reply => {
    if (answer.replayed) reply.header(replayedHeader, 'true');
    return reply.code(answer.status).type('application/json; charset=utf-8').send(answer.body as never);
  };
  // Heavy requests take turns, one per event-loop iteration, so a saturated server still accepts new connections (see EventLoopTurns).
  const turns = new EventLoopTurns();
  metrics.gauge('personalab_heavy_requests_waiting', 'Chat turns and uncached recommendation lists waiting for their event-loop turn', () => turns.pending);
  const heavyTurn = options.eventLoopTurns ? () => turns.next() : () => Promise.resolve();
  const serialised = new WeakMap<object, string>();
  /** The user, or a 404 that names where its id came from (`params.id`, `body.userId`). */
  const requireUserAt = (id: string, path: string) => {
    const user = store.getUser(id);
    if (user === undefined) throw new PersonalabError('not_found', `${path}: unknown user ${id}`, { details: { userId: id, path } });
    return user;
  };

  // No key needed: `security: []` overrides the document's global bearer requirement.
  app.get('/healthz', { schema: { tags: ['ops'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get(
    '/readyz',
    { schema: { tags: ['ops'], security: [], response: { 200: z.object({ ready: z.boolean(), items: z.number(), indexed: z.number(), reranker: z.string() }), 503: z.object({ ready: z.boolean(), items: z.number(), indexed: z.number(), reranker: z.string() }) } } },
    async (_request, reply) => {
      const ready = store.database.open && catalog.size > 0 && textIndex.size === catalog.size;
      const body = { ready, items: catalog.size, indexed: textIndex.size, reranker: chatRec.rerankerName };
      return reply.code(ready ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { schema: { tags: ['ops'], hide: true } }, async (_request, reply) => reply.type('text/plain; version=0.0.4; charset=utf-8').send(metrics.render()));

  app.post(
    '/v1/users',
    { schema: { tags: ['users'], querystring: noQuerySchema, body: createUserBodySchema, response: { 201: createdUserSchema, ...conflict, ...errors, ...bodyErrors } } },
    async (request, reply) => {
      try {
        return reply.code(201).send(store.createUser(request.body));
      } catch (error) {
        // Without an id in the body, the clash is of a generated one: no field of the request to name.
        throw request.body.id === undefined ? error : atBodyId(error);
      }
    },
  );

  app.get('/v1/users/:id', { schema: { tags: ['users'], params: userParamsSchema, querystring: noQuerySchema, response: { 200: userResponseSchema, ...errors, ...idErrors } } }, async (request) =>
    requireUserAt(request.params.id, 'params.id'),
  );

  app.post(
    '/v1/users/:id/events',
    {
      schema: {
        tags: ['users'],
        description: replayNote,
        params: userParamsSchema,
        querystring: noQuerySchema,
        headers: idempotencyHeaders,
        body: eventsBodySchema,
        response: {
          201: eventsResponseSchema,
          ...notFound,
          409: failure('an event `id` already exists, or the first request with this `Idempotency-Key` is still running (send it again after `Retry-After` seconds for its answer); `paths` name which'),
          ...keyReused,
          ...errors,
          ...bodyErrors,
          414: idErrors[414],
        },
      },
    },
    async (request, reply) => {
      const answer = await idempotency.run(request, 201, async (record) => {
        const userId = request.params.id;
        requireUserAt(userId, 'params.id');
        // In the body's order, so an error names the entry at its index in `events`.
        const entries = request.body.events.map((event): BatchEntry => {
          if (event.type === 'rating') return { kind: 'rating', itemId: event.itemId, value: event.value, timestamp: event.timestamp, id: event.id };
          if (event.type === 'event') return { kind: 'event', itemId: event.itemId, event: event.event, weight: event.weight, timestamp: event.timestamp, id: event.id };
          return { kind: 'message', content: event.content, role: event.role, timestamp: event.timestamp, sessionId: event.sessionId };
        });
        const bodyOf = (written: Awaited<ReturnType<typeof chatRec.ingest>>) => {
          const ratings = written.events.filter((event) => event.kind === 'rating').length;
          return JSON.stringify(eventsResponseSchema.parse({ accepted: written.events.length + written.messages.length, ratings, events: written.events.length - ratings, messages: written.messages.length }));
        };
        let body: string | undefined;
        try {
          // The answer is stored under the key in the batch's transaction: both are written or neither.
          // Only under a key: without one the answer is built after the transaction, as before.
          const written = await chatRec.ingest(userId, entries, record ? { inTransaction: (batch) => record((body = bodyOf(batch))) } : {});
          return body ?? bodyOf(written);
        } catch (error) {
          throw inBody(error);
        }
      });
      return answerWith(reply, answer);
    },
  );

  app.get('/v1/users/:id/profile', { schema: { tags: ['users'], params: userParamsSchema, querystring: noQuerySchema, response: { 200: profileResponseSchema, ...errors, ...idErrors } } }, async (request) => {
    const userId = request.params.id;
    requireUserAt(userId, 'params.id');
    const profile = chatRec.profile(userId);
    const history = chatRec.history(userId);
    const taste = buildTaste(profile, history, collectTagStems(history.map((entry) => entry.item)));
    // Tag affinities are keyed by genre key ("sci" for Sci-Fi); show the catalogue's own spelling.
    const spelling = tagNamesByKey(history.map((entry) => entry.item));
    // "Top" tags are the ones the ratings favour: a negative affinity is not among them.
    const topTags = [...taste.tags.entries()]
      .filter(([, affinity]) => affinity > 0)
      .sort((a, b) => b[1] - a[1])
      .slice(0, 5)
      .map(([tag, affinity]) => ({ tag: spelling.get(tag) ?? tag, affinity }));
    // The history holds implicit events too (views, purchases, dislikes); the count is of ratings.
    return { profile, ratingCount: history.filter((entry) => entry.event === undefined).length, topTags };
  });

  app.get(
    '/v1/users/:id/recommendations',
    { schema: { tags: ['recommendations'], params: userParamsSchema, querystring: recommendationsQuerySchema, response: { 200: recommendationsResponseSchema, ...errors, ...idErrors } } },
    async (request, reply) => {
      const { accept, genres } = queryFilter(request.query, catalog);
      // A genre the filter names is asked for: a strong dislike of it does not keep it out (`genre=Horror`); other filters keep it out.
      // The pipeline checks the user (before its cache); its 404 is named here, without a second lookup on the cached path.
      let result = chatRec.cached({ userId: request.params.id, k: request.query.k, accept });
      if (result === undefined) {
        await heavyTurn();
        try {
          result = await chatRec.recommend({ userId: request.params.id, k: request.query.k, accept, askedGenres: genres });
        } catch (error) {
          throw inParams(error, request.params.id);
        }
      }
      metrics.increment('personalab_recommendations_total', { reranker: result.reranker });
      // A cached result keeps its serialised body too: the schema-checked JSON is built once per change.
      let body = serialised.get(result);
      if (body === undefined) {
        const checked = recommendationsResponseSchema.parse({ userId: request.params.id, ...result });
        body = JSON.stringify(checked);
        serialised.set(result, body);
      }
      // Fastify sends a string body as is (no second serialisation); the type provider only knows objects.
      return reply.type('application/json; charset=utf-8').send(body as unknown as z.infer<typeof recommendationsResponseSchema>);
    },
  );

  app.post(
    '/v1/chat',
    {
      schema: {
        tags: ['chat'],
        description: replayNote,
        querystring: noQuerySchema,
        headers: idempotencyHeaders,
        body: chatBodySchema,
        response: { 200: chatResponseSchema, ...notFound, ...keyRunning, ...keyReused, ...errors, ...bodyErrors },
      },
    },
    async (request, reply) => {
      const answer = await idempotency.run(request, 200, async (record) => {
        // Checked here too so the 404 names the field: the page drops a stale `body.sessionId` and starts a new session.
        requireUserAt(request.body.userId, 'body.userId');
        const sessionId = request.body.sessionId;
        if (sessionId !== undefined && store.getSession(sessionId)?.userId !== request.body.userId) {
          throw new PersonalabError('not_found', `body.sessionId: unknown session ${sessionId} for user ${request.body.userId}`, { details: { path: 'body.sessionId' } });
        }
        await heavyTurn();
        const bodyOf = (result: ChatResult) =>
          JSON.stringify(
            chatResponseSchema.parse({
              sessionId: result.sessionId,
              intent: result.intent,
              constraints: constraintsForResponse(result.constraints, catalog),
              reply: result.reply,
              recommendations: result.recommendations,
              reranker: result.reranker,
              degraded: result.degraded,
              degradedReason: result.degradedReason,
              messageId: result.messageId,
              replyId: result.replyId,
            }),
          );
        let body: string | undefined;
        // The answer is stored under the key in the turn's transaction: a turn is never written without it.
        const result = await chatRec.chat({
          userId: request.body.userId,
          sessionId: request.body.sessionId,
          message: request.body.message,
          k: request.body.k ?? 5,
          // Only under a key: without one the answer is built after the transaction, as before.
          ...(record ? { inTransaction: (turn: ChatResult) => record((body = bodyOf(turn))) } : {}),
        });
        return body ?? bodyOf(result);
      });
      return answerWith(reply, answer);
    },
  );

  app.post('/v1/items', { schema: { tags: ['items'], querystring: noQuerySchema, body: itemsBodySchema, response: { 201: itemsResponseSchema, ...errors, ...bodyErrors } } }, async (request, reply) => {
    const items = request.body.items;
    const ids = new Set<string>();
    for (const [index, item] of items.entries()) {
      const path = `body.items[${index}].id`;
      if (ids.has(item.id)) throw new PersonalabError('invalid_argument', `${path}: duplicate id ${item.id}`, { details: { path } });
      ids.add(item.id);
      // New ids only, as a new user's: an item stored under one before the rule is still updated.
      const unnameable = catalog.get(item.id) === undefined ? unnameableIdMessage(item.id, 'an item id') : undefined;
      if (unnameable !== undefined) throw new PersonalabError('invalid_argument', `${path}: ${unnameable}`, { details: { path } });
    }
    // The store is the source of truth; an index that missed these items is rebuilt from it on start.
    const created = store.upsertItems(items);
    catalog.upsert(items);
    await textIndex.add(items);
    const createdSet = new Set(created);
    return reply.code(201).send({ created, updated: items.map((item) => item.id).filter((id) => !createdSet.has(id)) });
  });

  app.get('/v1/items/:id', { schema: { tags: ['items'], params: itemParamsSchema, querystring: noQuerySchema, response: { 200: itemResponseSchema, ...errors, ...idErrors } } }, async (request) => {
    const item = catalog.get(request.params.id);
    if (!item) throw new PersonalabError('not_found', `params.id: unknown item ${request.params.id}`, { details: { path: 'params.id' } });
    return item;
  });

  app.post(
    '/v1/predict-rating',
    { schema: { tags: ['recommendations'], querystring: noQuerySchema, body: predictRatingBodySchema, response: { 200: predictRatingResponseSchema, ...notFound, ...errors, ...bodyErrors } } },
    async (request) => {
      const { userId, itemId } = request.body;
      requireUserAt(userId, 'body.userId');
      if (catalog.get(itemId) === undefined) throw new PersonalabError('not_found', `body.itemId: unknown item ${itemId}`, { details: { path: 'body.itemId' } });
      return { userId, itemId, ...chatRec.predictRating(userId, itemId) };
    },
  );
}

/**
 * The recommendation query's filters as an item test (undefined without any, so the cached path
 * stays as cheap as before): genres to include (any of them) and exclude, release years, audience;
 * and the genre keys it asks for. A genre the catalogue does not have is a 400 naming the parameter
 * (`querystring.genre`, in the message as in `paths`) and the genres it has; one both asked for and
 * excluded is a 400 naming both parameters (the list had been empty), as `yearFrom` after `yearTo` is (the schema's).
 */
function queryFilter(query: z.infer<typeof recommendationsQuerySchema>, catalog: ItemCatalog): { accept: ((item: Item) => boolean) | undefined; genres: string[] } {
  if (query.genre === undefined && query.excludeGenre === undefined && query.yearFrom === undefined && query.yearTo === undefined && query.audience === undefined) return { accept: undefined, genres: [] };
  const byName = catalog.genreStems();
  const resolve = (names: readonly string[] | undefined, parameter: string) =>
    (names ?? []).map((name) => {
      const stem = byName.get(name.toLowerCase());
      const path = `querystring.${parameter}`;
      if (stem === undefined) throw new PersonalabError('invalid_argument', `${path}: unknown genre ${JSON.stringify(name)}; the catalogue has ${catalog.tagNames().join(', ')}`, { details: { path } });
      return stem;
    });
  const wanted = resolve(query.genre, 'genre');
  const avoided = resolve(query.excludeGenre, 'excludeGenre');
  // Compared by stem: two spellings of one genre ("comedy", "COMEDY") are the same contradiction.
  const contradicted = wanted.find((stem) => avoided.includes(stem));
  if (contradicted !== undefined) {
    const paths = ['querystring.genre', 'querystring.excludeGenre'];
    const name = catalog.genreNames().get(contradicted) ?? contradicted;
    throw new PersonalabError('invalid_argument', `${paths.join(', ')}: ${name} is both asked for and excluded: name each genre in one of them`, { details: { paths } });
  }
  const years = query.yearFrom === undefined && query.yearTo === undefined ? undefined : { from: query.yearFrom, to: query.yearTo };
  const constraints: SessionConstraints = { tags: Object.fromEntries(avoided.map((tag) => [tag, -1])), ...(years ? { years } : {}), ...(query.audience ? { audience: query.audience } : {}) };
  const base = constraintFilter(constraints, catalog.tagStems());
  if (wanted.length === 0) return { accept: base, genres: [] };
  return { accept: (item: Item) => (base === undefined || base(item)) && tagStems(item).some((tag) => wanted.includes(tag)), genres: wanted };
}
