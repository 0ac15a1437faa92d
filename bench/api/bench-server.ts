/**
 * What the API benchmarks share: starting bench/api/server.ts in its own process (so the load generator does not
 * share its event loop), and the chat messages they send.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PersonalabError, changedOptions, getConfig, parseInteger, resultsDirectory } from '@personalab/core';

export interface BenchServer {
  child: ChildProcess;
  port: number;
  apiKey: string;
  users: string[];
}

/** The data sets `serve --dataset` takes. */
export const benchDatasets = ['auto', 'movielens-100k', 'synthetic'] as const;

/** `--dataset`, checked: an unknown name had been passed on to the server, which served MovieLens as `auto` does. */
export function benchDatasetName(value: string): (typeof benchDatasets)[number] {
  const known = benchDatasets.find((name) => name === value);
  if (known === undefined) throw new PersonalabError('invalid_argument', `--dataset must be one of ${benchDatasets.join(', ')}, got ${JSON.stringify(value)}`);
  return known;
}

/**
 * The bench server's state folder (its store and trained model, kept between runs so that only the first run trains):
 * `$PERSONALAB_STATE_DIR/bench/<name>`. It had been one fixed folder under /tmp for every run, so a clean
 * PERSONALAB_STATE_DIR did not start over, and `--dataset synthetic` measured the MovieLens store an earlier run had seeded.
 */
export function benchStateFolder(name: string, stateDir: string = getConfig().stateDir): string {
  return join(stateDir, 'bench', name);
}

/**
 * Starts bench/api/server.ts with `args` (`--cache off`, `--turns off`, `--state DIR`, …) and waits for its `ready` line.
 * `ipc`: with an IPC channel and `--expose-gc`, over which the server answers `{ type: 'stats' }` and `{ type: 'catalogue' }`
 * (bench/api/soak.ts) and reports its close after a SIGTERM.
 */
export function startBenchServer(args: readonly string[], options: { ipc?: boolean } = {}): Promise<BenchServer> {
  const node = ['--conditions=development', '--import', 'tsx', ...(options.ipc ? ['--expose-gc'] : [])];
  const child = spawn(process.execPath, [...node, join(import.meta.dirname, 'server.ts'), ...args], { stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready (\d+) (\S+) (\S+)\n/.exec(output);
      if (match) resolve({ child, port: Number(match[1]), apiKey: match[2] as string, users: (match[3] as string).split(',') });
    });
    child.on('exit', (code) => reject(new Error(`bench server (${args.join(' ')}) exited with ${code}`)));
  });
}

/**
 * What a chat turn says, in rotation: a mood, a genre and era, an audience, a dislike of a genre (each a new
 * session). None names a title, which would write a rating ("I loved Fargo", and "something like Fargo" too when
 * the user has not rated it): the users' ratings, and so the cached lists of the recommendations route measured
 * beside it, stay as they are.
 */
export const chatMessages = ['something funny and light please', 'a comedy from the 90s', 'with my 6 year old, something fun', 'no horror, a good thriller'];

/** The body of the `turn`-th chat request: users and messages in rotation. */
export function chatBody(server: BenchServer, turn: number): string {
  return JSON.stringify({ userId: server.users[turn % server.users.length], message: chatMessages[turn % chatMessages.length] });
}

/** The load options both benchmarks take, checked, and where their results go (bench/results/api for the headline options). */
export function loadOptions(
  values: { seconds: string; rounds: string; connections: string; out?: string | undefined },
  where: { name: string; others?: Record<string, unknown>; headlineOthers?: Record<string, unknown> },
): { seconds: number; rounds: number; connections: number; outputDirectory: string } {
  const seconds = parseInteger('--seconds', values.seconds, { min: 1 });
  const rounds = parseInteger('--rounds', values.rounds, { min: 1 });
  const connections = parseInteger('--connections', values.connections, { min: 1 });
  const outputDirectory = resultsDirectory({
    out: values.out,
    committed: join(import.meta.dirname, '..', 'results', 'api'),
    changed: changedOptions({ seconds, rounds, connections, ...where.others }, { seconds: 10, rounds: 3, connections: 50, ...where.headlineOthers }),
    name: where.name,
  });
  return { seconds, rounds, connections, outputDirectory };
}
