import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { PersonalabError, scriptCommand } from '@personalab/core';
import { compareResults, describeDifference, type Difference } from './compare.js';
import { argvWithOut, entryCommand, manifest, type ManifestEntry } from './manifest.js';

/** Names that stand for several entries. */
const groups: Record<string, (entry: ManifestEntry) => boolean> = {
  all: (entry) => entry.kind !== 'record',
  experiments: (entry) => entry.kind === 'experiment',
  benches: (entry) => entry.kind === 'bench',
};

/** The entries named (entry names or `all`, `experiments`, `benches`), in manifest order, each once. */
export function selectEntries(names: readonly string[], entries: readonly ManifestEntry[] = manifest): ManifestEntry[] {
  if (names.length === 0) throw new PersonalabError('invalid_argument', `name what to run: an entry (see \`list\`), or ${Object.keys(groups).join(', ')}`);
  const chosen = new Set<ManifestEntry>();
  for (const name of names) {
    const group = groups[name];
    if (group !== undefined) {
      for (const entry of entries) if (group(entry)) chosen.add(entry);
      continue;
    }
    const entry = entries.find((candidate) => candidate.name === name);
    if (entry === undefined) {
      const near = entries.filter((candidate) => candidate.name.includes(name)).map((candidate) => candidate.name);
      throw new PersonalabError('invalid_argument', `no entry named "${name}"${near.length > 0 ? ` (did you mean ${near.join(', ')}?)` : ''}; \`list\` shows them`);
    }
    if (entry.kind === 'record') throw new PersonalabError('invalid_argument', `"${name}" is a record of an earlier run, not made by a current command: ${entry.note ?? entry.what}`);
    chosen.add(entry);
  }
  return entries.filter((entry) => chosen.has(entry));
}

/** The manifest as a Markdown table (`list`). */
export function listing(entries: readonly ManifestEntry[] = manifest): string {
  const lines = ['| name | kind | minutes | what | command |', '| --- | --- | ---: | --- | --- |'];
  for (const entry of entries) {
    const command = entryCommand(entry);
    lines.push(`| ${entry.name} | ${entry.kind} | ${entry.minutes ?? '–'} | ${entry.what.replace(/\|/g, '\\|')} | ${command === undefined ? (entry.note ?? '–') : `\`${command}\``} |`);
  }
  return lines.join('\n');
}

export interface RunOptions {
  /** Where the child's output goes (default: inherited); `capture` keeps its last 4,000 characters for the result. */
  stdio?: 'inherit' | 'ignore' | 'capture';
  env?: NodeJS.ProcessEnv;
  /** The repository root, where commands run (default: cwd). */
  cwd?: string;
  /** The command that runs a TypeScript script (default `npx tsx --conditions=development`, as results record it). */
  runner?: readonly string[];
  signal?: AbortSignal;
}

/** Runs a script's argv as the results record it; resolves with its exit code (and, captured, the end of its output). */
export function runArgv(argv: readonly string[], options: RunOptions = {}): Promise<{ code: number; output: string }> {
  const [command, ...prefix] = options.runner ?? ['npx', 'tsx', '--conditions=development'];
  const stdio: StdioOptions = options.stdio === 'capture' ? ['ignore', 'pipe', 'pipe'] : (options.stdio ?? 'inherit');
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command!, [...prefix, ...argv], { cwd: options.cwd, env: options.env ?? process.env, stdio, signal: options.signal });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128 + 15), output }));
  });
}

export interface FileComparison {
  /** The committed file, relative to the repository root. */
  file: string;
  /** The fresh run's copy, or undefined when the run did not write it. */
  fresh: string | undefined;
  differences: Difference[];
}

export interface CheckResult {
  entry: ManifestEntry;
  exitCode: number;
  /** The end of the command's output, when captured. */
  output: string;
  /** The folder the fresh run wrote (kept when anything differed, or with `keep`). */
  folder: string;
  files: FileComparison[];
  seconds: number;
}

/** Every committed Markdown file of an entry against the same file of a fresh run in `folder`. */
export function compareEntryFiles(entry: ManifestEntry, folder: string, root = process.cwd()): FileComparison[] {
  return entry.files
    .filter((file) => file.endsWith('.md'))
    .map((file) => {
      const fresh = join(folder, relative(entry.folder, file));
      if (!existsSync(fresh)) return { file, fresh: undefined, differences: [] };
      return { file, fresh, differences: compareResults(readFileSync(join(root, file), 'utf8'), readFileSync(fresh, 'utf8')) };
    });
}

/** Why `check` does not take an entry that is not a seeded experiment. */
export function notCheckable(entry: ManifestEntry): string {
  return entry.kind === 'bench' ? "is a benchmark: its numbers are this machine's speed, which no rerun reproduces; `run` it and compare by eye" : `is a record of an earlier run: no current command makes it`;
}

/** Copies the committed files an entry's command reads from its results folder (`inputs`) into `folder`, in place. */
function copyInputs(entry: ManifestEntry, folder: string, root = process.cwd()): void {
  for (const input of entry.inputs ?? []) {
    const target = join(folder, relative(entry.folder, input));
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, input), target);
  }
}

/**
 * Runs an experiment into a temporary folder, with a fresh state directory (nothing resumed from an earlier run),
 * and compares its Markdown with the committed files, timings aside. The committed files are not touched; the
 * ones its command reads from its results folder (`inputs`) are copied into the temporary folder first.
 */
export async function checkEntry(entry: ManifestEntry, options: RunOptions & { keep?: boolean } = {}): Promise<CheckResult> {
  if (entry.kind !== 'experiment') throw new PersonalabError('invalid_argument', `"${entry.name}" ${notCheckable(entry)}`);
  const folder = mkdtempSync(join(tmpdir(), `personalab-check-${entry.name}-`));
  const stateDir = mkdtempSync(join(tmpdir(), `personalab-check-state-${entry.name}-`));
  const started = performance.now();
  try {
    copyInputs(entry, folder, options.cwd);
    const { code: exitCode, output } = await runArgv(argvWithOut(entry, folder), { ...options, env: { ...(options.env ?? process.env), PERSONALAB_STATE_DIR: stateDir } });
    const files = exitCode === 0 ? compareEntryFiles(entry, folder, options.cwd) : [];
    const result = { entry, exitCode, output, folder, files, seconds: (performance.now() - started) / 1000 };
    if (exitCode === 0 && !options.keep && files.every((file) => file.fresh !== undefined && file.differences.length === 0)) rmSync(folder, { recursive: true, force: true });
    return result;
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

/**
 * What `check` runs for an entry, as a shell line for `check --dry-run`: the command with its results sent to a fresh
 * temporary folder and a fresh state dir. A dry run of `check` had printed the headline command, which writes the
 * committed folder, so running the line it printed overwrote committed results.
 */
export function checkCommand(entry: ManifestEntry): string {
  if (entry.kind !== 'experiment') throw new PersonalabError('invalid_argument', `"${entry.name}" ${notCheckable(entry)}`);
  const placeholder = 'PERSONALAB_CHECK_FOLDER';
  const [script = '', ...argv] = argvWithOut(entry, placeholder);
  // The committed files the command reads from its own folder are copied in first, as `checkEntry` does.
  const copies = (entry.inputs ?? []).map((input) => {
    const target = `"$F"/${JSON.stringify(relative(entry.folder, input))}`;
    return `mkdir -p "$(dirname ${target})" && cp ${JSON.stringify(input)} ${target} && `;
  });
  return `F="$(mktemp -d)" && ${copies.join('')}PERSONALAB_STATE_DIR="$(mktemp -d)" ${scriptCommand(script, argv).replace(placeholder, '"$F"')}`;
}

/** Whether a check found its entry as committed. */
export function checkPassed(result: CheckResult): boolean {
  return result.exitCode === 0 && result.files.length > 0 && result.files.every((file) => file.fresh !== undefined && file.differences.length === 0);
}

/** What `check` prints for one entry. */
export function describeCheck(result: CheckResult): string {
  const head = `${result.entry.name} (${result.seconds.toFixed(0)} s): `;
  if (result.exitCode !== 0) return `${head}the command failed (exit ${result.exitCode}); ${result.output === '' ? 'its output is above' : `it ended:\n${result.output}`}`;
  if (checkPassed(result)) return `${head}identical to the committed results, timings aside (${result.files.map((file) => basename(file.file)).join(', ')})`;
  const lines = [`${head}differs from the committed results (fresh files in ${result.folder})`];
  for (const file of result.files) {
    if (file.fresh === undefined) lines.push(`  ${file.file}: the run did not write it`);
    else if (file.differences.length > 0) {
      lines.push(`  ${file.file}: ${file.differences.length} difference${file.differences.length === 1 ? '' : 's'}`);
      for (const difference of file.differences.slice(0, 40)) lines.push(`    ${describeDifference(difference).replace(/\n/g, '\n    ')}`);
      if (file.differences.length > 40) lines.push(`    … and ${file.differences.length - 40} more`);
    }
  }
  return lines.join('\n');
}

/** `diff A B`: two Markdown files, or two folders (their Markdown files of the same name). */
export function diffPaths(a: string, b: string): { pairs: { a: string; b: string | undefined; differences: Difference[] }[] } {
  const isFolder = (path: string) => {
    if (!existsSync(path)) throw new PersonalabError('not_found', `${path} does not exist`);
    return statSync(path).isDirectory();
  };
  const folderA = isFolder(a);
  if (folderA !== isFolder(b)) throw new PersonalabError('invalid_argument', `compare a file with a file or a folder with a folder (${a}, ${b})`);
  const pairs = folderA
    ? readdirSync(a)
        .filter((name) => name.endsWith('.md'))
        .sort()
        .map((name) => ({ a: join(a, name), b: existsSync(join(b, name)) ? join(b, name) : undefined }))
    : [{ a, b }];
  return {
    pairs: pairs.map((pair) => ({ ...pair, differences: pair.b === undefined ? [] : compareResults(readFileSync(pair.a, 'utf8'), readFileSync(pair.b, 'utf8')) })),
  };
}
