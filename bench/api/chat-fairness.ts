/**
 * Chat turns at saturation, with and without event-loop turns (`EventLoopTurns` in apps/recommender): autocannon opens
 * its connections at once against `POST /v1/chat`, a saturated server; how long do the last connections wait, and how
 * evenly are the answers shared, and does a health check that connects meanwhile get answered? Two servers of the main job (same data, model and stack as `npm start`, cache on)
 * run side by side, one with `--turns on` (as served) and one with `--turns off`; rounds alternate between them.
 *
 *   npx tsx --conditions=development bench/api/chat-fairness.ts [--seconds 10] [--rounds 3] [--connections 50] [--out DIR]
 *
 * Only the headline run (the defaults) writes bench/results/api; any other run writes under
 * $PERSONALAB_STATE_DIR/bench/chat-fairness-partial unless --out is given.
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { benchStateFolder, chatBody, loadOptions, startBenchServer, type BenchServer } from './bench-server.js';
import { machineLine, markdownTable, median, runHeader, runScript, scriptCommand, svgBarChart, writeResults } from '@personalab/core';

await runScript(async () => {
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, rounds: { type: 'string', default: '3' }, connections: { type: 'string', default: '50' }, out: { type: 'string' } } });
  const { seconds, rounds, connections, outputDirectory } = loadOptions(values, { name: 'bench/chat-fairness-partial' });

  const startServer = (turns: 'on' | 'off', state: string) => startBenchServer(['--turns', turns, '--state', state]);

  interface Round {
    requestsPerSecond: number;
    p50: number;
    p99: number;
    max: number;
    timeouts: number;
    /** Answers per connection over the round, fewest and most (a connection never answered counts 0). */
    fewestAnswers: number;
    mostAnswers: number;
    /** When the last connection got its first answer, in seconds from the start. */
    lastFirstAnswer: number;
    /** `GET /healthz` over one connection opened during the load: answers, and their latency (ms; 0 when none). */
    healthAnswers: number;
    healthP50: number;
    healthP99: number;
  }

  async function measure(server: BenchServer): Promise<Round> {
    let next = 0;
    const answers = new Map<object, number>();
    const firstAnswer = new Map<object, number>();
    const started = performance.now();
    const instance = autocannon({
      url: `http://127.0.0.1:${server.port}`,
      connections,
      duration: seconds,
      headers: { authorization: `Bearer ${server.apiKey}` },
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const turn = next++;
            return { ...request, method: 'POST', path: '/v1/chat', body: chatBody(server, turn), headers: { ...request.headers, 'content-type': 'application/json' } };
          },
        },
      ],
    });
    instance.on('response', (client: object) => {
      answers.set(client, (answers.get(client) ?? 0) + 1);
      if (!firstAnswer.has(client)) firstAnswer.set(client, (performance.now() - started) / 1000);
    });
    // A health check that connects while the chat load runs (as a load balancer's would): one connection, from a fifth
    // of the round to a fifth before its end. A server that never accepts it looks dead to the balancer.
    const healthSeconds = Math.max(1, Math.round((seconds * 3) / 5));
    await new Promise((resolve) => setTimeout(resolve, (seconds * 1000) / 5));
    const health = await autocannon({ url: `http://127.0.0.1:${server.port}/healthz`, connections: 1, duration: healthSeconds });
    const result = await instance;
    const counts = [...answers.values()];
    const unanswered = connections - counts.length;
    return {
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      timeouts: result.timeouts + result.errors,
      fewestAnswers: unanswered > 0 ? 0 : Math.min(...counts),
      mostAnswers: Math.max(0, ...counts),
      lastFirstAnswer: unanswered > 0 ? Number.POSITIVE_INFINITY : Math.max(...firstAnswer.values()),
      healthAnswers: health.requests.total,
      healthP50: health.latency.p50,
      healthP99: health.latency.p99,
    };
  }

  const startedAt = new Date();
  const startedLoad = loadavg();
  // Two state folders (one server per folder: server.lock); each trains its model on its first start, then loads it.
  const servers = { on: await startServer('on', benchStateFolder('chat-fairness-on')), off: await startServer('off', benchStateFolder('chat-fairness-off')) };
  const results: Record<'on' | 'off', Round[]> = { on: [], off: [] };
  try {
    // A short warm-up of each (JIT, SQLite page cache), not measured.
    for (const mode of ['on', 'off'] as const) await measure(servers[mode]);
    for (let round = 0; round < rounds; round++) {
      for (const mode of round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const)) {
        const measured = await measure(servers[mode]);
        results[mode].push(measured);
        console.log(
          `round ${round + 1} turns ${mode}: ${measured.requestsPerSecond.toFixed(0)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, max ${measured.max} ms, timeouts ${measured.timeouts}, answers per connection ${measured.fewestAnswers}–${measured.mostAnswers}, last first answer ${measured.lastFirstAnswer.toFixed(1)} s; health checks ${measured.healthAnswers} (p50 ${measured.healthP50} ms, p99 ${measured.healthP99} ms)`,
        );
      }
    }
  } finally {
    for (const server of Object.values(servers)) server.child.kill('SIGTERM');
  }

  const summary = (list: Round[]) => ({
    requestsPerSecond: median(list.map((entry) => entry.requestsPerSecond)),
    p50: median(list.map((entry) => entry.p50)),
    p99: median(list.map((entry) => entry.p99)),
    max: median(list.map((entry) => entry.max)),
    timeouts: list.reduce((sum, entry) => sum + entry.timeouts, 0),
    fewestAnswers: Math.min(...list.map((entry) => entry.fewestAnswers)),
    mostAnswers: Math.max(...list.map((entry) => entry.mostAnswers)),
    lastFirstAnswer: median(list.map((entry) => entry.lastFirstAnswer)),
    healthAnswers: median(list.map((entry) => entry.healthAnswers)),
    healthP50: median(list.map((entry) => entry.healthP50)),
    healthP99: median(list.map((entry) => entry.healthP99)),
  });
  const medians = { on: summary(results.on), off: summary(results.off) };
  const rows = (['on', 'off'] as const).map((mode) => {
    const entry = medians[mode];
    return [
      mode === 'on' ? 'turns on (as served)' : 'turns off',
      Math.round(entry.requestsPerSecond),
      entry.p50,
      entry.p99,
      entry.max,
      entry.timeouts,
      `${entry.fewestAnswers}–${entry.mostAnswers}`,
      Number.isFinite(entry.lastFirstAnswer) ? entry.lastFirstAnswer.toFixed(1) : 'never',
      entry.healthAnswers,
      entry.healthAnswers > 0 ? `${entry.healthP50} / ${entry.healthP99}` : '—',
    ];
  });
  const markdown = [
    `# Chat turns at saturation: event-loop turns on and off (autocannon, ${connections} connections, ${rounds} alternating rounds × ${seconds} s, medians)`,
    '',
    ...runHeader({
      command: scriptCommand('bench/api/chat-fairness.ts'),
      date: startedAt,
      machine: `${machineLine()}, shared with other engineers' jobs; load average at start ${startedLoad.map((value) => value.toFixed(2)).join(' / ')}. Servers and load generator share the cores; only one server is loaded at a time.`,
    }),
    markdownTable(['server', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'timeouts + errors (all rounds)', 'answers per connection (fewest–most, all rounds)', 'last connection\'s first answer (s)', 'health checks answered', 'health p50 / p99 ms'], rows, 2),
    '',
    `\`POST /v1/chat\` with a new session per request, users and four messages in rotation (as bench/api/run.ts), against two servers of the main job side by side (cache on, as \`npm start\`), one taking event-loop turns for heavy requests (as served) and one running them as they arrive (\`--turns off\`). autocannon opens its ${connections} connections at once, so a round starts with all of them waiting to be accepted by a saturated server.`,
    `A health check (\`GET /healthz\`, one connection, as a load balancer's) connects a fifth into each round and runs for ${Math.max(1, Math.round((seconds * 3) / 5))} s; its answers and latency are the medians over rounds.`,
    'Why it matters: since libuv 1.45 (Node 20) a server accepts one pending connection per event-loop iteration, and without turns an iteration runs every ready chat turn, so late connections wait many long iterations for their accept.',
  ].join('\n');
  const chart = svgBarChart(
    ['p50 ms', 'p99 ms', 'max ms'],
    (['on', 'off'] as const).map((mode) => ({ name: `turns ${mode}`, values: [medians[mode].p50, medians[mode].p99, medians[mode].max] })),
    { title: `Chat turn latency at ${connections} connections (median of ${rounds} rounds)`, yLabel: 'ms' },
  );
  const written = writeResults(outputDirectory, 'chat-fairness', {
    json: { startedAt: startedAt.toISOString(), connections, seconds, rounds, loadAverage: startedLoad, cpus: cpus().length, perRound: results, medians },
    markdown,
    svgs: { '': chart },
  });
  console.log(`\n${markdown}\n\nwrote ${written.join(', ')}`);
});
