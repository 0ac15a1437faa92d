/**
 * API load benchmark (autocannon, 50 connections): `GET /v1/users/:id/recommendations` and a chat turn (`POST /v1/chat`) beside bare
 * routes on the same server process, interleaved rounds, medians. The server runs in a child
 * process (bench/api/server.ts) so the load generator does not share its event loop.
 * Two servers are measured in turn: the default one (per-user result cache on, as `npm start`
 * runs) and one with the cache off (every request runs the whole pipeline).
 *
 *   npx tsx --conditions=development bench/api/run.ts [--seconds 10] [--rounds 3] [--connections 50] [--dataset auto] [--model NAME] [--out DIR]
 *
 * Only the headline run (the defaults) writes bench/results/api; any other run writes under
 * $PERSONALAB_STATE_DIR/bench/api-partial unless --out is given.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { machineLine, markdownTable, median, runHeader, runScript, scriptCommand, svgBarChart, writeResults } from '@personalab/core';
import { candidateModelName, defaultCandidateModel } from '@personalab/user-embedding';
import { benchDatasetName, benchStateFolder, chatBody, loadOptions, startBenchServer, type BenchServer } from './bench-server.js';

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string', default: '10' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '50' },
      dataset: { type: 'string', default: 'auto' },
      // The served candidate model (`candidateModels`: `context-ease`, the main job's default, or `page-ease`).
      model: { type: 'string', default: defaultCandidateModel },
      out: { type: 'string' },
    },
  });
  // Checked here too, before any server starts.
  candidateModelName(values.model, '--model');
  benchDatasetName(values.dataset);
  const { seconds, rounds, connections, outputDirectory } = loadOptions(values, {
    name: 'bench/api-partial',
    others: { dataset: values.dataset, model: values.model },
    headlineOthers: { dataset: 'auto', model: defaultCandidateModel },
  });

  // One state folder per data set and model: a store keeps the data it was seeded with, whatever --dataset says.
  const state = benchStateFolder(`api-${values.dataset}-${values.model}`);
  const startServer = (cache: 'on' | 'off') => startBenchServer(['--dataset', values.dataset, '--cache', cache, '--model', values.model, '--state', state]);

  interface Measurement {
    requestsPerSecond: number;
    p50: number;
    p99: number;
    errors: number;
    non2xx: number;
    requests: number;
  }

  async function measure(server: BenchServer, path: string | 'recommendations' | 'chat', duration: number): Promise<Measurement> {
    let next = 0;
    const result = await autocannon({
      url: `http://127.0.0.1:${server.port}`,
      connections,
      duration,
      headers: { authorization: `Bearer ${server.apiKey}` },
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const turn = next++;
            const userId = server.users[turn % server.users.length] as string;
            if (path === 'chat') {
              return { ...request, method: 'POST', path: '/v1/chat', body: chatBody(server, turn), headers: { ...request.headers, 'content-type': 'application/json' } };
            }
            return { ...request, path: path === 'recommendations' ? `/v1/users/${encodeURIComponent(userId)}/recommendations?k=5` : path };
          },
        },
      ],
    });
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.timeouts,
      non2xx: result.non2xx,
      requests: result.requests.total,
    };
  }

  const routes = [
    { name: 'bare (public, no hooks)', path: '/bench/bare' },
    { name: 'bare (/v1: key + rate limit)', path: '/v1/bench/bare' },
    { name: 'recommendations', path: 'recommendations' },
    // A chat turn: constraints read, profile updated and the turn written to the store, then the pipeline (never
    // cached). It changes the user's version, so its rounds come after all the others: interleaved, they would
    // invalidate the cached lists the recommendations route is measured on.
    { name: 'chat turn (POST /v1/chat)', path: 'chat', last: true },
  ] as const;

  interface ModeResult {
    cache: 'on' | 'off';
    users: number;
    rounds: Record<string, Measurement[]>;
    medians: Record<string, Measurement>;
  }

  const modes: ModeResult[] = [];
  const startedAt = new Date();
  const startedLoad = loadavg();
  for (const cache of ['on', 'off'] as const) {
    const server = await startServer(cache);
    console.log(`server up (cache ${cache}), ${server.users.length} users; warming up`);
    // Warm-up: every user's list once (8 at a time), then JIT and the SQLite page cache under load.
    for (let start = 0; start < server.users.length; start += 8) {
      await Promise.all(
        server.users.slice(start, start + 8).map((userId) =>
          fetch(`http://127.0.0.1:${server.port}/v1/users/${encodeURIComponent(userId)}/recommendations?k=5`, { headers: { authorization: `Bearer ${server.apiKey}` } }).then((response) => response.arrayBuffer()),
        ),
      );
    }
    await measure(server, 'recommendations', Math.max(3, Math.round(seconds / 2)));
    await measure(server, '/bench/bare', 2);
    const perRoute: Record<string, Measurement[]> = Object.fromEntries(routes.map((route) => [route.name, []]));
    for (const last of [false, true]) {
      for (let round = 0; round < rounds; round++) {
        for (const route of routes.filter((entry) => ('last' in entry && entry.last) === last)) {
          const result = await measure(server, route.path, seconds);
          perRoute[route.name]?.push(result);
          console.log(`cache ${cache} round ${round + 1} ${route.name}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, errors ${result.errors}, non-2xx ${result.non2xx}`);
        }
      }
    }
    const medians = Object.fromEntries(
      Object.entries(perRoute).map(([name, list]) => [
        name,
        {
          requestsPerSecond: median(list.map((entry) => entry.requestsPerSecond)),
          p50: median(list.map((entry) => entry.p50)),
          p99: median(list.map((entry) => entry.p99)),
          errors: list.reduce((sum, entry) => sum + entry.errors, 0),
          non2xx: list.reduce((sum, entry) => sum + entry.non2xx, 0),
          requests: list.reduce((sum, entry) => sum + entry.requests, 0),
        },
      ]),
    );
    modes.push({ cache, users: server.users.length, rounds: perRoute, medians });
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
  }

  const rows = modes.flatMap((mode) => {
    const bare = mode.medians['bare (public, no hooks)'] as Measurement;
    const bareV1 = mode.medians['bare (/v1: key + rate limit)'] as Measurement;
    return routes.map((route) => {
      const entry = mode.medians[route.name] as Measurement;
      return [
        `cache ${mode.cache}`,
        route.name,
        Math.round(entry.requestsPerSecond),
        entry.p50,
        entry.p99,
        entry.errors + entry.non2xx,
        entry.requestsPerSecond / bare.requestsPerSecond,
        entry.requestsPerSecond / bareV1.requestsPerSecond,
      ];
    });
  });
  const markdown = [
    `# API load: recommendations vs a bare route (autocannon, ${connections} connections, ${rounds} interleaved rounds × ${seconds} s, medians)`,
    '',
    ...runHeader({
      command: scriptCommand('bench/api/run.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; load average at start ${startedLoad.map((value) => value.toFixed(2)).join(' / ')}. Server and load generator are separate processes on the same cores.`,
    }),
    markdownTable(['server', 'route', 'req/s', 'p50 ms', 'p99 ms', 'errors + non-2xx', '÷ bare public', '÷ bare /v1'], rows, 2),
    '',
    `Targets: recommendations ≥ 40% of the bare route's throughput, p99 ≤ 25 ms, no errors. A chat turn (a new session per request, users and four messages in rotation, measured after the other routes' rounds) writes the message and the profile to the store and runs the whole pipeline whatever the cache; it has no target.`,
    `Users rotated round-robin over ${modes[0]?.users ?? 0} users. "cache on" is how \`npm start\` runs (a user's list is computed once per change of their events and then served from memory); "cache off" runs the whole pipeline (candidates, re-rank, explanations) on every request.`,
  ].join('\n');
  const chart = svgBarChart(
    routes.map((route) => route.name),
    modes.map((mode) => ({ name: `cache ${mode.cache}`, values: routes.map((route) => (mode.medians[route.name] as Measurement).requestsPerSecond) })),
    { title: `Requests/s at ${connections} connections (median of ${rounds})`, yLabel: 'requests/s' },
  );
  const written = writeResults(outputDirectory, 'api', {
    json: { startedAt: startedAt.toISOString(), connections, seconds, rounds, loadAverage: startedLoad, cpus: cpus().length, modes },
    markdown,
    svgs: { '': chart },
  });
  console.log(`\n${markdown}\n\nwrote ${written.join(', ')}`);
});
