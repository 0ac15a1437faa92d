import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Interaction, Item, User } from '@personalab/core';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, openTinyService, testKey, type TinyService } from '../test/harness.js';
import {
  chatBodySchema,
  chatResponseSchema,
  createUserBodySchema,
  createdUserSchema,
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
  userParamsSchema,
  userResponseSchema,
} from './schemas.js';

/*
 * The OpenAPI document's examples and the README's curl quickstart, kept honest against a real app over a small
 * MovieLens-like world (real MovieLens ids, titles and genres; the examples name user "1" and items "50", "100", ...).
 *
 * Examples are checked against the zod schemas they came from, not the document's JSON Schema: zod is what the server
 * validates with, and the JSON Schema is a lossy projection of it (no refinements such as the day-ahead timestamp
 * rule, no preprocessing of query integers), and no JSON Schema validator is a dependency here.
 * A zod parse that returns the example unchanged also catches a misspelt key in a response example (z.object strips
 * unknown keys). Sending each request example to the app then checks it against the route's own schema.
 */

type Operation = {
  parameters?: { name: string; in: string; example?: unknown; examples?: Record<string, { value: unknown }>; schema?: { example?: unknown } }[];
  requestBody?: { content: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> };
  responses: Record<string, { content?: Record<string, { example?: unknown; examples?: Record<string, { value: unknown }> }> }>;
};
type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

/** The zod schemas of each /v1 operation, in the order its examples are sent: create, write, read, chat, predict, items. */
const operations: Record<string, { params?: z.ZodType; query?: z.ZodType; body?: z.ZodType; response: z.ZodType }> = {
  'post /v1/users': { query: noQuerySchema, body: createUserBodySchema, response: createdUserSchema },
  'get /v1/users/{id}': { params: userParamsSchema, query: noQuerySchema, response: userResponseSchema },
  'post /v1/users/{id}/events': { params: userParamsSchema, query: noQuerySchema, body: eventsBodySchema, response: eventsResponseSchema },
  'get /v1/users/{id}/profile': { params: userParamsSchema, query: noQuerySchema, response: profileResponseSchema },
  'get /v1/users/{id}/recommendations': { params: userParamsSchema, query: recommendationsQuerySchema, response: recommendationsResponseSchema },
  'post /v1/chat': { query: noQuerySchema, body: chatBodySchema, response: chatResponseSchema },
  'post /v1/predict-rating': { query: noQuerySchema, body: predictRatingBodySchema, response: predictRatingResponseSchema },
  'post /v1/items': { query: noQuerySchema, body: itemsBodySchema, response: itemsResponseSchema },
  'get /v1/items/{id}': { params: itemParamsSchema, query: noQuerySchema, response: itemResponseSchema },
};

/** Answers fixed by the request and the world: the example is the whole answer (others are compared by their keys). */
const wholeAnswer = new Set(['post /v1/users/{id}/events', 'post /v1/items', 'get /v1/items/{id}', 'get /v1/users/{id}']);

const films: [string, string, string[]][] = [
  ['1', 'Toy Story (1995)', ['Animation', "Children's", 'Comedy']],
  ['22', 'Braveheart (1995)', ['Action', 'Drama', 'War']],
  ['50', 'Star Wars (1977)', ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War']],
  ['56', 'Pulp Fiction (1994)', ['Crime', 'Drama']],
  ['64', 'Shawshank Redemption, The (1994)', ['Drama']],
  ['69', 'Forrest Gump (1994)', ['Comedy', 'Romance', 'War']],
  ['71', 'Lion King, The (1994)', ['Animation', "Children's", 'Musical']],
  ['98', 'Silence of the Lambs, The (1991)', ['Drama', 'Thriller']],
  ['100', 'Fargo (1996)', ['Crime', 'Drama', 'Thriller']],
  ['127', 'Godfather, The (1972)', ['Action', 'Crime', 'Drama']],
  ['168', 'Monty Python and the Holy Grail (1974)', ['Comedy']],
  ['172', 'Empire Strikes Back, The (1980)', ['Action', 'Adventure', 'Drama', 'Romance', 'Sci-Fi', 'War']],
  ['173', 'Princess Bride, The (1987)', ['Action', 'Adventure', 'Comedy', 'Romance']],
  ['181', 'Return of the Jedi (1983)', ['Action', 'Adventure', 'Romance', 'Sci-Fi', 'War']],
  ['202', 'Groundhog Day (1993)', ['Comedy', 'Romance']],
  ['204', 'Back to the Future (1985)', ['Comedy', 'Sci-Fi']],
  ['235', 'Mars Attacks! (1996)', ['Action', 'Comedy', 'Sci-Fi', 'War']],
  ['288', 'Scream (1996)', ['Horror', 'Thriller']],
  ['318', "Schindler's List (1993)", ['Drama', 'War']],
  ['337', 'House of Yes, The (1997)', ['Comedy', 'Drama', 'Thriller']],
  ['385', 'True Lies (1994)', ['Action', 'Adventure', 'Comedy', 'Romance']],
  ['433', 'Heathers (1989)', ['Comedy']],
  ['474', 'Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)', ['Sci-Fi', 'War']],
  ['483', 'Casablanca (1942)', ['Drama', 'Romance', 'War']],
  ['655', 'Stand by Me (1986)', ['Adventure', 'Comedy', 'Drama']],
  ['1104', "C'est arrivé près de chez vous (1992)", ['Comedy', 'Crime', 'Drama']],
  ['1647', 'Hana-bi (1997)', ['Comedy', 'Crime', 'Drama']],
];

/**
 * A slice of MovieLens 100K as its loader gives it: films with their ids, genres, year and attributes (Star Wars exactly
 * as the catalogue has it), user "1" as u.user has it, and ratings of 1 to 5 by eight users.
 */
function movieLensSlice(): { users: User[]; items: Item[]; interactions: Interaction[] } {
  const items: Item[] = films.map(([id, title, tags]) => {
    const year = Number(/\((\d{4})\)$/.exec(title)?.[1]);
    return { id, title, tags, year, attributes: { imdbUrl: `http://us.imdb.com/M/title-exact?${encodeURIComponent(title)}`, releaseDate: `${year}-01-01` } };
  });
  const starWars = items.find((item) => item.id === '50') as Item;
  starWars.attributes = { imdbUrl: 'http://us.imdb.com/M/title-exact?Star%20Wars%20(1977)', releaseDate: '1977-01-01' };
  const users: User[] = [{ id: '1', age: 24, gender: 'M', occupation: 'technician', location: '85711', attributes: { zip: '85711' } }];
  for (let id = 2; id <= 8; id++) users.push({ id: String(id), age: 20 + id, gender: id % 2 === 0 ? 'F' : 'M', occupation: 'student', location: '94043' });
  const interactions: Interaction[] = [];
  let timestamp = 881_250_949_000;
  // User 1 has rated a few films (none of the comedies the examples ask for); the others rate most, 1 to 5.
  for (const itemId of ['1', '50', '56', '64', '98', '127', '172', '181']) interactions.push({ kind: 'rating', userId: '1', itemId, value: itemId === '56' ? 3 : 5, timestamp: timestamp++ });
  for (const [userIndex, user] of users.slice(1).entries()) {
    for (const [itemIndex, item] of items.entries()) {
      if ((userIndex * 7 + itemIndex * 3) % 4 === 0) continue;
      interactions.push({ kind: 'rating', userId: user.id, itemId: item.id, value: 1 + ((userIndex + itemIndex) % 5), timestamp: timestamp++ });
    }
  }
  return { users, items, interactions };
}

/** An operation's request and success examples, as the document holds them. */
function examplesOf(operation: Operation) {
  const media = (content: { example?: unknown; examples?: Record<string, { value: unknown }> } | undefined) =>
    content === undefined ? [] : content.example !== undefined ? [content.example] : Object.values(content.examples ?? {}).map((entry) => entry.value);
  const parameter = (where: string) =>
    Object.fromEntries(
      (operation.parameters ?? [])
        .filter((entry) => entry.in === where)
        .map((entry) => [entry.name, entry.example ?? entry.schema?.example ?? Object.values(entry.examples ?? {})[0]?.value] as const)
        .filter(([, value]) => value !== undefined),
    );
  const statuses = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
  expect(statuses).toHaveLength(1);
  const status = Number(statuses[0]);
  return {
    params: parameter('path'),
    pathNames: (operation.parameters ?? []).filter((entry) => entry.in === 'path').map((entry) => entry.name),
    query: parameter('query'),
    bodies: media(operation.requestBody?.content['application/json']),
    status,
    responses: media(operation.responses[String(status)]?.content?.['application/json']),
  };
}

/** Every /v1 operation of the document, as `method path`. */
const operationsOf = (document: OpenApiDocument) =>
  Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/v1/'))
    .flatMap(([path, methods]) => Object.entries(methods).map(([method, operation]) => ({ key: `${method} ${path}`, method, path, operation })));

/** A query string or path's values as they arrive: strings. */
const asStrings = (values: Record<string, unknown>) => Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));

/**
 * Runs a command to its end, without blocking the event loop (the server under test answers on it). Its stdin is
 * /dev/null: Debian's bash reads /etc/bash.bashrc when its stdin is a socket, as node's piped stdin is.
 */
function run(command: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, stdout, stderr: `${stderr}${error.message}` }));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The document's operation serving `method` on `url` (a concrete path), by matching its path template. */
function operationFor(document: OpenApiDocument, method: string, url: string): { key: string; operation: Operation } {
  const path = new URL(url).pathname;
  const found = operationsOf(document).find((entry) => entry.method === method.toLowerCase() && new RegExp(`^${entry.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path));
  if (found === undefined) throw new Error(`${method} ${url}: no operation in /docs/json serves it`);
  return found;
}

let tiny: TinyService;
let document: OpenApiDocument;
beforeAll(async () => {
  tiny = await openTinyService({ world: movieLensSlice() });
  document = (await tiny.app.inject({ url: '/docs/json' })).json();
});
afterAll(async () => {
  await tiny?.close();
});

describe('OpenAPI examples', () => {
  it('document every /v1 operation: request body, path parameters and success answer, each valid against its zod schema', () => {
    expect(operationsOf(document).map((entry) => entry.key).sort()).toEqual(Object.keys(operations).sort());
    for (const { key, operation } of operationsOf(document)) {
      const schemas = operations[key] as (typeof operations)[string];
      const examples = examplesOf(operation);
      const valid = (schema: z.ZodType | undefined, example: unknown, what: string) => {
        expect(schema, `${key}: ${what} has an example but the test knows no schema for it`).toBeDefined();
        const parsed = (schema as z.ZodType).safeParse(example);
        expect(parsed.error?.issues, `${key}: ${what} example ${JSON.stringify(example)}`).toBeUndefined();
        return parsed.data;
      };
      if (operation.requestBody !== undefined) expect(examples.bodies.length, `${key}: request body example`).toBeGreaterThan(0);
      // Unchanged by the parse: no unknown key (stripped from a response), no default filled in.
      for (const body of examples.bodies) expect(valid(schemas.body, body, 'body'), `${key}: body example`).toEqual(body);
      expect(Object.keys(examples.params), `${key}: an example for every path parameter`).toEqual(examples.pathNames);
      if (schemas.params) valid(schemas.params, asStrings(examples.params), 'path');
      if (schemas.query) valid(schemas.query, asStrings(examples.query), 'query');
      expect(examples.responses.length, `${key}: ${examples.status} answer example`).toBeGreaterThan(0);
      for (const answer of examples.responses) expect(valid(schemas.response, answer, `${examples.status} answer`), `${key}: answer example`).toEqual(answer);
    }
  });

  it('are accepted by the app as they stand: each request example, sent in order, gets the documented success', async () => {
    const sent: string[] = [];
    for (const key of Object.keys(operations)) {
      const { operation } = operationsOf(document).find((entry) => entry.key === key) as { operation: Operation };
      const [method, template] = key.split(' ') as [string, string];
      const examples = examplesOf(operation);
      const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(examples.params[name])));
      const query = new URLSearchParams(asStrings(examples.query)).toString();
      for (const body of examples.bodies.length > 0 ? examples.bodies : [undefined]) {
        const response = await tiny.app.inject({ method: method.toUpperCase() as 'GET' | 'POST', url: query === '' ? path : `${path}?${query}`, headers: auth, ...(body === undefined ? {} : { payload: body as object }) });
        expect(response.statusCode, `${key} ${response.body.slice(0, 300)}`).toBe(examples.status);
        const answer = response.json();
        const documented = examples.responses[0] as Record<string, unknown>;
        if (wholeAnswer.has(key)) expect(answer, `${key}: the documented answer`).toEqual(documented);
        else expect(Object.keys(answer).sort(), `${key}: the documented answer's fields`).toEqual(Object.keys(documented).sort());
        sent.push(`${method.toUpperCase()} ${path}${query === '' ? '' : `?${query}`}`);
        if (key === 'get /v1/users/{id}/recommendations') {
          // The query examples were applied: k=3 comedies.
          expect(answer.recommendations).toHaveLength(Number(examples.query.k));
          for (const entry of answer.recommendations as { item: Item }[]) expect(entry.item.tags).toContain(examples.query.genre);
        }
        if (key === 'post /v1/chat') expect(answer.recommendations.length).toBeGreaterThan(0);
      }
    }
    expect(sent).toEqual([
      'POST /v1/users',
      'GET /v1/users/1',
      'POST /v1/users/1/events',
      'GET /v1/users/1/profile',
      'GET /v1/users/1/recommendations?k=3&genre=Comedy',
      'POST /v1/chat',
      'POST /v1/predict-rating',
      'POST /v1/items',
      'GET /v1/items/50',
    ]);
  });

  it('go stale loudly: an example the schema refuses fails the check', () => {
    // The check above, on an events example whose rating left the 1-to-5 scale and a chat answer with a misspelt field.
    const stale = { events: [{ type: 'rating', itemId: '50', value: 6 }] };
    expect(eventsBodySchema.safeParse(stale).success).toBe(false);
    const answer = { ...(examplesOf(document.paths['/v1/predict-rating']?.post as Operation).responses[0] as object), ratng: 4 };
    expect(predictRatingResponseSchema.parse(answer)).not.toEqual(answer);
  });
});

describe('README quickstart with curl', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const heading = readme.indexOf('\n### Quickstart with curl\n');
  const block = /```sh\n([\s\S]*?)\n```/.exec(readme.slice(heading))?.[1];
  const documentedBase = 'http://127.0.0.1:3000';

  it('is in the API section, every request against npm start\'s address', () => {
    expect(heading).toBeGreaterThan(readme.indexOf('\n## API'));
    expect(heading).toBeLessThan(readme.indexOf('\n## ', readme.indexOf('\n## API') + 1));
    expect(block).toBeDefined();
    const urls = (block as string).match(/https?:\/\/[^\s'"]+/g) ?? [];
    expect(urls.length).toBeGreaterThan(5);
    for (const url of urls) expect(url.startsWith(`${documentedBase}/v1/`), url).toBe(true);
  });

  it('runs as written with curl and jq against a server on a real port, each request getting its documented status', async () => {
    for (const tool of ['curl', 'jq']) {
      const found = await run(tool, ['--version'], { env: process.env });
      expect(found.code, `${tool} is needed to run the README's quickstart: apt-get install -y curl jq`).toBe(0);
    }
    const server = await openTinyService({ world: movieLensSlice() });
    // The folder `npm start` runs in: the key where the server keeps it, and a curl config that reports each request.
    const folder = mkdtempSync(join(tmpdir(), 'personalab-quickstart-'));
    try {
      const address = await server.app.listen({ host: '127.0.0.1', port: 0 });
      mkdirSync(join(folder, '.personalab', 'recommender'), { recursive: true });
      writeFileSync(join(folder, '.personalab', 'recommender', 'api-key'), `${testKey}\n`, { mode: 0o600 });
      // Read by every curl the block runs (CURL_HOME), the command lines as written: each reports its status on stderr.
      writeFileSync(join(folder, '.curlrc'), 'write-out = "%{stderr}\\nquickstart-status %{http_code} %{method} %{url_effective}\\n"\n');
      const script = (block as string).replaceAll(documentedBase, address);
      const runBlock = async () => {
        const { code, stdout, stderr } = await run('bash', ['-euo', 'pipefail', '-c', script], { cwd: folder, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: folder, CURL_HOME: folder } });
        expect(code, stderr).toBe(0);
        const requests = [...stderr.matchAll(/^quickstart-status (\d{3}) (\S+) (\S+)$/gm)].map(([, status, method, url]) => ({ status: Number(status), method: method as string, url: url as string }));
        return { stdout, requests };
      };

      const first = await runBlock();
      const keys = first.requests.map((request) => operationFor(document, request.method, request.url).key);
      expect(keys).toEqual(['post /v1/users', 'post /v1/users/{id}/events', 'get /v1/users/{id}/recommendations', 'post /v1/chat', 'post /v1/chat', 'post /v1/predict-rating']);
      for (const request of first.requests) {
        expect(request.status, `${request.method} ${request.url}`).toBe(examplesOf(operationFor(document, request.method, request.url).operation).status);
      }
      // What the block says it did: alice rated two films and liked one, and chatted two turns in one session.
      const store = server.service.store;
      expect(store.ratingsOf('alice').map((rating) => [rating.itemId, rating.value])).toEqual([
        ['50', 5],
        ['100', 4],
      ]);
      expect(store.implicitEventsOf('alice').map((event) => [event.itemId, event.event])).toEqual([['168', 'like']]);
      const messages = store.messagesOf('alice');
      expect(messages).toHaveLength(4);
      expect(new Set(messages.map((message) => message.sessionId)).size).toBe(1);
      expect(first.stdout).toContain('"intent": "explain"');

      // Run again, as the README says: the user exists (409), and every other request succeeds again.
      const second = await runBlock();
      expect(second.requests.map((request) => request.status)).toEqual([409, 201, 200, 200, 200, 200]);
      expect(store.messagesOf('alice')).toHaveLength(8);
    } finally {
      await server.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
