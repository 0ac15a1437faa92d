/**
 * Throughput of the heuristic profile extractor on Persona-Chat valid (owner turns), in messages per second.
 *
 *   npx tsx --conditions=development bench/profile/run.ts [--repeats 5] [--out DIR]
 *
 * Only the headline run (the defaults) writes bench/results/profile; any other run writes under
 * $PERSONALAB_STATE_DIR/bench/profile-partial unless --out is given.
 *
 * Workloads, interleaved within each repeat so machine noise hits all of them alike: whole
 * dialogues at once with the default extractor (patterns + clause facts + persona filter) and with
 * patterns only (the extractor before clause facts and the filter), incremental (one message at a
 * time, each call updating the previous profile), one long history (every owner message as one user's, one call:
 * how merging scales with what a profile holds), pattern mining alone, and candidate generation
 * (patterns + clauses, no scoring). Reports the median and spread over repeats.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { cpus, loadavg } from 'node:os';
import { changedOptions, getConfig, machineLine, markdownTable, median, parseInteger, PersonalabError, resultsDirectory as chooseResultsDirectory, runHeader, runScript, scriptCommand, writeResults, type Message, type Profile } from '@personalab/core';
import { findDataset, howToGet, loadPersonaChat, personaChatToSession } from '@personalab/datasets';
import { HeuristicProfileExtractor, candidateStatements, mineStatements } from '@personalab/profile';

await runScript(async () => {
  const startedAt = new Date();
  const { values } = parseArgs({ options: { repeats: { type: 'string', default: '5' }, out: { type: 'string' } } });
  const repeats = parseInteger('--repeats', values.repeats, { min: 1 });
  const resultsDirectory = chooseResultsDirectory({
    out: values.out,
    committed: fileURLToPath(new URL('../results/profile/', import.meta.url)),
    changed: changedOptions({ repeats }, { repeats: 5 }),
    name: 'bench/profile-partial',
  });
  const config = getConfig();
  const directory = findDataset('persona-chat', { environmentDataDir: config.dataDir });
  if (!directory) throw new PersonalabError('not_found', `persona-chat not found: ${howToGet('persona-chat')}`);
  const { dialogues } = await loadPersonaChat(join(directory, 'valid_self_original_no_cands.txt'));
  const sessions = dialogues.map((dialogue) => personaChatToSession(dialogue, { user: 'self' }).messages);
  const ownerMessages = sessions.reduce((sum, messages) => sum + messages.filter((message) => message.role === 'user').length, 0);
  const extractor = new HeuristicProfileExtractor();
  const patternsOnly = new HeuristicProfileExtractor({ clauseFacts: false, filter: false });
  // Every owner message as one user's history, a minute apart: how merging scales with the statements a profile holds.
  const longHistory = sessions.flatMap((messages) => messages.filter((message) => message.role === 'user')).map((message, index) => ({ ...message, userId: 'long-history', timestamp: index * 60_000 }) as Message);

  const workloads: Record<string, () => Promise<number>> = {
    'whole dialogue per call': async () => {
      let facts = 0;
      for (const messages of sessions) facts += (await extractor.extract(messages)).facts.length;
      return facts;
    },
    'whole dialogue per call, patterns only (no clauses, no filter)': async () => {
      let facts = 0;
      for (const messages of sessions) facts += (await patternsOnly.extract(messages)).facts.length;
      return facts;
    },
    'incremental (one message per call)': async () => {
      let facts = 0;
      for (const messages of sessions) {
        let profile: Profile | undefined;
        for (const message of messages) {
          if (message.role !== 'user') continue;
          profile = await extractor.extract([message as Message], profile ? { previous: profile } : {});
        }
        facts += profile?.facts.length ?? 0;
      }
      return facts;
    },
    'one long history (every owner message as one user\'s, one call)': async () => (await extractor.extract(longHistory)).facts.length,
    'statement mining only': async () => {
      let statements = 0;
      for (const messages of sessions) for (const message of messages) if (message.role === 'user') statements += mineStatements(message.content).length;
      return statements;
    },
    'candidate statements only (patterns + clauses)': async () => {
      let statements = 0;
      for (const messages of sessions) for (const message of messages) if (message.role === 'user') statements += candidateStatements(message.content).length;
      return statements;
    },
  };

  // One warm-up pass so JIT compilation is not timed.
  for (const run of Object.values(workloads)) await run();
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(workloads).map((name) => [name, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [name, run] of Object.entries(workloads)) {
      const started = performance.now();
      await run();
      samples[name]?.push(ownerMessages / ((performance.now() - started) / 1000));
    }
  }
  const rows = Object.entries(samples).map(([name, rates]) => ({ workload: name, medianMessagesPerSecond: median(rates), min: Math.min(...rates), max: Math.max(...rates), repeats: rates.length }));
  const environment = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', loadAverage1m: loadavg()[0], note: 'shared machine: other engineers ran builds and tests at the same time' };
  const markdown = [
    '# Heuristic profile extractor throughput (Persona-Chat valid, owner turns)',
    '',
    ...runHeader({
      command: scriptCommand('bench/profile/run.ts'),
      date: startedAt,
      machine: `${machineLine()}, load ${environment.loadAverage1m?.toFixed(2)} at the end; ${environment.note}.`,
    }),
    `${dialogues.length} dialogues, ${ownerMessages} owner messages per pass; ${repeats} interleaved repeats after one warm-up.`,
    '',
    markdownTable(['workload', 'median messages/s', 'min', 'max', 'repeats'], rows.map((row) => [row.workload, Math.round(row.medianMessagesPerSecond), Math.round(row.min), Math.round(row.max), row.repeats])),
  ].join('\n');
  const written = writeResults(resultsDirectory, 'heuristic-throughput', { json: { date: startedAt.toISOString(), dialogues: dialogues.length, ownerMessages, rows, environment }, markdown });
  console.log(markdown);
  console.error(`wrote ${written.join(', ')}`);
});
