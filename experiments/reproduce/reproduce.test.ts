import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compareResults, isTimingColumn, parseResults, withoutTimings } from './compare.js';
import { argvWithOut, entryCommand, manifest, type ManifestEntry } from './manifest.js';
import { checkCommand, checkEntry, checkPassed, describeCheck, diffPaths, selectEntries } from './reproduce.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

const committed = `# Chat-Rec

Command: \`npx tsx --conditions=development experiments/chatrec/run.ts\`

Date: 2026-11-27T18:12:59Z

| ranker | NDCG@5 | users | note | seconds |
| --- | ---: | ---: | --- | ---: |
| EASE (λ=500) | 0.5107 | 943 | baseline | 12.4 |
| pipeline | 0.5245 | 943 | top 20 → 5; 3.5 ms/user | 40.1 |
| a \\| b | 0.1 | 1 | escaped | 1 |

Offline re-ranking lifts NDCG@5 by 0.7% in 41.2 s (load 1.2 to 1.9).
`;

describe('compareResults', () => {
  it('finds nothing but timings between two runs of the same code', () => {
    const rerun = committed
      .replace('2026-11-27T18:12:59Z', '2026-11-28T01:00:00Z')
      .replace('12.4', '15.0')
      .replace('40.1', '39.9')
      .replace('3.5 ms/user', '4.1 ms/user')
      .replace('41.2 s (load 1.2 to 1.9)', '44.0 s (load 0.3 to 0.5)');
    expect(compareResults(committed, rerun)).toEqual([]);
  });

  it('names the table, row and column of a metric that moved', () => {
    expect(compareResults(committed, committed.replace('0.5245', '0.5251'))).toEqual([
      { kind: 'cell', heading: 'Chat-Rec', row: 'pipeline', column: 'NDCG@5', committed: '0.5245', fresh: '0.5251' },
    ]);
    // a note's words count, its timing does not
    expect(compareResults(committed, committed.replace('top 20 → 5; 3.5 ms/user', 'top 30 → 5; 3.5 ms/user'))).toHaveLength(1);
  });

  it('reports rows and tables that appear or go, and prose whose numbers moved', () => {
    const withRow = committed.replace('| a \\| b |', '| new model | 0.6 | 943 | – | 3 |\n| a \\| b |');
    expect(compareResults(committed, withRow)).toEqual([{ kind: 'row-added', heading: 'Chat-Rec', row: 'new model' }]);
    expect(compareResults(withRow, committed)).toEqual([{ kind: 'row-removed', heading: 'Chat-Rec', row: 'new model' }]);
    const renamed = committed.replace('| ranker | NDCG@5 |', '| ranker | NDCG@10 |');
    expect(compareResults(committed, renamed).map((difference) => difference.kind)).toEqual(['table-removed', 'table-added']);
    expect(compareResults(committed, committed.replace('by 0.7%', 'by 0.9%'))).toEqual([
      { kind: 'text', committed: 'Offline re-ranking lifts NDCG@5 by 0.7% in 41.2 s (load 1.2 to 1.9).', fresh: 'Offline re-ranking lifts NDCG@5 by 0.9% in 41.2 s (load 1.2 to 1.9).' },
    ]);
  });

  it('reads escaped pipes inside cells and repeated row labels', () => {
    const parsed = parseResults(committed);
    expect(parsed.tables[0]!.rows[2]![0]).toBe('a | b');
    const twice = '| seed | NDCG |\n| --- | ---: |\n| 42 | 0.5 |\n| 42 | 0.6 |\n';
    expect(compareResults(twice, twice.replace('0.6', '0.7'))).toEqual([{ kind: 'cell', heading: '(top)', row: '42 (#2)', column: 'NDCG', committed: '0.6', fresh: '0.7' }]);
  });

  it('tells timing columns and timings in text from metrics', () => {
    for (const header of ['seconds', 'ms / request', 'examples/s', 'wall (s)', 'queries/s', 'p95 latency']) expect(isTimingColumn(header), header).toBe(true);
    for (const header of ['NDCG@10', 'Precision@5', 'users', 'success', 'recall@10', 'statements / dialogue', 'mean turns']) expect(isTimingColumn(header), header).toBe(false);
    expect(withoutTimings('19,900 messages/s, 0.85× in 23 s')).toBe('<rate>, 0.85× in <time>');
    expect(withoutTimings('NDCG@10 0.4966 ± 0.0046 over 3 seeds')).toBe('NDCG@10 0.4966 ± 0.0046 over 3 seeds');
  });

  it('leaves out the timings inside a JSON cell (the settings a run chose), not its other members', () => {
    // as P1's "Per run" table writes them: two runs of the same code differ only in these members
    const selected = (ndcg: string, speed: string, seconds: string) =>
      `| lightgcn | {"bestEpoch":7,"validationNdcg":${ndcg},"examplesPerSecond":${speed},"secondsToBest":${seconds},"refitEpochs":7,"refitSeconds":5.0e1} |`;
    const table = (row: string) => `| model | selected |\n| --- | --- |\n${row}\n`;
    expect(compareResults(table(selected('0.1853', '3195.5', '52.68')), table(selected('0.1853', '3344.62', '51.29')))).toEqual([]);
    expect(compareResults(table(selected('0.1853', '3195.5', '52.68')), table(selected('0.1854', '3195.5', '52.68')))).toHaveLength(1);
  });
});

describe('manifest', () => {
  const tracked = execFileSync('git', ['ls-files', '-z', '--', 'experiments', 'bench/results'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter((file) => /^(experiments\/[^/]+\/results\/|bench\/results\/)/.test(file));

  it('claims every committed results file exactly once, and only files that exist', () => {
    const owners = new Map<string, string[]>();
    for (const entry of manifest) for (const file of entry.files) owners.set(file, [...(owners.get(file) ?? []), entry.name]);
    expect(tracked.length).toBeGreaterThan(50);
    expect(tracked.filter((file) => !owners.has(file)), 'results files no entry claims').toEqual([]);
    expect([...owners].filter(([, names]) => names.length > 1), 'files claimed twice').toEqual([]);
    expect([...owners.keys()].filter((file) => !tracked.includes(file)), 'entries naming files the tree lacks').toEqual([]);
    expect(new Set(manifest.map((entry) => entry.name)).size).toBe(manifest.length);
  });

  it('holds, for each command, the command line its committed files record', () => {
    const mismatches: string[] = [];
    for (const entry of manifest) {
      if (entry.kind === 'record') {
        expect(entry.argv, entry.name).toBeUndefined();
        continue;
      }
      expect(existsSync(join(root, entry.argv![0]!)), `${entry.name}: ${entry.argv![0]}`).toBe(true);
      for (const file of entry.files.filter((name) => name.endsWith('.md'))) {
        expect(file.startsWith(`${entry.folder}/`), `${file} lies in ${entry.folder}`).toBe(true);
        const recorded = /^Command: `([^`]*)`/m.exec(readFileSync(join(root, file), 'utf8'))?.[1];
        if (entry.recordsCommand === false) {
          if (recorded !== undefined) mismatches.push(`${file} records its command now: drop recordsCommand: false`);
        } else if (recorded !== entryCommand(entry)) mismatches.push(`${file}: records ${recorded ?? 'no command'}, the manifest says ${entryCommand(entry)}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('sends a check run to another folder, replacing an --out or --results the command has', () => {
    const byName = (name: string) => manifest.find((entry) => entry.name === name)!;
    expect(argvWithOut(byName('chatrec'), '/tmp/x')).toEqual(['experiments/chatrec/run.ts', '--out', '/tmp/x']);
    expect(argvWithOut(byName('movielens-p1-sorted'), '/tmp/x')).toEqual(['apps/cli/src/main.ts', '--quiet', 'experiment', 'movielens', 'p1', '--split', 'sorted', '--results', '/tmp/x']);
    expect(argvWithOut(byName('chatrec-context-ease-lightgcn'), '/tmp/x')).toContain('/tmp/x');
    expect(argvWithOut(byName('chatrec-context-ease-lightgcn'), '/tmp/x')).not.toContain('experiments/chatrec/results/context-ease-lightgcn');
  });

  it('selects by name and group, and refuses records and unknown names', () => {
    expect(selectEntries(['experiments']).every((entry) => entry.kind === 'experiment')).toBe(true);
    expect(selectEntries(['personamem', 'experiments']).filter((entry) => entry.name === 'personamem')).toHaveLength(1);
    expect(() => selectEntries(['chatrec-page-ease'])).toThrow(/record of an earlier run/);
    expect(() => selectEntries(['p1'])).toThrow(/did you mean movielens-p1/);
    expect(() => selectEntries([])).toThrow(/name what to run/);
  });
});

describe('checkEntry', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  /** A repository with one committed result and a script that writes it again, `value` in place of its metric. */
  function world(value: string): { cwd: string; entry: ManifestEntry } {
    const cwd = mkdtempSync(join(tmpdir(), 'reproduce-test-'));
    folders.push(cwd);
    const table = (metric: string, seconds: string) => `# Toy\n\n| model | NDCG@10 | seconds |\n| --- | ---: | ---: |\n| ours | ${metric} | ${seconds} |\n`;
    execFileSync('mkdir', ['-p', join(cwd, 'results')]);
    writeFileSync(join(cwd, 'results/toy.md'), table('0.4966', '81.9'));
    // The script records the state directory it was given, so the test can see it was a fresh one.
    writeFileSync(
      join(cwd, 'toy.mjs'),
      `import { writeFileSync } from 'node:fs';
const out = process.argv[process.argv.indexOf('--out') + 1];
writeFileSync(out + '/toy.md', ${JSON.stringify(table(value, '90.2'))});
writeFileSync(out + '/state-dir.txt', process.env.PERSONALAB_STATE_DIR ?? '');`,
    );
    return { cwd, entry: { name: 'toy', kind: 'experiment', what: 'a toy', argv: ['toy.mjs'], folder: 'results', files: ['results/toy.md'] } };
  }

  it('passes a rerun that only changes timings, and removes its folder', async () => {
    const { cwd, entry } = world('0.4966');
    const result = await checkEntry(entry, { cwd, runner: [process.execPath], stdio: 'ignore' });
    expect(checkPassed(result)).toBe(true);
    expect(describeCheck(result)).toMatch(/identical to the committed results, timings aside \(toy\.md\)/);
    expect(existsSync(result.folder)).toBe(false);
  });

  it('fails a rerun whose metric moved, keeps its files and leaves the committed file alone', async () => {
    const { cwd, entry } = world('0.5010');
    const result = await checkEntry(entry, { cwd, runner: [process.execPath], stdio: 'ignore' });
    folders.push(result.folder);
    expect(checkPassed(result)).toBe(false);
    expect(describeCheck(result)).toContain('Toy › ours › NDCG@10: 0.4966 → 0.5010');
    expect(readFileSync(join(cwd, 'results/toy.md'), 'utf8')).toContain('0.4966');
    const stateDir = readFileSync(join(result.folder, 'state-dir.txt'), 'utf8');
    expect(stateDir).toMatch(/personalab-check-state-toy-/);
    expect(existsSync(stateDir)).toBe(false); // a fresh state directory, removed after the run
    expect(diffPaths(join(cwd, 'results'), result.folder).pairs[0]!.differences).toHaveLength(1);
  });

  it('fails when the command fails or does not write a committed file', async () => {
    const { cwd, entry } = world('0.4966');
    const failing = await checkEntry({ ...entry, argv: ['missing.mjs'] }, { cwd, runner: [process.execPath], stdio: 'ignore' });
    folders.push(failing.folder);
    expect(failing.exitCode).not.toBe(0);
    expect(checkPassed(failing)).toBe(false);
    const partial = await checkEntry({ ...entry, files: ['results/toy.md', 'results/other.md'] }, { cwd, runner: [process.execPath], stdio: 'ignore' });
    folders.push(partial.folder);
    expect(checkPassed(partial)).toBe(false);
    expect(describeCheck(partial)).toContain('results/other.md: the run did not write it');
  });

  it('copies the committed files the command reads from its results folder into the fresh one', async () => {
    const { cwd, entry } = world('0.4966');
    // the script's metric is the committed reference file's, as P1's EASE check reads the numpy runs beside its tables
    writeFileSync(join(cwd, 'results/reference.json'), JSON.stringify({ ndcg: '0.4966' }));
    writeFileSync(
      join(cwd, 'reads.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
const out = process.argv[process.argv.indexOf('--out') + 1];
const { ndcg } = JSON.parse(readFileSync(out + '/reference.json', 'utf8'));
writeFileSync(out + '/toy.md', '# Toy\\n\\n| model | NDCG@10 | seconds |\\n| --- | ---: | ---: |\\n| ours | ' + ndcg + ' | 1 |\\n');`,
    );
    const reading = { ...entry, argv: ['reads.mjs'] };
    const without = await checkEntry(reading, { cwd, runner: [process.execPath], stdio: 'ignore' });
    folders.push(without.folder);
    expect(without.exitCode).not.toBe(0); // no reference.json in the fresh folder
    const result = await checkEntry({ ...reading, inputs: ['results/reference.json'] }, { cwd, runner: [process.execPath], stdio: 'ignore' });
    expect(describeCheck(result)).toMatch(/identical to the committed results/);
  });

  it("prints for `check --dry-run` a line that runs like the check: inputs copied, results in a temporary folder, a fresh state dir", () => {
    const { cwd, entry } = world('0.5010');
    writeFileSync(join(cwd, 'results/reference.json'), '{}');
    const line = checkCommand({ ...entry, inputs: ['results/reference.json'] });
    // The dry run had printed the headline command, which writes the committed folder.
    expect(line).not.toContain('results/toy.md');
    const fresh = execFileSync('bash', ['-c', `${line.replace('npx tsx --conditions=development', process.execPath)} && echo "$F"`], { cwd, encoding: 'utf8' }).trim();
    folders.push(fresh);
    expect(readFileSync(join(fresh, 'toy.md'), 'utf8')).toContain('0.5010');
    expect(readFileSync(join(fresh, 'reference.json'), 'utf8')).toBe('{}');
    const stateDir = readFileSync(join(fresh, 'state-dir.txt'), 'utf8');
    folders.push(stateDir);
    expect(stateDir).not.toBe('');
    expect(readFileSync(join(cwd, 'results/toy.md'), 'utf8')).toContain('0.4966');
    expect(() => checkCommand(manifest.find((candidate) => candidate.kind === 'bench')!)).toThrow(/this machine's speed/);
  });

  it('refuses a dry-run line for an experiment with no command (it had printed "--out <folder>" as the script to run)', () => {
    const { entry } = world('0.5010');
    expect(() => checkCommand({ ...entry, argv: [] })).toThrow(/has no command/);
    // The check itself too: it had run "--out <folder>" as the script.
    const { argv: _argv, ...commandless } = entry;
    expect(() => argvWithOut(commandless, '/tmp/x')).toThrow(/has no command/);
  });

  it('refuses to check a benchmark', async () => {
    await expect(checkEntry(manifest.find((entry) => entry.kind === 'bench')!)).rejects.toThrow(/this machine's speed/);
  });
});
