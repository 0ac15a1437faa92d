/**
 * Every committed result, the command that makes it, and a check that the code still makes it.
 *
 *   npx tsx --conditions=development experiments/reproduce/run.ts list
 *   npx tsx --conditions=development experiments/reproduce/run.ts run NAME... [--dry-run]
 *   npx tsx --conditions=development experiments/reproduce/run.ts check NAME... [--keep] [--dry-run]
 *   npx tsx --conditions=development experiments/reproduce/run.ts diff A B
 *
 * (or `npm run -s reproduce -- …`). NAME is an entry of `list`, or `experiments` (every seeded experiment),
 * `benches` (every benchmark), `all` (both).
 *
 * list   the committed results files, what each measures, its command and its last wall time on this machine.
 * run    runs the headline commands one after another, writing the committed folders (as each command does).
 * check  runs each experiment into a temporary folder, with a fresh $PERSONALAB_STATE_DIR (nothing resumed), and
 *        compares its Markdown tables and text with the committed files, timings aside: exit 0 when every number is
 *        as committed, 1 when one moved (each difference named by table, row and column; the fresh files are kept).
 *        Benchmarks are refused (with `all`, skipped): their numbers are this machine's speed.
 * diff   the same comparison between two results files, or two folders of them.
 *
 * --dry-run prints the commands instead of running them: for `run` the headline commands, for `check` shell lines that do
 * what the check does (inputs copied into a temporary folder, results written there, a fresh state dir), never one that
 * writes the committed folder.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PersonalabError, runScript } from '@personalab/core';
import { describeDifference } from './compare.js';
import { entryCommand } from './manifest.js';
import { checkCommand, checkEntry, checkPassed, describeCheck, diffPaths, listing, notCheckable, runArgv, selectEntries } from './reproduce.js';

await runScript(async () => {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { keep: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false } },
  });
  const [action = 'list', ...names] = positionals;
  // The commands and the committed paths are the repository root's: run from there wherever this was started (the paths
  // given to `diff` are the caller's).
  const invokedFrom = process.cwd();
  process.chdir(fileURLToPath(new URL('../..', import.meta.url)));
  // `… list | head`: a reader that has gone ends list and diff quietly, as cat or grep do; run and check go on (their
  // work is the files they write), their lines to stdout dropped.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    if (action === 'list' || action === 'diff') process.exit(0);
  });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());

  if (action === 'list') {
    if (names.length > 0) throw new PersonalabError('invalid_argument', '`list` takes no names');
    console.log(listing());
    return;
  }
  if (action === 'diff') {
    if (names.length !== 2) throw new PersonalabError('invalid_argument', '`diff` takes two paths: A B');
    const { pairs } = diffPaths(resolve(invokedFrom, names[0]!), resolve(invokedFrom, names[1]!));
    let differ = false;
    for (const pair of pairs) {
      if (pair.b === undefined) {
        differ = true;
        console.log(`${pair.a}: no file of that name in ${names[1]}`);
      } else if (pair.differences.length === 0) {
        console.log(`${pair.a}: identical, timings aside`);
      } else {
        differ = true;
        console.log(`${pair.a}: ${pair.differences.length} difference${pair.differences.length === 1 ? '' : 's'}`);
        for (const difference of pair.differences) console.log(`  ${describeDifference(difference).replace(/\n/g, '\n  ')}`);
      }
    }
    process.exitCode = differ ? 1 : 0;
    return;
  }
  if (action !== 'run' && action !== 'check') throw new PersonalabError('invalid_argument', `unknown action "${action}": list, run, check or diff`);

  const entries = selectEntries(names);
  if (action === 'check') {
    const refused = entries.filter((entry) => entry.kind !== 'experiment');
    if (refused.length > 0 && names.every((name) => name !== 'all')) {
      throw new PersonalabError('invalid_argument', refused.map((entry) => `"${entry.name}" ${notCheckable(entry)}`).join('; '));
    }
  }
  const chosen = action === 'check' ? entries.filter((entry) => entry.kind === 'experiment') : entries;
  const minutes = chosen.reduce((sum, entry) => sum + (entry.minutes ?? 0), 0);
  const unknown = chosen.filter((entry) => entry.minutes === undefined).length;
  console.error(`${action}: ${chosen.map((entry) => entry.name).join(', ')} (about ${Math.ceil(minutes)} min${unknown > 0 ? ` plus ${unknown} not yet timed` : ''})`);
  if (values['dry-run']) {
    // `check` runs each command into a temporary folder with a fresh state dir, then compares with the committed files.
    if (action === 'check') console.error('from the repository root, each runs into a temporary folder with a fresh state dir; check then compares its tables with the committed files');
    for (const entry of chosen) console.log(action === 'check' ? checkCommand(entry) : entryCommand(entry));
    return;
  }

  let failed = 0;
  for (const entry of chosen) {
    if (controller.signal.aborted) break;
    if (action === 'run') {
      console.error(`\n▶ ${entry.name}: ${entryCommand(entry)}`);
      const code = await runArgv(entry.argv ?? [], { signal: controller.signal }).then(
        (result) => result.code,
        (error: unknown) => {
          if (controller.signal.aborted) return 130;
          throw error;
        },
      );
      if (code !== 0) {
        failed++;
        console.error(`${entry.name}: exit ${code}`);
      }
      continue;
    }
    console.error(`\n▶ check ${entry.name}`);
    const result = await checkEntry(entry, { keep: values.keep, signal: controller.signal });
    console.log(describeCheck(result));
    if (!checkPassed(result)) failed++;
  }
  if (controller.signal.aborted) throw new PersonalabError('cancelled', 'interrupted: the entries before this one are done');
  if (failed > 0) {
    console.error(`${failed} of ${chosen.length} ${action === 'check' ? 'differ or failed' : 'failed'}`);
    process.exitCode = 1;
  }
});
