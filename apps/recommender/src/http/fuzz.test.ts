import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { maxHeaderSize } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom, errorCodes, type Random } from '@personalab/core';
import { openTinyService, testKey, type TinyService } from '../test/harness.js';

/**
 * Schema-driven fuzzing of every operation the server's OpenAPI document (`/docs/json`) lists, over real HTTP against
 * a server on a real state directory. Each operation gets a valid request built from its schema, then mutated ones:
 * wrong types, missing and extra fields, huge strings and arrays, unicode (emoji, RTL, NUL, a lone surrogate as the
 * escape `\ud800`), JSON nested 10,000 deep, numbers such as 1e308, 1e400, -0 and "NaN", no body, other content types,
 * broken JSON, duplicate keys, bad path and query parameters, idempotency keys and authorization headers. Every answer
 * must come within the timeout and be under 500; every 4xx has the API's error shape and, for a validation error, names
 * the offending path; a refused request leaves the store, the catalogue and the item index as they were; and the
 * route still answers a valid request afterwards. Fixed seed: the same requests on every run.
 */

const seed = 20_261_127;
/** Per request: no answer within it is a hang. */
const requestTimeoutMs = 5000;
/** Mutated requests per operation. */
const mutationsPerOperation = 36;

// ---------------------------------------------------------------------------------------------------------------------
// A raw HTTP/1.1 client: every byte of the request line, headers and body is the test's (fetch and node:http refuse to
// send a control character in a header, a body on a GET, or a path that is not valid percent-encoding).

interface RawRequest {
  method: string;
  /** The request target as sent (already percent-encoded, or not). */
  target: string | Buffer;
  headers: [string, string | Buffer][];
  /** Sent with a Content-Length; undefined: no body and no Content-Length. */
  body?: string | Buffer | undefined;
  /** How the body is framed (default its Content-Length): chunked, a Content-Length that is not a number, or both headers. */
  framing?: 'chunked' | 'bad-length' | 'both' | undefined;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const end = data.indexOf('\r\n', at);
    if (end < 0) break;
    const size = Number.parseInt(data.subarray(at, end).toString('latin1'), 16);
    if (!(size > 0)) break;
    parts.push(data.subarray(end + 2, end + 2 + size));
    at = end + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

function send(port: number, request: RawRequest): Promise<RawResponse> {
  const head: Buffer[] = [Buffer.from(`${request.method} `), Buffer.from(request.target), Buffer.from(' HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n')];
  for (const [name, value] of request.headers) head.push(Buffer.from(`${name}: `), Buffer.from(value), Buffer.from('\r\n'));
  let body = request.body === undefined ? undefined : Buffer.from(request.body);
  if (body !== undefined) {
    if (request.framing === 'chunked' || request.framing === 'both') head.push(Buffer.from('Transfer-Encoding: chunked\r\n'));
    if (request.framing !== 'chunked') head.push(Buffer.from(`Content-Length: ${request.framing === 'bad-length' ? `${body.length}x` : body.length}\r\n`));
    if (request.framing === 'chunked' || request.framing === 'both') body = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')]);
  }
  head.push(Buffer.from('\r\n'));
  if (body !== undefined) head.push(body);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${requestTimeoutMs} ms`));
    }, requestTimeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may answer and close before it read the whole request (413): what it sent still counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const data = Buffer.concat(chunks);
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`the connection closed without an answer (${data.length} bytes: ${JSON.stringify(data.toString('latin1').slice(0, 200))})`));
      const [statusLine = '', ...lines] = data.subarray(0, end).toString('latin1').split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      const rest = data.subarray(end + 4);
      const payload = headers['transfer-encoding'] === 'chunked' ? dechunk(rest) : rest.subarray(0, Number(headers['content-length'] ?? rest.length));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: payload.toString('utf8') });
    });
    socket.write(Buffer.concat(head));
  });
}

// ---------------------------------------------------------------------------------------------------------------------
// Values from the document's schemas (the OpenAPI 3 subset the zod transform writes).

interface JsonSchema {
  type?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
}

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  /** OpenAPI form: `/v1/users/{id}`. */
  path: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** Bearer key needed (the document's global `security`, unless the operation lifts it). */
  secured: boolean;
}

type Segment = string | number;

/** A JSON text spliced into a body as it is: a number JSON.stringify cannot write (1e400, -0), or JSON nested 10,000 deep. */
class RawJson {
  constructor(readonly text: string) {}
}

const toJson = (value: unknown): string => {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) return `{${Object.entries(value).map(([key, entry]) => `${JSON.stringify(key)}:${toJson(entry)}`).join(',')}}`;
  return JSON.stringify(value);
};

/** `body.events[0].value`, as the API names a value. */
const pathName = (root: string, segments: readonly Segment[]) => segments.reduce<string>((name, segment) => (typeof segment === 'number' ? `${name}[${segment}]` : `${name}.${segment}`), root);

/** Realistic chat and message texts. */
const sentences = [
  'something funny and light please',
  'I loved Laugh Riot, anything like it?',
  'no horror tonight, a good thriller from the 90s',
  'with my 6 year old, something fun',
  'why the second one?',
  'more like the first one but older',
  'a war film, not too long',
  'hi there!',
];

/** What the world of the test holds, for values that name something (users, items, sessions). */
interface World {
  users: string[];
  items: string[];
  genres: string[];
  /** Idempotency keys of requests answered 2xx. */
  keys: string[];
  /** Counter for fresh ids (new users, events, items), so a valid request never collides with an earlier one. */
  next: number;
}

/** A valid value for `schema` at `segments`: names existing users and items where the field does, fresh ids where it creates. */
function validValue(schema: JsonSchema, segments: readonly Segment[], operation: Operation, world: World, random: Random): unknown {
  const name = segments.filter((segment): segment is string => typeof segment === 'string').at(-1) ?? '';
  const creates = operation.method === 'POST' && (operation.path === '/v1/users' || operation.path === '/v1/items');
  if (name === 'userId') return random.pick(world.users);
  if (name === 'itemId') return random.pick(world.items);
  if (name === 'id' && creates && operation.path === '/v1/users') return `fuzz-user-${world.next++}`;
  // An item: replaced (an existing id, never twice in one request) or new.
  if (name === 'id' && creates) return random.next() < 0.5 ? world.items[world.next++ % world.items.length] : `fuzz-item-${world.next++}`;
  if (name === 'id') return `fuzz-event-${world.next++}`;
  if (name === 'message' || name === 'content') return random.pick(sentences);
  if (name === 'timestamp') return 1_699_999_000_000 + random.int(1_000_000);
  if (name === 'year') return 1990 + random.int(10);
  if (name === 'title') return `Fuzz Film ${world.next++}`;
  if (name === 'tags') return [random.pick(world.genres)];
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return validValue(random.pick(choices), segments, operation, world, random);
  if (schema.enum) return random.pick(schema.enum);
  switch (schema.type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        // Optional fields half the time; never a session id (one not of this user is a 404).
        if (!(schema.required ?? []).includes(key) && (key === 'sessionId' || random.next() < 0.5)) continue;
        out[key] = validValue(property, [...segments, key], operation, world, random);
      }
      if (schema.properties === undefined && typeof schema.additionalProperties === 'object') out.genre = 'noir';
      return out;
    }
    case 'array': {
      const count = Math.max(schema.minItems ?? 0, 1 + random.int(3));
      return Array.from({ length: Math.min(count, schema.maxItems ?? count) }, (_, index) => validValue(schema.items ?? {}, [...segments, index], operation, world, random));
    }
    case 'string': {
      const length = Math.max(schema.minLength ?? 0, Math.min(schema.maxLength ?? 12, 3 + random.int(10)));
      return Array.from({ length }, () => 'abcdefghij'[random.int(10)]).join('');
    }
    case 'integer':
      return Math.max(schema.minimum ?? 0, Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + random.int(5)));
    case 'number':
      return Math.max(schema.minimum ?? 0, Math.min(schema.maximum ?? 100, (schema.minimum ?? 0) + random.next() * 4));
    case 'boolean':
      return random.next() < 0.5;
    default:
      return 'x';
  }
}

/** Every (segments, schema) pair of a value built from `schema`: where a mutation may strike. */
function locations(value: unknown, schema: JsonSchema, segments: Segment[] = []): { segments: Segment[]; schema: JsonSchema; value: unknown }[] {
  const out = [{ segments, schema, value }];
  const resolved = resolveFor(value, schema);
  if (Array.isArray(value) && resolved.items) value.forEach((entry, index) => out.push(...locations(entry, resolved.items as JsonSchema, [...segments, index])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, entry] of Object.entries(value)) {
      const property = resolved.properties?.[key] ?? (typeof resolved.additionalProperties === 'object' ? resolved.additionalProperties : undefined);
      if (property) out.push(...locations(entry, property, [...segments, key]));
    }
  }
  return out;
}

/** The branch of a union a value was built from (by its `type` discriminator for the events' union). */
function resolveFor(value: unknown, schema: JsonSchema): JsonSchema {
  const choices = schema.oneOf ?? schema.anyOf;
  if (!choices) return schema;
  const tag = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  return (
    choices.find((choice) => tag !== undefined && choice.properties?.type?.enum?.includes(tag)) ??
    choices.find((choice) => (Array.isArray(value) ? choice.type === 'array' : typeof value === 'object' && value !== null ? choice.type === 'object' : choice.type === typeof value)) ??
    (choices[0] as JsonSchema)
  );
}

/** The JSON types a schema takes. */
function typesOf(schema: JsonSchema): Set<string> {
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return new Set(choices.flatMap((choice) => [...typesOf(choice)]));
  if (schema.type === 'integer') return new Set(['number']);
  return new Set(schema.type ? [schema.type] : ['string', 'number', 'boolean', 'object', 'array', 'null']);
}

const clone = <T>(value: T): T => structuredClone(value);

function setAt(root: unknown, segments: readonly Segment[], value: unknown): unknown {
  if (segments.length === 0) return value;
  let at = root as Record<Segment, unknown>;
  for (const segment of segments.slice(0, -1)) at = at[segment] as Record<Segment, unknown>;
  at[segments.at(-1) as Segment] = value;
  return root;
}

function deleteAt(root: unknown, segments: readonly Segment[]): void {
  let at = root as Record<Segment, unknown>;
  for (const segment of segments.slice(0, -1)) at = at[segment] as Record<Segment, unknown>;
  delete at[segments.at(-1) as Segment];
}

// ---------------------------------------------------------------------------------------------------------------------
// Requests and their mutations.

/** A request in parts, before it is written out. */
interface Draft {
  operation: Operation;
  params: Record<string, string>;
  /** Path parameters sent as they are (already encoded, or deliberately not). */
  rawParams: Record<string, string | Buffer>;
  query: [string, string][];
  /** Query string sent as it is, replacing `query`. */
  rawQuery?: string;
  headers: [string, string | Buffer][];
  /** JSON value; undefined: no body. */
  body: unknown;
  framing?: RawRequest['framing'];
  rawBody?: string | Buffer | undefined;
  contentType: string | undefined;
}

/** What a mutated request must get. */
interface Expectation {
  /** A 4xx is required (the request is wrong for sure), or any status under 500 will do. */
  refused: boolean;
  /** For a 400 `invalid_argument`, a path one of `paths` must name (or lie under, or above but below the root). */
  path?: string | undefined;
}

interface Mutation {
  name: string;
  draft: Draft;
  expect: Expectation;
}

function write(draft: Draft): RawRequest {
  const { operation } = draft;
  let target: Buffer = Buffer.from(operation.path);
  for (const parameter of operation.parameters.filter((entry) => entry.in === 'path')) {
    const raw = draft.rawParams[parameter.name];
    const value = raw ?? encodeURIComponent(draft.params[parameter.name] ?? '');
    const at = target.indexOf(`{${parameter.name}}`);
    target = Buffer.concat([target.subarray(0, at), Buffer.from(value), target.subarray(at + parameter.name.length + 2)]);
  }
  const query = draft.rawQuery ?? draft.query.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
  if (query !== '') target = Buffer.concat([target, Buffer.from(`?${query}`)]);
  const headers = [...draft.headers];
  if (draft.contentType !== undefined) headers.push(['Content-Type', draft.contentType]);
  const body = draft.rawBody ?? (draft.body === undefined ? undefined : toJson(draft.body));
  return { method: operation.method, target, headers, body, framing: draft.framing };
}

function validDraft(operation: Operation, world: World, random: Random): Draft {
  const params: Record<string, string> = {};
  const query: [string, string][] = [];
  const headers: [string, string | Buffer][] = operation.secured ? [['Authorization', `Bearer ${testKey}`]] : [];
  for (const parameter of operation.parameters) {
    if (parameter.in === 'path') params[parameter.name] = operation.path.startsWith('/v1/items/') ? random.pick(world.items) : random.pick(world.users);
    else if (parameter.in === 'query') {
      if (random.next() < 0.6) continue;
      if (parameter.name === 'genre') query.push(['genre', random.pick(world.genres)]);
      else if (parameter.name === 'excludeGenre') query.push(['excludeGenre', 'Horror']);
      else if (parameter.name === 'yearFrom') query.push(['yearFrom', '1990']);
      else if (parameter.name === 'yearTo') query.push(['yearTo', '2000']);
      else query.push([parameter.name, String(validValue(parameter.schema, [parameter.name], operation, world, random))]);
    } else if (parameter.name === 'idempotency-key' && random.next() < 0.5) headers.push(['Idempotency-Key', `fuzz-key-${world.next++}`]);
  }
  const body = operation.body ? validValue(operation.body, [], operation, world, random) : undefined;
  return { operation, params, rawParams: {}, query, headers, body, contentType: operation.body ? 'application/json' : undefined };
}

/** A JSON value of a type the schema does not take. */
function wrongTypeFor(schema: JsonSchema, random: Random): unknown {
  const allowed = typesOf(schema);
  const candidates: [string, unknown][] = [
    ['string', 'NaN'],
    ['number', 42],
    ['boolean', true],
    ['null', null],
    ['object', { nested: 'x' }],
    ['array', ['x']],
  ];
  return random.pick(candidates.filter(([type]) => !allowed.has(type)))[1];
}

const unicodeStrings = ['🎬🍿 films 👨‍👩‍👧‍👦', 'שלום עולם \u202Eevil\u202C', 'nul\u0000byte', 'e\u0301\u0301\u0301 zalgo', '\uFEFFbom', '\u0085\u2028line\u2029'];

/** Specials for a number: the JSON text and whether the schema can still take it (checked by the server). */
const specialNumbers = ['1e308', '-1e308', '1e400', '-0', '0.1', '-1', '9007199254740993', '1e-400', '"NaN"', '"Infinity"', '"5"'];

function mutate(valid: Draft, world: World, random: Random): Mutation {
  const { operation } = valid;
  const draft = (): Draft => ({ ...valid, params: { ...valid.params }, rawParams: {}, query: valid.query.map(([key, value]) => [key, value]), headers: [...valid.headers] });
  const kinds: string[] = ['auth', 'query-unknown', 'method'];
  if (operation.parameters.some((parameter) => parameter.in === 'path')) kinds.push('param', 'param', 'param');
  if (operation.parameters.some((parameter) => parameter.in === 'query')) kinds.push('query', 'query', 'query');
  if (operation.parameters.some((parameter) => parameter.name === 'idempotency-key')) {
    kinds.push('idempotency', 'idempotency', 'idempotency-twice');
    if (world.keys.length > 0) kinds.push('idempotency-reused', 'idempotency-reused');
  }
  const body = valid.body;
  const spots = operation.body ? locations(body, operation.body) : [];
  const hasStrings = spots.some((spot) => typeof spot.value === 'string');
  if (operation.body) {
    kinds.push('wrong-type', 'wrong-type', 'huge-array', 'deep', 'number', 'number', 'empty-body', 'content-type', 'invalid-json', 'bom', 'root', 'oversize', 'framing');
    if (hasStrings) kinds.push('huge-string', 'unicode', 'surrogate');
    if (spots.some((spot) => (resolveFor(spot.value, spot.schema).required ?? []).length > 0)) kinds.push('missing');
    if (spots.some((spot) => resolveFor(spot.value, spot.schema).additionalProperties === false)) kinds.push('extra');
    if (Object.keys(body as object).length > 0) kinds.push('duplicate-key');
  } else kinds.push('body-on-get');
  const kind = random.pick(kinds);
  const named = (segments: readonly Segment[]) => pathName('body', segments);

  switch (kind) {
    case 'auth': {
      const request = draft();
      request.headers = request.headers.filter(([name]) => name !== 'Authorization');
      const variants: (string | Buffer | undefined)[] = [
        undefined,
        '',
        'Bearer',
        'Bearer ',
        `Basic ${Buffer.from(`user:${testKey}`).toString('base64')}`,
        `Bearer ${testKey} extra`,
        `Bearer ${testKey.slice(0, -1)}`,
        `Bearer ${'k'.repeat(8000)}`,
        Buffer.from(`Bearer ${testKey}é`, 'utf8'),
        Buffer.from(`Bearer ${testKey}\u0001`, 'latin1'),
        `Bearer ${testKey}, Bearer second-key`,
      ];
      const variant = random.pick(variants);
      if (variant !== undefined) request.headers.push(['Authorization', variant]);
      return { name: `auth ${JSON.stringify(variant === undefined ? '(none)' : variant.toString('latin1').slice(0, 40))}`, draft: request, expect: { refused: operation.secured } };
    }
    case 'query-unknown': {
      const request = draft();
      const key = random.pick(['foo', '__proto__', 'constructor', 'genres', 'k[]', '', 'K']);
      request.query.push([key, 'x']);
      return { name: `unknown query parameter ${JSON.stringify(key)}`, draft: request, expect: { refused: operation.secured, path: key === '' ? undefined : `querystring.${key}` } };
    }
    case 'method': {
      const request = draft();
      const method = random.pick(['PUT', 'DELETE', 'PATCH', 'OPTIONS', operation.method === 'GET' ? 'POST' : 'GET']);
      return { name: `method ${method}`, draft: { ...request, operation: { ...operation, method } }, expect: { refused: true } };
    }
    case 'param': {
      const request = draft();
      const variants: [string, string | Buffer, boolean][] = [
        ['too long', 'u'.repeat(300), true],
        ['over the router limit', 'u'.repeat(3000), true],
        ['bad percent-encoding', '%E0%A4%A', true],
        ['invalid UTF-8', '%ED%A0%80', true],
        ['percent-encoded NUL', '%00', true],
        ['unknown', 'no-such-id', true],
        ['emoji', encodeURIComponent('🎬'), true],
        ['RTL', encodeURIComponent('\u202Eu1'), true],
        ['encoded slash', 'u1%2Fprofile', true],
        ['dot segment', '..', true],
        ['raw UTF-8 bytes', Buffer.from('ü', 'utf8'), true],
        ['empty', '', true],
      ];
      const [name, value, refused] = random.pick(variants);
      request.rawParams.id = value;
      return { name: `path parameter ${name}`, draft: request, expect: { refused, path: 'params.id' } };
    }
    case 'query': {
      const request = draft();
      request.query = request.query.filter(([key]) => key !== 'k' && key !== 'yearFrom' && key !== 'yearTo');
      const variants: [string, string, string][] = [
        ['k', 'abc', 'querystring.k'],
        ['k', '0', 'querystring.k'],
        ['k', '21', 'querystring.k'],
        ['k', '1e1', 'querystring.k'],
        ['k', '-0', 'querystring.k'],
        ['k', 'NaN', 'querystring.k'],
        ['k', '99999999999999999999999', 'querystring.k'],
        ['k', '', 'querystring.k'],
        ['yearFrom', '1799', 'querystring.yearFrom'],
        ['yearTo', '2101', 'querystring.yearTo'],
        ['genre', 'Nope', 'querystring.genre'],
        ['genre', 'x'.repeat(2000), 'querystring.genre'],
        ['excludeGenre', '\u0000', 'querystring.excludeGenre'],
        ['audience', 'adults', 'querystring.audience'],
      ];
      if (random.next() < 0.15) {
        request.query.push(['k', '5'], ['k', '6']);
        return { name: 'query k repeated', draft: request, expect: { refused: true, path: 'querystring.k' } };
      }
      const [key, value, path] = random.pick(variants);
      request.query.push([key, value]);
      return { name: `query ${key}=${JSON.stringify(value.slice(0, 30))}`, draft: request, expect: { refused: true, path } };
    }
    case 'idempotency': {
      const request = draft();
      request.headers = request.headers.filter(([name]) => name !== 'Idempotency-Key');
      const variants: [string, string | Buffer][] = [
        ['empty', ''],
        ['256 characters', 'k'.repeat(256)],
        ['non-ASCII', Buffer.from('clé-é', 'utf8')],
        ['a tab', 'a\tb'],
        ['a control character', Buffer.from('a\u0001b', 'latin1')],
      ];
      const [name, value] = random.pick(variants);
      request.headers.push(['Idempotency-Key', value]);
      return { name: `Idempotency-Key ${name}`, draft: request, expect: { refused: true, path: 'headers.idempotency-key' } };
    }
    case 'idempotency-reused': {
      // A key an earlier request was answered under: a replay (the same request) or a 422 naming the header (another one).
      const request = draft();
      request.headers = request.headers.filter(([name]) => name !== 'Idempotency-Key');
      const key = random.pick(world.keys);
      request.headers.push(['Idempotency-Key', key]);
      return { name: `Idempotency-Key ${key} used before`, draft: request, expect: { refused: false, path: 'headers.idempotency-key' } };
    }
    case 'idempotency-twice': {
      // Two headers: Node joins them ("a, b"), one printable key, taken as such.
      const request = draft();
      request.headers = request.headers.filter(([name]) => name !== 'Idempotency-Key');
      request.headers.push(['Idempotency-Key', `fuzz-key-${world.next++}`], ['Idempotency-Key', `fuzz-key-${world.next++}`]);
      return { name: 'two Idempotency-Key headers', draft: request, expect: { refused: false } };
    }
    case 'wrong-type': {
      const spot = random.pick(spots);
      const request = draft();
      request.body = setAt(clone(body), spot.segments, wrongTypeFor(spot.schema, random));
      return { name: `wrong type at ${named(spot.segments)}`, draft: request, expect: { refused: true, path: named(spot.segments) } };
    }
    case 'missing': {
      const objects = spots.filter((spot) => (resolveFor(spot.value, spot.schema).required ?? []).length > 0);
      const spot = random.pick(objects);
      const key = random.pick(resolveFor(spot.value, spot.schema).required as string[]);
      const request = draft();
      const copy = clone(body);
      deleteAt(copy, [...spot.segments, key]);
      request.body = copy;
      return { name: `missing ${named([...spot.segments, key])}`, draft: request, expect: { refused: true, path: named(key === 'type' ? spot.segments : [...spot.segments, key]) } };
    }
    case 'extra': {
      const objects = spots.filter((spot) => resolveFor(spot.value, spot.schema).additionalProperties === false);
      const spot = random.pick(objects);
      const request = draft();
      const copy = clone(body);
      setAt(copy, [...spot.segments, 'fuzzExtra'], random.pick(['x', 1, null, { a: 1 }]));
      request.body = copy;
      return { name: `extra field ${named([...spot.segments, 'fuzzExtra'])}`, draft: request, expect: { refused: true, path: named([...spot.segments, 'fuzzExtra']) } };
    }
    case 'huge-string': {
      const strings = spots.filter((spot) => typeof spot.value === 'string');
      const spot = random.pick(strings);
      const request = draft();
      const length = random.pick([(spot.schema.maxLength ?? 1000) + 1, 100_000, 300_000]);
      request.body = setAt(clone(body), spot.segments, 'é'.repeat(length));
      // 300,000 "é" are 600 KB, over the body limit; a free-text attribute has no length limit of its own.
      const refused = length > 100_000 || spot.schema.maxLength !== undefined;
      return { name: `string of ${length} at ${named(spot.segments)}`, draft: request, expect: { refused, path: length > 100_000 ? 'body' : named(spot.segments) } };
    }
    case 'huge-array': {
      const arrays = spots.filter((spot) => Array.isArray(spot.value));
      const request = draft();
      if (arrays.length === 0) {
        request.body = Array.from({ length: 50_000 }, () => 0);
        return { name: 'array of 50,000 as the body', draft: request, expect: { refused: true, path: 'body' } };
      }
      const spot = random.pick(arrays);
      const entries = spot.value as unknown[];
      const length = random.pick([(spot.schema.maxItems ?? 1000) + 1, 0]);
      request.body = setAt(clone(body), spot.segments, Array.from({ length }, (_, index) => entries[index % entries.length]));
      const refused = length < (spot.schema.minItems ?? 0) || length > (spot.schema.maxItems ?? Infinity);
      return { name: `array of ${length} at ${named(spot.segments)}`, draft: request, expect: { refused, path: named(spot.segments) } };
    }
    case 'unicode': {
      const strings = spots.filter((spot) => typeof spot.value === 'string');
      const spot = random.pick(strings);
      const request = draft();
      request.body = setAt(clone(body), spot.segments, random.pick(unicodeStrings));
      // Valid text: taken, or refused for what it names (an unknown user or item), never a fault.
      return { name: `unicode at ${named(spot.segments)}`, draft: request, expect: { refused: false } };
    }
    case 'surrogate': {
      const strings = spots.filter((spot) => typeof spot.value === 'string');
      const spot = random.pick(strings);
      const request = draft();
      request.body = setAt(clone(body), spot.segments, random.pick(['\ud800', 'ok\udfff', '\udbff\ud800x']));
      return { name: `lone surrogate at ${named(spot.segments)}`, draft: request, expect: { refused: true, path: named(spot.segments) } };
    }
    case 'deep': {
      const spot = random.pick(spots);
      const request = draft();
      const depth = random.pick([1000, 10_000, 60_000]);
      const [open, close] = random.next() < 0.5 ? ['[', ']'] : ['{"a":', '}'];
      request.body = setAt(clone(body), spot.segments, new RawJson(`${open.repeat(depth)}1${close.repeat(depth)}`));
      return { name: `nested ${depth} deep at ${named(spot.segments)}`, draft: request, expect: { refused: true, path: named(spot.segments) } };
    }
    case 'number': {
      const numbers = spots.filter((spot) => typesOf(spot.schema).has('number'));
      const spot = numbers.length > 0 ? random.pick(numbers) : random.pick(spots);
      const request = draft();
      const text = random.pick(specialNumbers);
      request.body = setAt(clone(body), spot.segments, new RawJson(text));
      return { name: `${text} at ${named(spot.segments)}`, draft: request, expect: { refused: false, path: named(spot.segments) } };
    }
    case 'empty-body': {
      const request = draft();
      request.body = undefined;
      request.rawBody = random.next() < 0.5 ? '' : undefined;
      return { name: `no body (${request.rawBody === '' ? 'Content-Length: 0' : 'no Content-Length'})`, draft: request, expect: { refused: true, path: 'body' } };
    }
    case 'content-type': {
      const request = draft();
      const type = random.pick([undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json-patch+json', '', 'application/json; charset=utf-16', '*/*']);
      request.contentType = type;
      return { name: `content type ${JSON.stringify(type ?? '(none)')}`, draft: request, expect: { refused: true, path: 'headers.content-type' } };
    }
    case 'invalid-json': {
      const request = draft();
      const text = toJson(body);
      request.rawBody = random.pick([text.slice(0, -1), `${text}}`, text.replaceAll('"', "'"), `${text} // comment`, '{"a":NaN}', '{"a":undefined}', '{,}', 'nul', '\u0000']);
      return { name: `invalid JSON ${JSON.stringify((request.rawBody as string).slice(0, 30))}`, draft: request, expect: { refused: true, path: 'body' } };
    }
    case 'bom': {
      // RFC 8259 lets a parser ignore a byte order mark before the JSON text: taken, as fastify's parser takes it.
      const request = draft();
      request.rawBody = `\uFEFF${toJson(body)}`;
      return { name: 'JSON after a byte order mark', draft: request, expect: { refused: false } };
    }
    case 'duplicate-key': {
      const request = draft();
      const fields = Object.keys(body as object);
      const key = random.pick(fields);
      const text = toJson(body);
      const wrong = toJson(wrongTypeFor(resolveFor(body, operation.body as JsonSchema).properties?.[key] ?? {}, random));
      // JSON.parse keeps the last: a wrong value first is overridden (valid); a wrong value last is refused, naming the key.
      const last = random.next() < 0.5;
      request.rawBody = last ? `${text.slice(0, -1)},${JSON.stringify(key)}:${wrong}}` : `{${JSON.stringify(key)}:${wrong},${text.slice(1)}`;
      return { name: `duplicate key ${key} (${last ? 'wrong value last' : 'wrong value first'})`, draft: request, expect: { refused: last, path: `body.${key}` } };
    }
    case 'root': {
      const request = draft();
      request.rawBody = random.pick(['[]', '"text"', '42', 'null', 'true', '[{}]']);
      return { name: `body ${request.rawBody as string}`, draft: request, expect: { refused: true, path: 'body' } };
    }
    case 'framing': {
      // A chunked body is a body like any other; a Content-Length that is not a number, or beside Transfer-Encoding, is refused by Node's parser.
      const request = draft();
      request.framing = random.pick(['chunked', 'bad-length', 'both'] as const);
      // Both: Node names whichever of the two headers came second.
      const path = request.framing === 'bad-length' ? 'headers.content-length' : 'headers';
      return { name: `body framed ${request.framing}`, draft: request, expect: { refused: request.framing !== 'chunked', path } };
    }
    case 'oversize': {
      const request = draft();
      request.rawBody = `{"pad":"${'x'.repeat(300 * 1024)}"}`;
      return { name: 'body over the size limit', draft: request, expect: { refused: true, path: 'body' } };
    }
    default: {
      // A GET with a JSON body, and with broken JSON: nothing reads it.
      const request = draft();
      request.rawBody = random.pick(['{"userId":"u1"}', '{"a":', '\u0000']);
      request.contentType = random.pick(['application/json', 'text/plain']);
      return { name: `GET with body ${JSON.stringify(request.rawBody)}`, draft: request, expect: { refused: false } };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Checks.

let tiny: TinyService;
let port: number;
let stateDir: string;
let world: World;

beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'personalab-fuzz-'));
  tiny = await openTinyService({ stateDir, rateLimitPerMinute: 1_000_000 });
  port = Number(new URL(await tiny.app.listen({ host: '127.0.0.1', port: 0 })).port);
  const items = tiny.service.store.listItems();
  world = {
    users: tiny.service.store.database.prepare('SELECT id FROM users ORDER BY rowid').pluck().all() as string[],
    items: items.map((item) => item.id),
    genres: [...new Set(items.flatMap((item) => item.tags))],
    keys: [],
    next: 1,
  };
});

afterAll(async () => {
  await tiny.close();
  rmSync(stateDir, { recursive: true, force: true });
});

/** A digest of everything a request can change: every table's rows, the catalogue and the item index. */
function snapshot(): string {
  const hash = createHash('sha256');
  for (const table of ['users', 'items', 'events', 'sessions', 'messages', 'profiles', 'idempotency_keys']) {
    for (const row of tiny.service.store.database.prepare(`SELECT * FROM ${table} ORDER BY rowid`).raw().iterate()) hash.update(JSON.stringify(row));
  }
  hash.update(`${tiny.service.catalog.size}:${tiny.service.textIndex.size}`);
  return hash.digest('hex');
}

/** Two paths name the same place, or one lies under the other (but not merely under a root such as `body`). */
const related = (reported: string, expected: string) => {
  const under = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return under(reported, expected) || (under(expected, reported) && reported.includes('.'));
};

const roots = ['body', 'querystring', 'params', 'headers'];

/** What is wrong with an answer (empty: nothing). */
function problems(response: RawResponse, expectation: Expectation): string[] {
  const found: string[] = [];
  if (response.status >= 500) found.push(`status ${response.status}`);
  if (expectation.refused && response.status < 400) found.push(`accepted (${response.status}) what must be refused`);
  if (response.status < 400) return found;
  if (!/^application\/json/.test(response.headers['content-type'] ?? '')) found.push(`error answer of type ${response.headers['content-type'] ?? '(none)'}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(response.body);
  } catch {
    found.push(`error answer is not JSON: ${JSON.stringify(response.body.slice(0, 120))}`);
    return found;
  }
  const error = (parsed as { error?: Record<string, unknown> }).error;
  const shapeOk =
    typeof parsed === 'object' &&
    parsed !== null &&
    Object.keys(parsed).length === 1 &&
    typeof error === 'object' &&
    error !== null &&
    (errorCodes as readonly unknown[]).includes(error.code) &&
    typeof error.message === 'string' &&
    error.message.length > 0 &&
    Object.keys(error).every((key) => ['code', 'message', 'paths', 'requestId'].includes(key)) &&
    (error.paths === undefined || (Array.isArray(error.paths) && error.paths.length > 0 && error.paths.every((path) => typeof path === 'string')));
  if (!shapeOk) return [...found, `error answer not in the API's shape: ${response.body.slice(0, 200)}`];
  const { code, message, paths } = error as { code: string; message: string; paths?: string[] };
  if (/\bat .*\.[jt]s:\d+/.test(message)) found.push(`stack trace in the message: ${message.slice(0, 200)}`);
  if (response.status === 400 && code === 'invalid_argument' && !message.startsWith('the URL path')) {
    if (paths === undefined) found.push(`validation error names no path: ${message.slice(0, 200)}`);
    else if (!paths.every((path) => roots.some((root) => path === root || path.startsWith(`${root}.`)))) found.push(`paths outside the request: ${paths.join(', ')}`);
    else if (expectation.path !== undefined && !paths.some((path) => related(path, expectation.path as string))) found.push(`paths ${JSON.stringify(paths)} do not name ${expectation.path}: ${message.slice(0, 200)}`);
  }
  return found;
}

/** The document's operations. */
async function operationsOf(): Promise<Operation[]> {
  const response = await send(port, { method: 'GET', target: '/docs/json', headers: [] });
  const document = JSON.parse(response.body) as {
    security?: unknown[];
    paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: JsonSchema }> }; security?: unknown[] }>>;
  };
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      parameters: operation.parameters ?? [],
      body: operation.requestBody?.content['application/json']?.schema,
      secured: (operation.security ?? document.security ?? []).length > 0,
    })),
  );
}

describe('schema-driven fuzzing of the OpenAPI document', () => {
  it('answers every mutated request of every documented operation in time, under 500, in the error shape naming the path, changing nothing, and keeps answering', async () => {
    const random = createRandom(seed);
    const operations = await operationsOf();
    // The routes the document must keep listing (a route missing from it would escape the fuzz).
    expect(operations.map((operation) => `${operation.method} ${operation.path}`).sort()).toEqual(
      [
        'GET /healthz',
        'GET /readyz',
        'GET /v1/items/{id}',
        'GET /v1/users/{id}',
        'GET /v1/users/{id}/profile',
        'GET /v1/users/{id}/recommendations',
        'POST /v1/chat',
        'POST /v1/items',
        'POST /v1/predict-rating',
        'POST /v1/users',
        'POST /v1/users/{id}/events',
      ].sort(),
    );
    const failures: string[] = [];
    let sent = 0;
    const attempt = async (request: RawRequest, label: string): Promise<RawResponse | undefined> => {
      sent++;
      try {
        const response = await send(port, request);
        const key = request.headers.find(([name]) => name === 'Idempotency-Key')?.[1];
        if (response.status < 300 && typeof key === 'string' && !world.keys.includes(key)) world.keys.push(key);
        return response;
      } catch (error) {
        failures.push(`${label}: ${(error as Error).message}`);
        return undefined;
      }
    };
    for (const operation of operations) {
      const label = `${operation.method} ${operation.path}`;
      // The valid request first: the fuzz's baseline must be accepted, or its mutations prove nothing.
      const baseline = await attempt(write(validDraft(operation, world, random)), `${label} (valid)`);
      if (baseline && baseline.status >= 300) failures.push(`${label} (valid): ${baseline.status} ${baseline.body.slice(0, 300)}`);
      for (let index = 0; index < mutationsPerOperation; index++) {
        const valid = validDraft(operation, world, random);
        const mutation = mutate(valid, world, random);
        const before = snapshot();
        const response = await attempt(write(mutation.draft), `${label}: ${mutation.name}`);
        if (response === undefined) continue;
        for (const problem of problems(response, mutation.expect)) failures.push(`${label}: ${mutation.name}: ${problem}`);
        if (response.status >= 400 && snapshot() !== before) failures.push(`${label}: ${mutation.name}: refused (${response.status}) but the state changed`);
        if (response.headers['idempotent-replayed'] === 'true' && snapshot() !== before) failures.push(`${label}: ${mutation.name}: replayed, but the state changed`);
        if (mutation.name.endsWith('used before') && response.status >= 400 && response.status !== 422) failures.push(`${label}: ${mutation.name}: ${response.status}, not a replay or a 422`);
        if (response.status < 300 && operation.path === '/v1/users' && typeof (mutation.draft.body as { id?: unknown } | undefined)?.id === 'string') world.users.push((mutation.draft.body as { id: string }).id);
        // Still answering: a valid request of the same operation every few mutations, and health after each.
        const health = await attempt({ method: 'GET', target: '/healthz', headers: [] }, `${label}: /healthz after ${mutation.name}`);
        if (health && health.status !== 200) failures.push(`${label}: /healthz after ${mutation.name}: ${health.status}`);
        if (index % 6 === 5) {
          const again = await attempt(write(validDraft(operation, world, random)), `${label}: valid request after ${mutation.name}`);
          if (again && again.status >= 300) failures.push(`${label}: valid request after ${mutation.name}: ${again.status} ${again.body.slice(0, 300)}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(operations.length * mutationsPerOperation);
  });
});

describe("requests Node's HTTP parser refuses", () => {
  it("answers them in the API's error format, naming the header, and keeps serving (fastify had answered {\"error\":\"Bad Request\",\"message\":\"Client Error\"})", async () => {
    const cases: { request: RawRequest; status: number; error: Record<string, unknown> }[] = [
      {
        request: { method: 'GET', target: Buffer.concat([Buffer.from('/v1/users/'), Buffer.from('ü'), Buffer.from('/profile')]), headers: [['Authorization', `Bearer ${testKey}`]] },
        status: 400,
        error: { code: 'invalid_argument', message: 'the URL path has a character HTTP does not allow there (Invalid char in url path): percent-encode it' },
      },
      {
        request: { method: 'GET', target: '/v1/users/u1', headers: [['Authorization', Buffer.from(`Bearer ${testKey}\u0001`, 'latin1')]] },
        status: 400,
        error: { code: 'invalid_argument', message: 'headers.authorization: not a valid HTTP header (Invalid header value char): send printable ASCII', paths: ['headers.authorization'] },
      },
      {
        request: { method: 'POST', target: '/v1/users', headers: [['Authorization', `Bearer ${testKey}`], ['Content-Type', 'application/json']], body: '{}', framing: 'bad-length' },
        status: 400,
        error: { code: 'invalid_argument', message: 'headers.content-length: not a valid HTTP header (Invalid character in Content-Length)', paths: ['headers.content-length'] },
      },
      {
        request: { method: 'GET', target: '/v1/users/u1', headers: [['Authorization', `Bearer ${testKey}`], ['X-Padding', 'p'.repeat(maxHeaderSize + 1)]] },
        status: 431,
        error: { code: 'payload_too_large', message: `headers: over the ${maxHeaderSize.toLocaleString('en')} bytes the request headers may have`, paths: ['headers'] },
      },
    ];
    const before = snapshot();
    for (const { request, status, error } of cases) {
      const response = await send(port, request);
      expect(response.status).toBe(status);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(JSON.parse(response.body)).toEqual({ error });
      expect((await send(port, { method: 'GET', target: '/v1/users/u1', headers: [['Authorization', `Bearer ${testKey}`]] })).status).toBe(200);
    }
    expect(snapshot()).toBe(before);
  });
});
