/**
 * Soak run of the recommender API: the main job's server (bench/api/server.ts in its own process: the data, model and
 * stack `npm start` serves) under a few thousand mixed requests from many users, a few at a time: chat turns with
 * realistic text (sessions of several turns, titles liked and disliked, genres, eras, "why the second one?"), new users
 * who then chat, recommendation lists (some filtered), ratings and implicit events, profile, user and item reads and
 * rating predictions. Every --window requests it pauses the load and records the server's RSS, heap used after a full
 * collection, tfjs tensors, active handles, event listeners, cached recommendation lists, the SQLite files' size and
 * the window's p50/p99 latency, and says what grows. At the end it sends SIGTERM while requests are in flight and
 * checks they are answered, the process exits by itself within a few seconds, and every acknowledged write is stored.
 *
 *   npx tsx --conditions=development bench/api/soak.ts [--requests 12000] [--window 500] [--concurrency 8] [--dataset auto] [--model NAME] [--cache on|off] [--seed 1] [--quick] [--out DIR]
 *
 * --quick: 600 requests in windows of 100 on the synthetic world (a smoke run of about a minute). --cache off: the
 * server without its per-user list cache (every list computed), to tell the cache's growth from anything else's.
 * Only the headline run (the defaults) writes bench/results/api (soak.json, soak.md, soak.svg, soak-latency.svg); any
 * other run writes under $PERSONALAB_STATE_DIR/bench/soak-partial unless --out is given. Each run starts from a copy of
 * a seed state folder ($PERSONALAB_STATE_DIR/bench/soak-seed-…), whose model the first run trains.
 */
import { cpSync, existsSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  PersonalabError,
  changedOptions,
  createRandom,
  machineLine,
  markdownTable,
  parseInteger,
  resultsDirectory,
  runHeader,
  runScript,
  scriptCommand,
  svgLineChart,
  writeResults,
  type Random,
} from '@personalab/core';
import { spokenTitle } from '@personalab/datasets';
import { openRequest } from '@personalab/recommender/test';
import { candidateModelName, defaultCandidateModel } from '@personalab/user-embedding';
import { benchDatasetName, benchStateFolder, startBenchServer, type BenchServer } from './bench-server.js';

/** What the server reports over its IPC channel (bench/api/server.ts). */
interface ServerStats {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  tensors: number;
  resources: Record<string, number>;
  listeners: number;
  cachedLists: number | null;
  /** Cached lists for a version of their user that is no longer current: never answered again. */
  staleLists: number | null;
}

interface CatalogueItem {
  id: string;
  title: string;
  tags: string[];
  year?: number;
}

/** One window's record: the server's state after its last request, and its requests' latency. */
interface WindowRecord extends ServerStats {
  /** Requests answered so far. */
  requests: number;
  handles: number;
  /** recommender.db with its -wal and -shm files. */
  storeBytes: number;
  /** The -wal file alone. */
  walBytes: number;
  p50: number;
  p99: number;
  chatP50: number;
  chatP99: number;
  requestsPerSecond: number;
  /** Answers other than the expected 2xx, and requests that got no answer, by kind and status. */
  unexpected: Record<string, number>;
}

type Kind = 'chat' | 'recommendations' | 'recommendations (filtered)' | 'events' | 'profile' | 'user' | 'predict-rating' | 'new user' | 'item';

/** The mix: each kind's share of the requests. */
const mix: [Kind, number][] = [
  ['chat', 0.34],
  ['recommendations', 0.22],
  ['recommendations (filtered)', 0.04],
  ['events', 0.14],
  ['profile', 0.08],
  ['user', 0.05],
  ['predict-rating', 0.06],
  ['new user', 0.03],
  ['item', 0.04],
];

const quantile = (values: readonly number[], q: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

/** Least-squares slope of y over x. */
function slope(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  if (n < 2) return 0;
  const mx = x.reduce((sum, value) => sum + value, 0) / n;
  const my = y.reduce((sum, value) => sum + value, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < n; index++) {
    numerator += ((x[index] as number) - mx) * ((y[index] as number) - my);
    denominator += ((x[index] as number) - mx) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

const megabytes = (bytes: number) => bytes / 1024 / 1024;

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      requests: { type: 'string' },
      window: { type: 'string' },
      concurrency: { type: 'string', default: '8' },
      dataset: { type: 'string' },
      model: { type: 'string', default: defaultCandidateModel },
      cache: { type: 'string', default: 'on' },
      seed: { type: 'string', default: '1' },
      quick: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const quick = values.quick;
  const total = parseInteger('--requests', values.requests ?? (quick ? '600' : '12000'), { min: 1 });
  const window = parseInteger('--window', values.window ?? (quick ? '100' : '500'), { min: 1 });
  const concurrency = parseInteger('--concurrency', values.concurrency, { min: 1, max: 256 });
  const seed = parseInteger('--seed', values.seed);
  const dataset = benchDatasetName(values.dataset ?? (quick ? 'synthetic' : 'auto'));
  const model = candidateModelName(values.model, '--model');
  const cacheMode = values.cache;
  if (cacheMode !== 'on' && cacheMode !== 'off') throw new PersonalabError('invalid_argument', `--cache must be on or off, got ${JSON.stringify(cacheMode)}`);
  if (total < window * 2) throw new PersonalabError('invalid_argument', `--requests must be at least two windows (2 × --window = ${window * 2}), got ${total}`);
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '..', 'results', 'api'),
    changed: changedOptions({ requests: total, window, concurrency, dataset, model, cache: cacheMode, seed, quick }, { requests: 12_000, window: 500, concurrency: 8, dataset: 'auto', model: defaultCandidateModel, cache: 'on', seed: 1, quick: false }),
    name: 'bench/soak-partial',
  });

  // A fresh store each run, without training each run: a copy of a seed folder the first run trains.
  const seedState = benchStateFolder(`soak-seed-${dataset}-${model}`);
  const runState = benchStateFolder(`soak-run-${dataset}-${model}`);
  const serverArgs = (state: string) => ['--dataset', dataset, '--model', model, '--state', state];
  if (!existsSync(join(seedState, 'recommender', 'state.json'))) {
    console.log(`preparing the seed state ${seedState} (trains the model once)`);
    const seedServer = await startBenchServer(serverArgs(seedState), { ipc: true });
    seedServer.child.kill('SIGTERM');
    await new Promise((resolve) => seedServer.child.once('exit', resolve));
  }
  rmSync(runState, { recursive: true, force: true });
  cpSync(seedState, runState, { recursive: true });
  const storePath = join(runState, 'recommender', 'recommender.db');
  const storeCounts = () => {
    const database = new Database(storePath, { readonly: true });
    try {
      const count = (table: string) => database.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
      return { users: count('users'), messages: count('messages'), integrity: database.pragma('integrity_check', { simple: true }) as string };
    } finally {
      database.close();
    }
  };
  const initial = storeCounts();
  const storeBytes = () => ['', '-wal', '-shm'].reduce((sum, suffix) => sum + (existsSync(storePath + suffix) ? statSync(storePath + suffix).size : 0), 0);

  const startedAt = new Date();
  const startedLoad = loadavg();
  const server: BenchServer = await startBenchServer([...serverArgs(runState), '--cache', cacheMode], { ipc: true });
  const origin = `http://127.0.0.1:${server.port}`;
  let askId = 0;
  const ask = <T>(type: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const id = askId++;
      const timer = setTimeout(() => reject(new PersonalabError('upstream_timeout', `the server did not answer ${type} over IPC within 30 s`)), 30_000);
      const onMessage = (message: { id?: number } & T) => {
        if (message.id !== id) return;
        clearTimeout(timer);
        server.child.off('message', onMessage);
        resolve(message);
      };
      server.child.on('message', onMessage);
      server.child.send({ type, id });
    });
  const { items } = await ask<{ items: CatalogueItem[] }>('catalogue');
  const genres = [...new Set(items.flatMap((item) => item.tags))].filter((tag) => tag !== 'unknown');
  const users = [...server.users];
  console.log(`server up: ${users.length} users, ${items.length} items (${dataset}, ${model}); ${total} requests, ${concurrency} at a time, windows of ${window}`);

  const random: Random = createRandom(seed);
  const title = () => spokenTitle(random.pick(items).title);
  const genre = () => random.pick(genres).toLowerCase();
  const messages: (() => string)[] = [
    () => `I loved ${title()}, anything like it?`,
    () => `something like ${title()} please`,
    () => `I really didn't like ${title()}`,
    () => `a ${genre()} from the ${random.pick(['70', '80', '90'])}s`,
    () => `no ${genre()} tonight, something ${random.pick(['light', 'funny', 'romantic', 'gripping', 'calm'])}`,
    () => `with my ${6 + random.int(8)} year old, something fun`,
    () => 'why the second one?',
    () => 'more like the first one',
    () => 'not that one, something older',
    () => 'hi! what should I watch tonight?',
    () => 'thanks, that sounds good',
    () => `a short ${genre()} film for a rainy evening`,
    () => `I've seen ${title()} already, something else`,
  ];
  const sessions = new Map<string, { id: string; turns: number }>();
  const acknowledged = { users: 0, messages: 0 };
  let keys = 0;

  /** One request of `kind`, built now (so the random stream does not depend on answer order): a function that sends it. */
  function nextRequest(kind: Kind): () => Promise<{ status: number; ms: number }> {
    const userId = random.pick(users);
    const itemId = random.pick(items).id;
    const json = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) => ({ method, path, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
    let request: { method: string; path: string; body?: string; headers?: Record<string, string> };
    let onAnswer: (body: unknown) => void = () => undefined;
    switch (kind) {
      case 'chat': {
        const session = sessions.get(userId);
        const continued = session !== undefined && session.turns < 5 && random.next() < 0.75;
        request = json('POST', '/v1/chat', { userId, message: random.pick(messages)(), ...(continued ? { sessionId: session.id } : {}) }, random.next() < 0.5 ? { 'idempotency-key': `soak-${seed}-${keys++}` } : {});
        onAnswer = (body) => {
          const { sessionId } = body as { sessionId: string };
          sessions.set(userId, { id: sessionId, turns: continued ? session.turns + 1 : 1 });
          acknowledged.messages += 2;
        };
        break;
      }
      case 'recommendations':
        request = { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}/recommendations?k=${random.pick([5, 5, 10])}` };
        break;
      case 'recommendations (filtered)':
        request = { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}/recommendations?genre=${encodeURIComponent(random.pick(genres))}&yearFrom=${1970 + random.int(25)}` };
        break;
      case 'events': {
        const events = Array.from({ length: 1 + random.int(4) }, () =>
          random.next() < 0.6
            ? { type: 'rating', itemId: random.pick(items).id, value: 1 + random.int(5) }
            : random.next() < 0.8
              ? { type: 'event', itemId: random.pick(items).id, event: random.pick(['view', 'click', 'like', 'dislike', 'purchase', 'skip']) }
              : { type: 'message', content: random.pick(messages)() },
        );
        request = json('POST', `/v1/users/${encodeURIComponent(userId)}/events`, { events }, random.next() < 0.5 ? { 'idempotency-key': `soak-${seed}-${keys++}` } : {});
        onAnswer = (body) => (acknowledged.messages += (body as { messages: number }).messages);
        break;
      }
      case 'profile':
        request = { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}/profile` };
        break;
      case 'user':
        request = { method: 'GET', path: `/v1/users/${encodeURIComponent(userId)}` };
        break;
      case 'predict-rating':
        request = json('POST', '/v1/predict-rating', { userId, itemId });
        break;
      case 'new user':
        request = json('POST', '/v1/users', { name: `soak user ${users.length}`, age: 18 + random.int(50), occupation: random.pick(['student', 'engineer', 'writer', 'artist']) });
        onAnswer = (body) => {
          // New users chat and rate from then on (the cold-start path).
          users.push((body as { id: string }).id);
          acknowledged.users += 1;
        };
        break;
      case 'item':
        request = { method: 'GET', path: `/v1/items/${encodeURIComponent(itemId)}` };
        break;
    }
    return async () => {
      const started = performance.now();
      const response = await fetch(origin + request.path, {
        method: request.method,
        headers: { authorization: `Bearer ${server.apiKey}`, ...request.headers },
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const text = await response.text();
      const ms = performance.now() - started;
      if (response.ok) onAnswer(JSON.parse(text));
      return { status: response.status, ms };
    };
  }

  const pickKind = (): Kind => {
    let roll = random.next();
    for (const [kind, share] of mix) {
      roll -= share;
      if (roll < 0) return kind;
    }
    return 'chat';
  };

  const sample = async (requests: number, latencies: { kind: Kind; ms: number }[], unexpected: Record<string, number>, seconds: number): Promise<WindowRecord> => {
    const stats = await ask<ServerStats>('stats');
    const all = latencies.map((entry) => entry.ms);
    const chat = latencies.filter((entry) => entry.kind === 'chat').map((entry) => entry.ms);
    return {
      requests,
      rss: stats.rss,
      heapUsed: stats.heapUsed,
      external: stats.external,
      arrayBuffers: stats.arrayBuffers,
      tensors: stats.tensors,
      resources: stats.resources,
      handles: Object.values(stats.resources).reduce((sum, count) => sum + count, 0),
      listeners: stats.listeners,
      cachedLists: stats.cachedLists,
      staleLists: stats.staleLists,
      storeBytes: storeBytes(),
      walBytes: existsSync(`${storePath}-wal`) ? statSync(`${storePath}-wal`).size : 0,
      p50: quantile(all, 0.5),
      p99: quantile(all, 0.99),
      chatP50: quantile(chat, 0.5),
      chatP99: quantile(chat, 0.99),
      requestsPerSecond: seconds > 0 ? latencies.length / seconds : 0,
      unexpected,
    };
  };

  // Windows: the load pauses at each boundary (requests in flight finish) while the server is measured, so a window's
  // latencies never include the full collection the measurement runs.
  const windows: WindowRecord[] = [await sample(0, [], {}, 0)];
  const kindsSent: Record<string, number> = {};
  let sent = 0;
  const runStarted = performance.now();
  for (let start = 0; start < total; start += window) {
    const size = Math.min(window, total - start);
    const requests = Array.from({ length: size }, () => {
      const kind = pickKind();
      kindsSent[kind] = (kindsSent[kind] ?? 0) + 1;
      return { kind, send: nextRequest(kind) };
    });
    const latencies: { kind: Kind; ms: number }[] = [];
    const unexpected: Record<string, number> = {};
    const windowStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let index = next++; index < requests.length; index = next++) {
          const { kind, send } = requests[index] as (typeof requests)[number];
          try {
            const { status, ms } = await send();
            latencies.push({ kind, ms });
            if (status >= 300) unexpected[`${kind} ${status}`] = (unexpected[`${kind} ${status}`] ?? 0) + 1;
          } catch (error) {
            const name = `${kind} no answer (${(error as Error).message})`;
            unexpected[name] = (unexpected[name] ?? 0) + 1;
          }
        }
      }),
    );
    sent += size;
    const record = await sample(sent, latencies, unexpected, (performance.now() - windowStarted) / 1000);
    windows.push(record);
    console.log(
      `${String(sent).padStart(6)} requests: rss ${megabytes(record.rss).toFixed(1)} MB, heap ${megabytes(record.heapUsed).toFixed(1)} MB, tensors ${record.tensors}, handles ${record.handles}, listeners ${record.listeners}, cached lists ${record.cachedLists ?? 'n/a'}, store ${megabytes(record.storeBytes).toFixed(2)} MB, p50 ${record.p50.toFixed(1)} ms, p99 ${record.p99.toFixed(1)} ms, chat p99 ${record.chatP99.toFixed(1)} ms${Object.keys(unexpected).length > 0 ? `, unexpected ${JSON.stringify(unexpected)}` : ''}`,
    );
  }
  const loadSeconds = (performance.now() - runStarted) / 1000;

  // SIGTERM with requests in flight. Held ones: chat turns and rating batches whose headers the server has read (it
  // answered `100 Continue`), their bodies sent after the signal: each must be answered. A burst sent at once just
  // before the signal: answered (a 503 for one that reached a route after the stop began), or refused unread (a
  // connection the server had not yet accepted is reset when it stops listening), never written unanswered.
  const held = await Promise.all(
    Array.from({ length: concurrency }, (_, index) => {
      const userId = random.pick(users);
      const chat = index % 2 === 0;
      const body = chat ? { userId, message: random.pick(messages)() } : { events: [{ type: 'rating', itemId: random.pick(items).id, value: 1 + random.int(5) }] };
      return openRequest(origin, { path: chat ? '/v1/chat' : `/v1/users/${encodeURIComponent(userId)}/events`, key: server.apiKey, body: JSON.stringify(body) }).then((request) => ({ request, chat }));
    }),
  );
  const burst = Array.from({ length: concurrency }, (_, index) => nextRequest(index % 2 === 0 ? 'chat' : 'events'));
  const closed = new Promise<{ closeMs: number; resources: Record<string, number> }>((resolve) => {
    const onMessage = (message: { type?: string; closeMs?: number; resources?: Record<string, number> }) => {
      if (message.type === 'closed') resolve({ closeMs: message.closeMs ?? Number.NaN, resources: message.resources ?? {} });
    };
    server.child.on('message', onMessage);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
  const burstAnswers = burst.map((send) => send().then(({ status }) => String(status), (error: Error) => `no answer (${error.cause instanceof Error ? error.cause.message : error.message})`));
  await new Promise((resolve) => setTimeout(resolve, 30));
  const signalledAt = performance.now();
  server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 50));
  const heldAnswers = await Promise.all(
    held.map(({ request, chat }) =>
      request.finish().then(
        (line) => {
          const status = line.split(' ')[1] ?? line;
          if (chat && status === '200') acknowledged.messages += 2;
          return status;
        },
        (error: Error) => `no answer (${error.message.slice(0, 80)})`,
      ),
    ),
  );
  const burstStatuses = await Promise.all(burstAnswers);
  const answeredMs = performance.now() - signalledAt;
  const killer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
  const exit = await exited;
  clearTimeout(killer);
  const exitMs = performance.now() - signalledAt;
  const close = await Promise.race([closed, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 100))]);
  const countStatuses = (statuses: readonly string[]) => statuses.reduce<Record<string, number>>((counts, status) => ({ ...counts, [status]: (counts[status] ?? 0) + 1 }), {});
  const after = storeCounts();
  const lockLeft = existsSync(join(runState, 'recommender', 'server.lock'));
  const shutdown = {
    held: countStatuses(heldAnswers),
    burst: countStatuses(burstStatuses),
    answeredMs,
    closeMs: close?.closeMs ?? null,
    exitMs,
    exitCode: exit.code,
    exitSignal: exit.signal,
    resourcesAfterClose: close?.resources ?? null,
    lockLeft,
    integrity: after.integrity,
    users: { expected: initial.users + acknowledged.users, stored: after.users },
    messages: { expected: initial.messages + acknowledged.messages, stored: after.messages },
  };
  const shutdownOk =
    heldAnswers.every((status) => status === '200' || status === '201') &&
    burstStatuses.every((status) => /^(200|201|503)$/.test(status) || /ECONNRESET|ECONNREFUSED|other side closed|socket/i.test(status)) &&
    exit.code === 0 &&
    exitMs < 5000 &&
    !lockLeft &&
    after.integrity === 'ok' &&
    shutdown.users.expected === shutdown.users.stored &&
    shutdown.messages.expected === shutdown.messages.stored;
  console.log(`shutdown: ${JSON.stringify(shutdown)}`);

  // What grows: the first measured window after the warm-up against the last, and the slope over the second half.
  const measured = windows.slice(1);
  const secondHalf = measured.filter((record) => record.requests > total / 2);
  const series: { name: string; unit: string; value: (record: WindowRecord) => number | null; scale?: (value: number) => number; flatWithin: number; flatCount?: number }[] = [
    { name: 'RSS', unit: 'MB', value: (record) => record.rss, scale: megabytes, flatWithin: 0.05 },
    { name: 'heap used (after a full collection)', unit: 'MB', value: (record) => record.heapUsed, scale: megabytes, flatWithin: 0.05 },
    { name: 'external + array buffers', unit: 'MB', value: (record) => record.external, scale: megabytes, flatWithin: 0.05 },
    { name: 'tfjs tensors', unit: '', value: (record) => record.tensors, flatWithin: 0 },
    // The load generator's idle keep-alive sockets (up to one per concurrent request) come and go between windows.
    { name: 'active handles (sockets, timers, …)', unit: '', value: (record) => record.handles, flatWithin: 0, flatCount: concurrency },
    { name: 'event listeners (process, HTTP server)', unit: '', value: (record) => record.listeners, flatWithin: 0 },
    { name: 'cached recommendation lists', unit: '', value: (record) => record.cachedLists, flatWithin: 0 },
    { name: '… of which stale (their user has changed since)', unit: '', value: (record) => record.staleLists, flatWithin: 0 },
    { name: 'SQLite files', unit: 'MB', value: (record) => record.storeBytes, scale: megabytes, flatWithin: 0.05 },
    { name: '… of which the write-ahead log', unit: 'MB', value: (record) => record.walBytes, scale: megabytes, flatWithin: 0.05 },
  ];
  const growth = series.map((entry) => {
    const scale = entry.scale ?? ((value: number) => value);
    const first = measured[0] === undefined ? null : entry.value(measured[0]);
    const last = measured.at(-1) === undefined ? null : entry.value(measured.at(-1) as WindowRecord);
    const points = secondHalf.map((record) => entry.value(record));
    const perThousand = points.some((point) => point === null) ? null : slope(secondHalf.map((record) => record.requests), points as number[]) * 1000;
    const start = entry.value(windows[0] as WindowRecord);
    // Flat: the last window within the tolerance of the first (a share of memory, which the collector moves a little; a count for handles).
    const flat = first === null || last === null ? null : Math.abs(last - first) <= Math.max(entry.flatWithin * Math.abs(first), entry.flatCount ?? 0);
    return {
      name: entry.name,
      unit: entry.unit,
      start: start === null ? null : scale(start),
      first: first === null ? null : scale(first),
      last: last === null ? null : scale(last),
      perThousandSecondHalf: perThousand === null ? null : scale(perThousand),
      flat,
    };
  });

  const format = (value: number | null, digits = 2) => (value === null ? 'n/a' : Number(value.toFixed(digits)));
  // What the heap's growth is: the cached lists' (the pipeline keeps up to 10,000), at the bytes each added here.
  const firstMeasured = measured[0] as WindowRecord;
  const lastMeasured = measured.at(-1) as WindowRecord;
  const listsAdded = (lastMeasured.cachedLists ?? 0) - (firstMeasured.cachedLists ?? 0);
  const heapAdded = lastMeasured.heapUsed - firstMeasured.heapUsed;
  const bytesPerList = listsAdded > 0 ? heapAdded / listsAdded : null;
  const cacheCap = 10_000;
  const unexpectedTotal = measured.reduce((sum, record) => sum + Object.values(record.unexpected).reduce((inner, count) => inner + count, 0), 0);
  const markdown = [
    `# API soak: ${total} mixed requests, ${concurrency} at a time, measured every ${window}`,
    '',
    ...runHeader({
      command: scriptCommand('bench/api/soak.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; load average at start ${startedLoad.map((value) => value.toFixed(2)).join(' / ')}. Server (its own process) and load generator share the cores.`,
    }),
    `Served: ${dataset} (${users.length - acknowledged.users} users, ${items.length} items at the start), model ${model}, ${cacheMode === 'on' ? 'as `npm start` serves it (per-user list cache on, event-loop turns on)' : 'with the per-user list cache off (event-loop turns on)'}; a fresh copy of the seeded store. Load: ${total} requests in ${loadSeconds.toFixed(0)} s (${(total / loadSeconds).toFixed(0)} req/s), ${unexpectedTotal} answered other than 2xx or not at all.`,
    `Mix: ${Object.entries(kindsSent)
      .map(([kind, count]) => `${kind} ${count}`)
      .join(', ')}. Chat turns continue a session up to 5 turns (three in four) and name catalogue titles, genres and eras; new users rate and chat from then on.`,
    '',
    '## Per window',
    '',
    markdownTable(
      ['requests', 'RSS MB', 'heap MB', 'tensors', 'handles', 'listeners', 'cached lists (stale)', 'SQLite MB (WAL)', 'req/s', 'p50 ms', 'p99 ms', 'chat p50 ms', 'chat p99 ms'],
      windows.map((record) => [
        record.requests,
        format(megabytes(record.rss), 1),
        format(megabytes(record.heapUsed), 1),
        record.tensors,
        record.handles,
        record.listeners,
        record.cachedLists === null ? 'n/a' : `${record.cachedLists} (${record.staleLists ?? 'n/a'})`,
        `${format(megabytes(record.storeBytes), 2)} (${format(megabytes(record.walBytes), 2)})`,
        record.requests === 0 ? '' : Math.round(record.requestsPerSecond),
        record.requests === 0 ? '' : format(record.p50, 1),
        record.requests === 0 ? '' : format(record.p99, 1),
        record.requests === 0 ? '' : format(record.chatP50, 1),
        record.requests === 0 ? '' : format(record.chatP99, 1),
      ]),
      2,
    ),
    '',
    'Memory is read after a full collection (the server runs with `--expose-gc`) while the load is paused; handles are `process.getActiveResourcesInfo()` (the load generator keeps up to one socket per concurrent request open).',
    '',
    '## What grows',
    '',
    markdownTable(
      ['measure', 'unit', 'before any request', `after ${window}`, `after ${total}`, 'slope per 1,000 requests (second half)', 'flat'],
      growth.map((entry) => [entry.name, entry.unit, format(entry.start), format(entry.first), format(entry.last), format(entry.perThousandSecondHalf, 3), entry.flat === null ? 'n/a' : entry.flat ? 'yes' : 'no']),
      3,
    ),
    '',
    bytesPerList === null
      ? 'No recommendation list was cached after the first window.'
      : `The heap grew ${format(megabytes(heapAdded))} MB while ${listsAdded} lists were cached: ${format(bytesPerList / 1024, 1)} KB a list (with its serialised answer). The pipeline keeps one list per user and k, replaced by the user's next plain request once their events change, and at most ${cacheCap.toLocaleString('en')} (then drops the oldest), so it grows with the users who ask, not with the requests, and at this rate reaches at most about ${format(megabytes(bytesPerList * cacheCap), 0)} MB; ${lastMeasured.staleLists ?? 'n/a'} of the ${lastMeasured.cachedLists ?? 'n/a'} cached at the end are stale (their user rated, chatted or the catalogue changed since, and has not asked for a plain list again).`,
    '',
    '## Shutdown under load',
    '',
    `SIGTERM with ${held.length} requests in flight (chat turns and rating batches whose headers the server had read, their bodies sent 50 ms after the signal): answered ${JSON.stringify(shutdown.held)}; and 30 ms after a burst of ${burst.length} more sent at once: ${JSON.stringify(shutdown.burst)} (a 503 is one that reached a route after the stop began, a reset one the server had not yet accepted). All answered within ${shutdown.answeredMs.toFixed(0)} ms of the signal; the server closed in ${shutdown.closeMs === null ? 'n/a' : shutdown.closeMs.toFixed(0)} ms and the process exited by itself with code ${shutdown.exitCode} ${shutdown.exitMs.toFixed(0)} ms after the signal (active resources left after close: ${JSON.stringify(shutdown.resourcesAfterClose)}); lock removed: ${shutdown.lockLeft ? 'no' : 'yes'}; SQLite integrity check: ${shutdown.integrity}; users stored ${shutdown.users.stored} of ${shutdown.users.expected} acknowledged, messages ${shutdown.messages.stored} of ${shutdown.messages.expected}. ${shutdownOk ? 'Clean.' : 'NOT CLEAN.'}`,
  ].join('\n');
  const x = windows.map((record) => record.requests);
  const memoryChart = svgLineChart(
    x,
    [
      { name: 'RSS MB', values: windows.map((record) => megabytes(record.rss)) },
      { name: 'heap used MB', values: windows.map((record) => megabytes(record.heapUsed)) },
      { name: 'SQLite MB', values: windows.map((record) => megabytes(record.storeBytes)) },
    ],
    { title: `Server memory and store size over ${total} requests`, xLabel: 'requests', yLabel: 'MB', yMin: 0, width: 1200 },
  );
  const latencyChart = svgLineChart(
    x.slice(1),
    [
      { name: 'p50 ms', values: measured.map((record) => record.p50) },
      { name: 'p99 ms', values: measured.map((record) => record.p99) },
      { name: 'chat p99 ms', values: measured.map((record) => record.chatP99) },
    ],
    { title: `Latency per window of ${window} requests`, xLabel: 'requests', yLabel: 'ms', yMin: 0, width: 1200 },
  );
  const written = writeResults(outputDirectory, 'soak', {
    json: { startedAt: startedAt.toISOString(), loadAverage: startedLoad, total, window, concurrency, dataset, model, cache: cacheMode, seed, loadSeconds, mix: kindsSent, windows, growth, shutdown, shutdownOk },
    markdown,
    svgs: { '': memoryChart, latency: latencyChart },
  });
  console.log(`\n${markdown}\n\nwrote ${written.join(', ')}`);
  if (!shutdownOk) throw new PersonalabError('internal', 'the server did not shut down cleanly under load: see the shutdown section');
});
