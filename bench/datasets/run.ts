/**
 * Data set benchmark: time to load and validate MovieLens 100K, Persona-Chat valid, Synthetic-Persona-Chat valid and
 * the PersonaMem 32k questions, and to generate a 100,000-user synthetic world (plus conversations and ground-truth
 * profiles for 1,000 of its users, which are generated lazily). Tasks run interleaved, round after round; medians.
 * Writes bench/results/datasets/datasets.{json,md,svg}.
 *
 *   npx tsx --conditions=development bench/datasets/run.ts [--runs 5] [--world-runs 3] [--users 100000] [--out DIR]
 *
 * Only the headline run (the defaults) writes bench/results/datasets; any other run writes under
 * $PERSONALAB_STATE_DIR/bench/datasets-partial unless --out is given.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { changedOptions, machineLine, markdownTable, median, parseInteger, PersonalabError, resultsDirectory, runHeader, runScript, scriptCommand, svgBarChart, writeResults } from '@personalab/core';
import {
  countTurnPairs,
  findDataset,
  generateSyntheticWorld,
  howToGet,
  loadMovieLens100k,
  loadPersonaChat,
  loadPersonaMemQuestions,
  loadSyntheticPersonaChat,
  syntheticGroundTruthProfile,
  syntheticSessions,
  type DatasetName,
} from '@personalab/datasets';

await runScript(async () => {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '5' },
      'world-runs': { type: 'string', default: '3' },
      users: { type: 'string', default: '100000' },
      out: { type: 'string' },
    },
  });
  const runs = parseInteger('--runs', values.runs, { min: 1 });
  const worldRuns = parseInteger('--world-runs', values['world-runs'], { min: 0 });
  const worldUsers = parseInteger('--users', values.users, { min: 1 });
  const changed = changedOptions({ runs, 'world-runs': worldRuns, users: worldUsers }, { runs: 5, 'world-runs': 3, users: 100_000 });
  const outputDirectory = resultsDirectory({ out: values.out, committed: join(import.meta.dirname, '..', 'results', 'datasets'), changed, name: 'bench/datasets-partial' });
  const headline = values.out === undefined && changed.length === 0;
  /** Data sets not found, as the sentence the results print. */
  const skipped: string[] = [];

  interface Task {
    name: string;
    /** Runs the task once; returns a short description of what it produced (checked to be the same every run). */
    run(): Promise<string>;
    rounds: number;
  }

  function dataset(name: DatasetName): string | undefined {
    const directory = findDataset(name);
    if (directory) return directory;
    // The headline run would replace the committed table with one that lacks this row (it had, saying so only on stderr).
    if (headline) throw new PersonalabError('not_found', `${name} not found (${howToGet(name)}); the headline run writes bench/results/datasets and needs it: give --out DIR to run without it`);
    const note = `${name} not found, its timing is skipped: ${howToGet(name)}`;
    console.warn(note);
    skipped.push(note);
    return undefined;
  }

  const tasks: Task[] = [];
  const movieLens = dataset('movielens-100k');
  if (movieLens)
    tasks.push({
      name: 'MovieLens 100K: load + validate u.data, u.item, u.user',
      rounds: runs,
      run: async () => {
        const data = await loadMovieLens100k(movieLens);
        return `${data.ratings.length} ratings, ${data.users.length} users, ${data.items.length} items`;
      },
    });
  const personaChat = dataset('persona-chat');
  if (personaChat)
    tasks.push({
      name: 'Persona-Chat valid (both): load + validate',
      rounds: runs,
      run: async () => {
        const { dialogues } = await loadPersonaChat(join(personaChat, 'valid_both_original_no_cands.txt'));
        return `${dialogues.length} dialogues, ${countTurnPairs(dialogues)} turn pairs`;
      },
    });
  const synthetic = dataset('synthetic-persona-chat');
  if (synthetic)
    tasks.push({
      name: 'Synthetic-Persona-Chat valid: load + validate',
      rounds: runs,
      run: async () => {
        const { conversations } = await loadSyntheticPersonaChat(join(synthetic, 'Synthetic-Persona-Chat_valid.csv'));
        return `${conversations.length} conversations`;
      },
    });
  const personaMem = dataset('personamem-32k');
  if (personaMem)
    tasks.push({
      name: 'PersonaMem 32k questions: load + validate',
      rounds: runs,
      run: async () => {
        const { questions } = await loadPersonaMemQuestions(join(personaMem, 'questions_32k.csv'));
        return `${questions.length} questions`;
      },
    });
  tasks.push({
    name: `Synthetic world: ${worldUsers.toLocaleString('en-US')} users, 2,000 items (users, items, ratings, hidden profiles)`,
    rounds: worldRuns,
    run: async () => {
      const world = generateSyntheticWorld({ seed: 1, users: worldUsers, items: 2000 });
      return `${world.users.length} users, ${world.items.length} items, ${world.ratings.length} ratings`;
    },
  });
  tasks.push({
    name: 'Synthetic world: conversations + ground-truth profiles of 1,000 users (lazy part)',
    rounds: runs,
    run: async () => {
      // A fresh world each round: conversations are cached per world.
      const world = generateSyntheticWorld({ seed: 2, users: 1000, items: 2000 });
      let messages = 0;
      for (const user of world.users) {
        messages += syntheticSessions(world, user.id).reduce((sum, session) => sum + session.messages.length, 0);
        syntheticGroundTruthProfile(world, user.id);
      }
      return `${messages} messages`;
    },
  });

  const timings = new Map<string, number[]>(tasks.map((task) => [task.name, []]));
  const outputs = new Map<string, string>();
  const started = Date.now();
  const loadBefore = loadavg()[0] ?? 0;
  const maxRounds = Math.max(...tasks.map((task) => task.rounds));
  for (let round = 0; round < maxRounds; round++) {
    for (const task of tasks) {
      if (round >= task.rounds) continue;
      const start = performance.now();
      const output = await task.run();
      const elapsed = (performance.now() - start) / 1000;
      timings.get(task.name)?.push(elapsed);
      const previous = outputs.get(task.name);
      if (previous !== undefined && previous !== output) throw new Error(`${task.name} produced different results across runs: ${previous} vs ${output}`);
      outputs.set(task.name, output);
      console.log(`round ${round + 1}: ${task.name}: ${elapsed.toFixed(3)} s (${output})`);
    }
  }
  const loadAfter = loadavg()[0] ?? 0;

  const results = tasks.map((task) => {
    const times = timings.get(task.name) ?? [];
    return { task: task.name, output: outputs.get(task.name) ?? '', runs: times.length, medianSeconds: median(times), minSeconds: Math.min(...times), maxSeconds: Math.max(...times), seconds: times };
  });
  const environment = {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadAfter,
    date: new Date(started).toISOString(),
    note: 'Shared 2-core machine with other engineers running tests and benchmarks at the same time; timings are noisy, medians reported.',
  };
  const table = markdownTable(
    ['task', 'result', 'runs', 'median s', 'min s', 'max s'],
    results.map((result) => [result.task, result.output, result.runs, result.medianSeconds, result.minSeconds, result.maxSeconds]),
    3,
  );
  const markdown = [
    '# Data set loading and synthetic world generation',
    '',
    ...runHeader({
      command: scriptCommand('bench/datasets/run.ts'),
      date: new Date(started),
      machine: `${machineLine()}, load average ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after. ${environment.note}`,
    }),
    table,
    '',
    ...skipped.flatMap((note) => [note, '']),
    'Every load streams and validates every row with zod; the world times include users, items, ratings and hidden profiles (conversations are generated lazily and timed separately).',
  ].join('\n');
  const chart = svgBarChart(
    results.map((_, index) => `#${index + 1}`),
    [{ name: 'median seconds', values: results.map((result) => result.medianSeconds) }],
    { title: 'Data set benchmark (median seconds; numbering as in the table)', yLabel: 'seconds', references: [{ label: 'world target', value: 60 }] },
  );
  const written = writeResults(outputDirectory, 'datasets', { json: { environment, results, skipped }, markdown, svgs: { '': chart } });
  console.log(`\n${table}\n\nwritten: ${written.join(', ')}`);
});
