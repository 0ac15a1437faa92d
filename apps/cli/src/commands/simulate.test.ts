import { execFile, execFileSync } from 'node:child_process';
import { closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { findDataset, howToGet, loadMovieLens100k } from '@personalab/datasets';
import { startTestServer } from '@personalab/llm/test';
import { RunStore, spokenGenre, type ConversationRecord } from '@personalab/simulator';
import { registerSimulateCommand } from './simulate.js';
import { runCli, runCliOutput, spawnCli, stopTimeoutMs, type CliProcess } from '../test/run-cli.js';

/** Runs `personalab <args>` on a program with only the simulate command; returns what it printed. */
function run(args: string[]): Promise<string> {
  return runCli([registerSimulateCommand], ['--quiet', ...args]);
}

const movielens = findDataset('movielens-100k');
const folder = mkdtempSync(join(tmpdir(), 'personalab-cli-simulate-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// A small MovieLens folder: 6 users who rated all 10 films, so every user keeps held-out liked films.
const tiny = join(folder, 'tiny');
mkdirSync(join(tiny, 'movielens-100k'), { recursive: true });
const genres = (index: number) => Array.from({ length: 19 }, (_, genre) => (genre === (index % 18) + 1 ? 1 : 0)).join('|');
writeFileSync(join(tiny, 'movielens-100k', 'u.item'), Array.from({ length: 10 }, (_, index) => `${index + 1}|Film ${index + 1} (1995)|01-Jan-1995||http://x|${genres(index)}`).join('\n') + '\n');
writeFileSync(join(tiny, 'movielens-100k', 'u.user'), Array.from({ length: 6 }, (_, index) => `${index + 1}|30|F|other|00000`).join('\n') + '\n');
writeFileSync(
  join(tiny, 'movielens-100k', 'u.data'),
  Array.from({ length: 6 }, (_, user) => Array.from({ length: 10 }, (_, item) => `${user + 1}\t${item + 1}\t${((user + item) % 5) + 1}\t${881250949 + item}`).join('\n')).join('\n') + '\n',
);
const empty = join(folder, 'empty');
mkdirSync(empty);
// A small Synthetic-Persona-Chat folder: 3 test conversations (users without hidden targets) and a valid split for the corpus.
const spc = join(folder, 'spc');
mkdirSync(join(spc, 'synthetic-persona-chat'), { recursive: true });
const spcRows = (prefix: string) =>
  'user 1 personas,user 2 personas,Best Generated Conversation\n' +
  Array.from({ length: 3 }, (_, index) => `"I like dogs.\nI live in town ${index}.","I like cats.","User 1: Hi! How are you ${prefix}${index}?\nUser 2: Good, thanks. Do you have pets?\nUser 1: I have a dog.\nUser 2: Nice, what is its name?\nUser 1: Rex. And you?\nUser 2: A cat called Tom."`).join('\n') +
  '\n';
writeFileSync(join(spc, 'synthetic-persona-chat', 'Synthetic-Persona-Chat_test.csv'), spcRows('t'));
writeFileSync(join(spc, 'synthetic-persona-chat', 'Synthetic-Persona-Chat_valid.csv'), spcRows('v'));

/**
 * A stand-in for the recommender's HTTP API: creates users, takes their ratings, and answers each chat with
 * film 9 (never a tiny user's hidden target, so conversations run every turn). `limited` first requests are
 * answered 429 with Retry-After: 1; the first `failedChats` chats 400 (that conversation fails); chats wait `delayMs`.
 * `chatFaults` are met by the chats in order before they are answered: an HTTP status, or `drop` (the connection closed unanswered).
 * `knownUsersOnly` answers a chat for a user it did not create 404, as the project's recommender does.
 * `downAfterChats` stops the service (it closes, so later connections are refused) once it has answered that many chats; `port` listens there.
 * `slowUsers` matches the users whose chats wait `slowMs` (default 3 s) before they are answered.
 */
async function startService(
  options: { maxK?: number; limited?: number; delayMs?: number; usersDelayMs?: number; noUsers?: boolean; failedChats?: number; chatFaults?: Array<number | 'drop'>; recommend?: string[]; knownUsersOnly?: boolean; downAfterChats?: number; port?: number; slowUsers?: RegExp; slowMs?: number } = {},
) {
  const requests: string[] = [];
  /** The ids of the users created (POST /v1/users), in order. */
  const created: string[] = [];
  const onRequest = new Set<() => void>();
  /** Every answer sent, with the time it was sent (a dropped connection has none). */
  const answers: Array<{ url: string; status: number; at: number }> = [];
  let limited = options.limited ?? 0;
  let chatsAnswered = 0;
  let failedChats = options.failedChats ?? 0;
  const chatFaults = [...(options.chatFaults ?? [])];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      requests.push(request.url ?? '');
      for (const listener of onRequest) listener();
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        answers.push({ url: request.url ?? '', status, at: Date.now() });
        response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      if (limited > 0) {
        limited--;
        send(429, { error: { code: 'rate_limited', message: 'rate limit exceeded: 600 requests per minute; retry in 1 second' } }, { 'retry-after': '1' });
      } else if (options.noUsers && request.url !== '/v1/chat') send(404, { error: 'not found' });
      else if (request.url === '/v1/users') {
        created.push((JSON.parse(body) as { id: string }).id);
        setTimeout(() => send(201, { id: 'x' }), options.usersDelayMs ?? 0);
      }
      else if (request.url?.endsWith('/events')) send(201, { accepted: 1 });
      else if (options.knownUsersOnly && !created.includes((JSON.parse(body) as { userId: string }).userId)) {
        const userId = (JSON.parse(body) as { userId: string }).userId;
        send(404, { error: { code: 'not_found', message: `body.userId: unknown user ${userId}`, paths: ['body.userId'] } });
      }
      // As the project's recommender refuses a k over 20.
      else if (options.maxK !== undefined && (JSON.parse(body) as { k: number }).k > options.maxK) {
        send(400, { error: { code: 'invalid_argument', message: `body.k: Too big: expected number to be <=${options.maxK}`, paths: ['body.k'] } });
      }
      else if (failedChats > 0) {
        failedChats--;
        send(400, { error: { code: 'invalid_argument', message: 'no such user' } });
      } else if (chatFaults.length > 0) {
        const fault = chatFaults.shift();
        if (fault === 'drop') request.socket.destroy();
        else send(fault ?? 500, { error: { code: 'internal', message: 'the service is busy' } });
      }
      else {
        const slow = options.slowUsers?.test((JSON.parse(body) as { userId: string }).userId) ? (options.slowMs ?? 3000) : 0;
        setTimeout(() => send(200, { sessionId: 's', reply: 'Try Film 9.', recommendations: (options.recommend ?? ['9']).map((id) => ({ item: { id } })) }), slow || (options.delayMs ?? 0));
        chatsAnswered++;
        // Once this answer has gone out, as a killed service: nothing listens on the port any more.
        if (chatsAnswered === options.downAfterChats) response.on('finish', () => void stop());
      }
    });
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    answers,
    created,
    /** Calls `listener` on each request, once it is in `requests` (a child process's `check`, for a wait on the requests). */
    onRequest: (listener: () => void) => void onRequest.add(listener),
    /** Answers the next `count` requests 429. */
    limitNext: (count: number) => void (limited = count),
    close: async () => {
      if (server.listening) await stop();
    },
  };
}

/**
 * Opens a named pipe's writing end once `cli` opens it to read (the open waits for that). Rejects, naming the pipe, if
 * the command ends first or takes too long; the open left waiting is then freed by opening the reading end here.
 */
async function openWhenRead(pipe: string, cli: CliProcess): Promise<FileHandle> {
  let opened = false;
  const opening = open(pipe, 'w').then((handle) => {
    opened = true;
    cli.check();
    return handle;
  });
  try {
    await cli.waitFor(`the command to open ${pipe} to read`, () => opened);
  } catch (error) {
    closeSync(openSync(pipe, constants.O_RDONLY | constants.O_NONBLOCK));
    await (await opening).close();
    throw error;
  }
  return opening;
}

describe('personalab simulate', () => {
  it('rejects a bad shard and an unknown assistant before doing any work', async () => {
    await expect(run(['simulate', '--shard', '3/2', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--shard/);
    await expect(run(['simulate', '--users', 'nowhere', '--store', join(folder, 'bad.sqlite')])).rejects.toThrow(/--users/);
  });

  it('checks every numeric option, naming it', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--limit', 'abc'], /--limit must be a positive integer, got "abc"/],
      [['--limit', '-1'], /--limit must be a positive integer, got "-1"/],
      [['--limit', '0'], /--limit must be a positive integer/],
      [['--k', '0'], /--k must be an integer from 1 to 1000, got "0"/],
      [['--k', 'abc'], /--k must be/],
      [['--seed', 'abc'], /--seed must be an integer from 0 to 4294967295, got "abc"/],
      [['--patience', 'abc'], /--patience must be a positive integer/],
      [['--patience', '0'], /--patience must be a positive integer/],
      [['--patience', '-3'], /--patience must be a positive integer/],
      [['--concurrency', '0'], /--concurrency must be an integer from 1 to 1024/],
      [['--corpus-size', 'abc'], /--corpus-size must be a positive integer/],
      [['--max-turns', '0'], /--max-turns must be an integer from 1 to 1000, got "0"/],
      [['--max-turns', '2.5'], /--max-turns must be/],
      [['--assistant-timeout', '0'], /--assistant-timeout must be an integer from 1 to 3600, got "0"/],
    ];
    for (const [args, message] of cases) {
      await expect(run(['--data-dir', empty, 'simulate', ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    }
  });

  it('refuses combinations that cannot work, and options that would be ignored, before loading any data', async () => {
    const refused = async (args: string[], message: RegExp) =>
      expect(run(['--data-dir', empty, 'simulate', '--store', join(folder, 'refused.sqlite'), ...args])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument') && message.test(error.message));
    await refused(['--assistant', 'replay'], /--assistant replay .* --users synthetic-persona-chat/);
    await refused(['--users', 'synthetic-persona-chat', '--assistant', 'ease'], /--assistant ease recommends from MovieLens ratings, and synthetic-persona-chat users have none/);
    await refused(['--users', 'synthetic-persona-chat', '--assistant', 'most-popular'], /--assistant most-popular recommends from MovieLens ratings/);
    await refused(['--simulator', 'nope'], /--simulator must be one of retrieval, llm, got "nope"/);
    await refused(['--system-prompt', 'be nice'], /--system-prompt applies to --assistant openai only/);
    await refused(['--assistant-url', 'http://x'], /--assistant-url applies to --assistant http or openai only/);
    await refused(['--http-user-prefix', 'x-'], /--http-user-prefix applies to --assistant http only/);
    await refused(['--assistant-timeout', '60'], /--assistant-timeout applies to --assistant http only/);
    await refused(['--assistant', 'http'], /--assistant http needs --assistant-url/);
    // The transcripts file is written at the end of the run: a folder there is refused before it starts.
    await refused(['--transcripts', folder], /--transcripts .* is a folder: name a file/);
    // Under a file, the run store and the transcripts cannot be written: refused before the data is read (--data-dir has none).
    // The store had failed with EEXIST from mkdir, the transcripts only after every conversation had run.
    const afile = join(folder, 'afile');
    writeFileSync(afile, 'not a folder');
    await refused(['--store', join(afile, 's.sqlite')], new RegExp(`^--store ${afile}/s\\.sqlite: ${afile} is a file, not a folder$`));
    await refused(['--transcripts', join(afile, 'deeper', 'x.jsonl')], new RegExp(`^--transcripts ${afile}/deeper/x\\.jsonl: ${afile} is a file, not a folder$`));
    await refused(['--assistant', 'http', '--assistant-url', 'notaurl'], /--assistant-url must be an http:\/\/ or https:\/\/ URL, got "notaurl"/);
    await refused(['--assistant', 'http', '--assistant-url', 'ftp://127.0.0.1:3000'], /--assistant-url must be an http:\/\/ or https:\/\/ URL, got "ftp:\/\/127\.0\.0\.1:3000"/);
    await refused(['--assistant', 'openai', '--assistant-url', 'localhost:8000/v1'], /--assistant-url must be an http:\/\/ or https:\/\/ URL/);
    // The requests add /v1/chat: a root ending in /v1 asks /v1/v1/chat.
    await refused(['--assistant', 'http', '--assistant-url', 'http://127.0.0.1:3000/v1/'], /--assistant-url http:\/\/127\.0\.0\.1:3000\/v1\/ ends in \/v1: give the service's root \(http:\/\/127\.0\.0\.1:3000\); the requests add \/v1\/chat/);
    await refused(['--hint', 'genre'], /--hint must be one of profile, target, got "genre"/);
    // Only the retrieval simulator hints, and only to users looking for a film.
    await refused(['--users', 'synthetic-persona-chat', '--assistant', 'replay', '--hint', 'target'], /--hint applies to --simulator retrieval with --users movielens-100k only/);
    await refused(['--simulator', 'llm', '--hint', 'profile'], /--hint applies to --simulator retrieval with --users movielens-100k only/);
    await refused(['--run-id', ''], /--run-id must not be empty/);
    await refused(['--run-id', '  '], /--run-id must not be empty/);
  });

  it('makes the folders of --transcripts as it makes those of --store (the transcripts had been refused, the store not)', async () => {
    const transcripts = join(folder, 'new-transcripts', 'deeper', 't.jsonl');
    const store = join(folder, 'new-store', 'deeper', 's.sqlite');
    expect(await run(['--data-dir', tiny, 'simulate', '--limit', '1', '--max-turns', '1', '--store', store, '--transcripts', transcripts])).toMatch(/1 conversations \(1 run now, 0 resumed\)/);
    expect(readFileSync(transcripts, 'utf8').trim().split('\n')).toHaveLength(1);
    expect(existsSync(store)).toBe(true);
  });

  it('refuses a default run store under a file ($PERSONALAB_STATE_DIR), in one line, before any work', async () => {
    const afile = join(folder, 'state-file');
    writeFileSync(afile, 'not a folder');
    const output = await withLlm({ PERSONALAB_STATE_DIR: join(afile, 'st') }, '--limit', '1');
    expect(output.code).toBe(2);
    expect(output.stderr).toBe(`error (invalid_argument): the run store ${join(afile, 'st', 'simulations.sqlite')} ($PERSONALAB_STATE_DIR/simulations.sqlite; --store names another): ${afile} is a file, not a folder\n`);
  });

  it('refuses --transcripts naming the run store, which writing the transcripts would have destroyed', async () => {
    const store = join(folder, 'precious.sqlite');
    const kept = new RunStore(store);
    kept.ensureRun('r', { simulator: 'retrieval' }, 1);
    kept.close();
    const before = readFileSync(store);
    for (const transcripts of [store, `${folder}/./precious.sqlite`, `${store}-wal`]) {
      await expect(run(['--data-dir', empty, 'simulate', '--store', store, '--transcripts', transcripts])).rejects.toSatisfy(
        (error) => PersonalabError.is(error, 'invalid_argument') && /--transcripts .* is the run store's file \(--store\): name another file/.test(error.message),
      );
    }
    expect(readFileSync(store)).toEqual(before);
  });

  it('says where it looked when --data-dir lacks the data', async () => {
    await expect(run(['--data-dir', empty, 'simulate', '--store', join(folder, 'none.sqlite')])).rejects.toThrow(/--data-dir .*empty has no movielens-100k\/ folder, and it is the only folder searched/);
  });

  it('resumes a run with more users, and refuses to resume it with options that change the results', async () => {
    const store = join(folder, 'resume.sqlite');
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'most-popular', '--max-turns', '2', '--store', store, '--run-id', 'R'];
    expect(await run([...common, '--limit', '2'])).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
    expect(await run([...common, '--limit', '3'])).toMatch(/3 conversations \(1 run now, 2 resumed\)/);
    await expect(run([...common, '--limit', '4', '--patience', '1'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'conflict') && /run R exists with a different configuration \(patience: before null, now 1\)/.test(error.message),
    );
    await expect(run([...common, '--k', '3'])).rejects.toThrow(/k: before 5, now 3/);
    await expect(run([...common, '--seed', '2'])).rejects.toThrow(/seed: before 1, now 2/);
  });

  it('--hint target: a user who accepts nothing says it is in the mood for a genre of one of its hidden targets', async () => {
    // The stand-in recommends film 9 only: a user it is no target of hints after every list.
    const service = await startService();
    const store = join(folder, 'hint.sqlite');
    const transcripts = join(folder, 'hint.jsonl');
    try {
      const common = ['--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '3', '--store', store];
      await run([...common, '--run-id', 'P']);
      await run([...common, '--hint', 'target', '--run-id', 'T', '--transcripts', transcripts]);
    } finally {
      await service.close();
    }
    const { items } = await loadMovieLens100k(join(tiny, 'movielens-100k'));
    const genresOf = new Map(items.map((item) => [item.id, item.tags.map((tag) => spokenGenre(tag.toLowerCase()))]));
    const read = new RunStore(store);
    try {
      /** Per conversation: the genres of its hidden targets as said, and the genres its user said it is in the mood for. */
      const moods = (runId: string) =>
        read.conversations(runId).map((record) => ({
          targets: new Set(record.targetItemIds.flatMap((id) => genresOf.get(id) ?? [])),
          moods: record.turns.flatMap((turn) => (turn.role === 'user' ? [.../I am more in the mood for ([^.]+)\./.exec(turn.content)?.slice(1) ?? []] : [])),
        }));
      const target = moods('T');
      expect(target.flatMap((conversation) => conversation.moods).length).toBeGreaterThan(0);
      for (const conversation of target) for (const mood of conversation.moods) expect(conversation.targets).toContain(mood);
      // The default hints at the profile's liked genres: these users, who rated every film alike, like none.
      expect(moods('P').flatMap((conversation) => conversation.moods)).toEqual([]);
      expect(Object.fromEntries(read.runs().map((run) => [run.id, run.config['hint']]))).toEqual({ P: 'profile', T: 'target' });
    } finally {
      read.close();
    }
    const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { config: Record<string, unknown> });
    expect(lines.map((line) => line.config['hint'])).toEqual(lines.map(() => 'target'));
  });

  it('resumes a run with its --hint only, naming the difference; a run stored before --hint resumes as profile', async () => {
    const store = join(folder, 'hint-resume.sqlite');
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'most-popular', '--max-turns', '2', '--limit', '2', '--store', store];
    expect(await run([...common, '--run-id', 'H'])).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
    await expect(run([...common, '--run-id', 'H', '--hint', 'target', '--limit', '3'])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'conflict') && /run H exists with a different configuration \(hint: before "profile", now "target"\)/.test(error.message),
    );
    // A run as builds before --hint stored it: the same settings without the hint (they hinted at the profile).
    const older = new RunStore(store);
    const { hint, ...before } = older.runs().find((run) => run.id === 'H')?.config ?? {};
    expect(hint).toBe('profile');
    older.ensureRun('old', before, 1);
    older.close();
    expect(await run([...common, '--run-id', 'old', '--limit', '1'])).toMatch(/1 conversations \(1 run now, 0 resumed\)/);
    expect(await run([...common, '--run-id', 'old', '--hint', 'profile'])).toMatch(/2 conversations \(1 run now, 1 resumed\)/);
    await expect(run([...common, '--run-id', 'old', '--hint', 'target'])).rejects.toThrow(/hint: before "profile", now "target"/);
  });

  it('runs --hint target beside a profile run under its own default id; another setting under the default is refused, saying to give --run-id', async () => {
    const store = join(folder, 'hint-default-id.sqlite');
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'most-popular', '--max-turns', '1', '--limit', '1', '--store', store];
    expect(await run(common)).toMatch(/^run retrieval--most-popular--movielens-100k: 1 conversations/m);
    // The default id had named no setting, so a target run beside a profile run was refused until given --run-id.
    expect(await run([...common, '--hint', 'target'])).toMatch(/^run retrieval--most-popular--movielens-100k--hint-target: 1 conversations \(1 run now, 0 resumed\)/m);
    expect(await run([...common, '--hint', 'target'])).toMatch(/^run retrieval--most-popular--movielens-100k--hint-target: 1 conversations \(0 run now, 1 resumed\)/m);
    const read = new RunStore(store);
    expect(Object.fromEntries(read.runs().map((stored) => [stored.id, stored.config['hint']]))).toEqual({
      'retrieval--most-popular--movielens-100k': 'profile',
      'retrieval--most-popular--movielens-100k--hint-target': 'target',
    });
    read.close();
    // Had ended "use another run id": the default names no other setting, and which option takes the id was left unsaid.
    await expect(run([...common, '--k', '3'])).rejects.toSatisfy(
      (error) =>
        PersonalabError.is(error, 'conflict') &&
        /^run retrieval--most-popular--movielens-100k exists with a different configuration \(k: before 5, now 3\); use another run id: --run-id <id> \(the default, retrieval--most-popular--movielens-100k, names the simulator, assistant, users and --hint, not the other settings\)$/.test(error.message),
    );
    // Given, the id is the caller's own: the message does not explain the default.
    await expect(run([...common, '--run-id', 'retrieval--most-popular--movielens-100k', '--k', '3'])).rejects.toThrow(/\(k: before 5, now 3\); use another run id: --run-id <id>$/);
    expect(await run([...common, '--k', '3', '--run-id', 'k3'])).toMatch(/^run k3: 1 conversations/m);
  });

  it('documents --hint in --help', async () => {
    const help = await runCliOutput([registerSimulateCommand], ['simulate', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/--hint <kind> retrieval simulator, movielens-100k users: what a user who accepts nothing from a list says it is in the mood for: profile \(.*\) \| target \(.*\) \(default: "profile"\)/);
  });

  it('prints why conversations failed and exits with an error when all of them did', async () => {
    const server = createServer((_request, response) => response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"no such user"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    try {
      const common = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--http-user-prefix', '', '--limit', '2', '--store', join(folder, 'errors.sqlite')];
      const output = await runCliOutput([registerSimulateCommand], [...common, '--assistant-url', url]);
      expect(output.stdout).toMatch(/\|\s+0 \| .* \|\s+2 \|\n/);
      expect(output.stderr).toContain('2 of 2 conversations failed');
      expect(output.stderr).toMatch(/2× POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat answered 400: \{"error":"no such user"\}/);
      expect(PersonalabError.is(output.error, 'upstream_error') && /every conversation failed \(2\)/.test(output.error.message)).toBe(true);
      // Another service under the same run id is another configuration.
      const other = await runCliOutput([registerSimulateCommand], [...common, '--assistant-url', `${url}/other`]);
      expect(PersonalabError.is(other.error, 'conflict') && /assistantUrl: before/.test(other.error.message)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('says n/a for success and recall when no user has hidden targets, in columns that line up', async () => {
    const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', spc, 'simulate', '--users', 'synthetic-persona-chat', '--assistant', 'replay', '--max-turns', '2', '--store', join(folder, 'replay.sqlite')]);
    expect(output.error).toBeUndefined();
    const lines = output.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^run retrieval--real-partner-replay--synthetic-persona-chat: 3 conversations/);
    const table = lines.slice(1, 4);
    expect(table[0]).toBe('| conversations | success | goal met | mean turns to success | recall@5 t1 | recall@5 t2 | errors |');
    expect(table[2]).toBe('|             3 |     n/a |      n/a |                   n/a |         n/a |         n/a |      0 |');
    // Every row of the table has its column separators in the same places.
    const bars = (line: string) => [...line].flatMap((character, index) => (character === '|' ? [index] : []));
    for (const line of table) expect(bars(line)).toEqual(bars(table[0] ?? ''));
    expect(lines[4]).toMatch(/no user had hidden targets, so success, goal met and recall do not apply/);
  });

  it('refuses a run id taken by other settings before any slow work: no user is sent to the service', async () => {
    const service = await startService();
    try {
      const common = ['--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '2', '--max-turns', '1', '--store', join(folder, 'early.sqlite'), '--run-id', 'E'];
      expect(await run(common)).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
      expect(service.requests.filter((url) => url === '/v1/users')).toHaveLength(2);
      service.requests.length = 0;
      await expect(run([...common, '--k', '3'])).rejects.toSatisfy((error) => PersonalabError.is(error, 'conflict') && /run E exists with a different configuration \(k: before 5, now 3\)/.test(error.message));
      expect(service.requests).toEqual([]);
      // The same settings resume (the check agrees with what the run recorded).
      expect(await run([...common, '--limit', '3'])).toMatch(/3 conversations \(1 run now, 2 resumed\)/);
    } finally {
      await service.close();
    }
  });

  it('run again once every conversation is stored, sends nothing to the service and needs it up no more', async () => {
    const service = await startService();
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '2', '--max-turns', '1', '--store', join(folder, 'http-again.sqlite')];
    let closed = false;
    try {
      const first = await run(common);
      expect(first).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
      const summary = first.slice(first.indexOf('|'));
      service.requests.length = 0;
      // It had created both users and re-sent their ratings again, then failed with the service stopped.
      expect(await run(common)).toContain(`2 conversations (0 run now, 2 resumed)`);
      expect(service.requests).toEqual([]);
      await service.close();
      closed = true;
      const again = await run(common);
      expect(again.slice(again.indexOf('|'))).toBe(summary);
    } finally {
      if (!closed) await service.close();
    }
  });

  it('waits out a 429 as its Retry-After asks and says so, instead of failing', async () => {
    const service = await startService({ limited: 2 });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '2', '--max-turns', '1', '--store', join(folder, 'limited.sqlite')]);
      expect(output.error).toBeUndefined();
      expect(output.stdout).toMatch(/2 conversations \(2 run now, 0 resumed\)/);
      expect(output.stdout).toMatch(/\|\s+0 \|\n/);
      // Two 429s, one notice (at most one a minute).
      expect(output.stderr.match(/the service answered 429 \(rate limit\); waiting 1 s as its Retry-After asks, then going on/g)).toHaveLength(1);
      // It waited as it said: nothing reached the service within the second after the last 429 (a retry at once had passed the checks above).
      const lastLimited = service.answers.filter((answer) => answer.status === 429).at(-1);
      const after = service.answers.filter((answer) => answer.status !== 429);
      expect(lastLimited).toBeDefined();
      expect(after.length).toBeGreaterThan(0);
      expect(Math.min(...after.map((answer) => answer.at)) - (lastLimited?.at ?? Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(950);
    } finally {
      await service.close();
    }
  });

  it("ends with how the service held up: retries by cause over every call of the run, kept with each conversation and in the transcripts", async () => {
    // First call: the first chat meets a 503 and a dropped connection before its answer.
    const service = await startService({ chatFaults: [503, 'drop'] });
    const store = join(folder, 'service-retries.sqlite');
    const transcripts = join(folder, 'service-retries.jsonl');
    const common = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--concurrency', '1', '--store', store, '--run-id', 'S'];
    const retriesLine = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('service retries:'));
    let closed = false;
    try {
      const first = await runCliOutput([registerSimulateCommand], [...common, '--limit', '2']);
      expect(first.error).toBeUndefined();
      // It had printed nothing about the two retries.
      expect(retriesLine(first.stderr)).toEqual([
        'service retries: 2 (503 ×1, connection closed ×1); 0 requests failed after retries (in 2 requests of the 2 conversations stored, every call of the run; creating the users this call: 0 retries in 4 requests)',
      ]);
      // Resumed: the new user's creation meets a 429 (the notice stays); the totals hold the first call's retries.
      service.limitNext(1);
      const resumed = await runCliOutput([registerSimulateCommand], [...common, '--limit', '3', '--transcripts', transcripts]);
      expect(resumed.error).toBeUndefined();
      expect(resumed.stdout).toContain('3 conversations (1 run now, 2 resumed)');
      expect(resumed.stderr).toMatch(/the service answered 429 \(rate limit\); waiting 1 s as its Retry-After asks/);
      expect(retriesLine(resumed.stderr)).toEqual([
        'service retries: 2 (503 ×1, connection closed ×1); 0 requests failed after retries (in 3 requests of the 3 conversations stored, every call of the run; creating the users this call: 1 retry (429 ×1) in 2 requests)',
      ]);
      // Each conversation's account, in user order: the first user's chat met both faults.
      const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { serviceReport?: unknown });
      expect(lines.map((line) => line.serviceReport)).toEqual([
        { requests: 1, retries: { '503': 1, 'connection closed': 1 }, failedRequests: 0 },
        { requests: 1, retries: {}, failedRequests: 0 },
        { requests: 1, retries: {}, failedRequests: 0 },
      ]);
      // Run again with everything stored and the service stopped: no request, the same totals.
      await service.close();
      closed = true;
      const again = await runCliOutput([registerSimulateCommand], [...common, '--limit', '3']);
      expect(again.error).toBeUndefined();
      expect(retriesLine(again.stderr)).toEqual(['service retries: 2 (503 ×1, connection closed ×1); 0 requests failed after retries (in 3 requests of the 3 conversations stored, every call of the run)']);
      // A conversation stored by a build that kept no account: unknown, said so, not counted as 0.
      const stored = new RunStore(store);
      const { serviceReport: _dropped, ...older } = stored.conversations('S')[0] as ConversationRecord;
      stored.save(older);
      stored.close();
      const unknown = await runCliOutput([registerSimulateCommand], [...common, '--limit', '3']);
      expect(retriesLine(unknown.stderr)).toEqual([
        'service retries: 0; 0 requests failed after retries (in 2 requests of the 2 conversations stored, every call of the run; 1 conversation stored before retries were recorded: unknown, not counted)',
      ]);
    } finally {
      if (!closed) await service.close();
    }
  });

  it('says how many requests failed after their retries, also when every conversation failed', async () => {
    // Three 503s for the only chat: two retries, then the request (and the conversation) fails.
    const service = await startService({ chatFaults: [503, 503, 503] });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '1', '--max-turns', '1', '--store', join(folder, 'service-down.sqlite')]);
      expect(PersonalabError.is(output.error, 'upstream_error') && /every conversation failed \(1\)/.test(output.error.message)).toBe(true);
      expect(output.stderr).toContain('1 of 1 conversations failed');
      expect(output.stderr).toMatch(/\nservice retries: 2 \(503 ×2\); 1 request failed after retries \(in 1 request of the 1 conversation stored, every call of the run; creating the users this call: 0 retries in 2 requests\)\n$/);
    } finally {
      await service.close();
    }
  });

  it('says when the assistant recommends ids that are not items of the catalogue (they can only count as misses)', async () => {
    // An assistant of one's own that answers with its own ids (IMDb's, say) scores 0 everywhere: the run must say why.
    const service = await startService({ recommend: ['9', 'tt0111161', 'tt0068646'] });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '2', '--max-turns', '2', '--store', join(folder, 'unknown-ids.sqlite')]);
      expect(output.error).toBeUndefined();
      // Every assistant turn of the two conversations offered the two unknown ids.
      const store = new RunStore(join(folder, 'unknown-ids.sqlite'));
      const conversations = store.conversations('retrieval--recommender-http--movielens-100k');
      const turns = conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'assistant')).length;
      store.close();
      // The simulated user speaks of them as a person would, without reading their ids out ("I do not know item tt0111161" had).
      const userTurns = conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'user').map((turn) => turn.content));
      expect(userTurns.filter((text) => /\btt0|\bitem\b/.test(text))).toEqual([]);
      expect(userTurns.some((text) => /that one|ring a bell|never heard/i.test(text))).toBe(true);
      expect(turns).toBeGreaterThanOrEqual(2);
      expect(output.stderr).toContain(
        `assistant: ${2 * turns} recommended ids are not movielens-100k items (2 distinct: "tt0111161", "tt0068646"), in ${turns} turns of 2 conversations: they count as misses and the simulated user does not know them; recommend the catalogue's item ids (e.g. "1", "2", "3")`,
      );
      // An assistant that recommends catalogue items only hears nothing of it.
      const fine = await startService();
      try {
        const clean = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', fine.url, '--limit', '2', '--max-turns', '2', '--store', join(folder, 'known-ids.sqlite')]);
        expect(clean.stderr).not.toContain('are not movielens-100k items');
      } finally {
        await fine.close();
      }
    } finally {
      await service.close();
    }
  });

  it('waits --assistant-timeout seconds for a slow assistant, then fails the conversation naming the limit', async () => {
    // A chat takes 1.5 s: within a 3 s limit the run completes; a 1 s limit times each attempt out (30 s had been fixed).
    const service = await startService({ delayMs: 1500 });
    try {
      const common = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '1', '--max-turns', '1'];
      const patient = await runCliOutput([registerSimulateCommand], [...common, '--assistant-timeout', '3', '--store', join(folder, 'slow-ok.sqlite')]);
      expect(patient.error).toBeUndefined();
      expect(patient.stdout).toMatch(/\|\s+1 \| .* \|\s+0 \|\n/);
      const hasty = await runCliOutput([registerSimulateCommand], [...common, '--assistant-timeout', '1', '--store', join(folder, 'slow-timeout.sqlite')]);
      expect(hasty.stderr).toMatch(/1× POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat failed: no answer within 1000 ms/);
      expect(hasty.stderr).toContain('service retries: 2 (timeout ×2); 1 request failed after retries');
    } finally {
      await service.close();
    }
  }, 30_000);

  it('says what a service that answers the chat only lacks, and the way around it', async () => {
    const service = await startService({ noUsers: true });
    try {
      const common = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--limit', '1', '--max-turns', '1'];
      const output = await runCliOutput([registerSimulateCommand], [...common, '--store', join(folder, 'chat-only.sqlite')]);
      expect(PersonalabError.is(output.error, 'upstream_bad_response') ? output.error.message : output.error).toMatch(
        /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/users answered 404: \{"error":"not found"\}: the service does not take the simulated users' ratings \(POST \/v1\/users, then \/v1\/users\/:id\/events; .*--http-user-prefix "" chats as the MovieLens user ids/,
      );
      const bare = await runCliOutput([registerSimulateCommand], [...common, '--http-user-prefix', '', '--store', join(folder, 'chat-only-bare.sqlite')]);
      expect(bare.error).toBeUndefined();
      expect(service.requests.filter((url) => url === '/v1/chat')).toHaveLength(1);
      // Synthetic-Persona-Chat users have no ratings: the service lacks the users themselves.
      const persona = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', spc, 'simulate', '--users', 'synthetic-persona-chat', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--store', join(folder, 'chat-only-spc.sqlite')]);
      expect(PersonalabError.is(persona.error, 'upstream_bad_response') ? persona.error.message : persona.error).toMatch(
        /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/users answered 404: \{"error":"not found"\}: the service does not create the simulated users \(POST \/v1\/users; .*--http-user-prefix "" chats as the synthetic-persona-chat ids \(spc-0, …\): the service must then know those users itself$/,
      );
    } finally {
      await service.close();
    }
  });

  it('creates Synthetic-Persona-Chat users on the service (without ratings) before they chat: the recommender chats with users it knows only', async () => {
    const service = await startService({ knownUsersOnly: true });
    try {
      const args = ['--quiet', '--data-dir', spc, 'simulate', '--users', 'synthetic-persona-chat', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--store', join(folder, 'spc-http.sqlite')];
      const output = await runCliOutput([registerSimulateCommand], args);
      // Every conversation had failed: 404 "body.userId: unknown user sim-spc-0".
      expect(output.error).toBeUndefined();
      expect(output.stderr).not.toMatch(/conversations failed/);
      expect(output.stdout).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
      expect(service.created).toEqual(expect.arrayContaining([expect.stringMatching(/^sim-[0-9a-f]{8}-spc-0$/)]));
      const prefix = service.created[0]?.replace(/spc-0$/, '') ?? '';
      expect(service.created).toEqual([`${prefix}spc-0`, `${prefix}spc-1`, `${prefix}spc-2`]);
      expect(service.requests.filter((url) => url.endsWith('/events'))).toEqual([]);
      expect(output.stderr).toContain(`http: 3 simulated users created on ${service.url} as ${prefix}<id>, without ratings (synthetic-persona-chat users have none). `);
    } finally {
      await service.close();
    }
  });

  it('stops at the first chat whose k the service refuses, with one line saying which --k it takes', async () => {
    // --k 21 against the recommender (at most 20) had failed every conversation alike, each with the same 400.
    const service = await startService({ maxK: 20 });
    const store = join(folder, 'k21.sqlite');
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--k', '21', '--concurrency', '1', '--store', store]);
      expect((output.error as Error | undefined)?.message).toBe(
        `--k 21: POST ${service.url}/v1/chat refused k = 21 (body.k: Too big: expected number to be <=20): ask for fewer items a turn; the run stopped at the first refused chat (every chat asks for k = 21). ` +
          'Run with --k 20 or less (run retrieval--recommender-http--movielens-100k stored nothing, so it keeps no settings)',
      );
      expect(PersonalabError.is(output.error, 'invalid_argument')).toBe(true);
      expect(service.requests.filter((url) => url === '/v1/chat')).toHaveLength(1);
      // A refused run says nothing of it beside its error: a "service retries" line had come before it.
      expect(output.stderr).not.toMatch(/^service retries/m);
      const stored = new RunStore(store);
      expect(stored.conversations('retrieval--recommender-http--movielens-100k')).toEqual([]);
      // It stored nothing, so it holds no settings: its k had refused the corrected command under the default id ("k: before 21, now 20").
      expect(stored.runs()).toEqual([]);
      stored.close();
      // What it says works: a k the service takes, under the same (default) run id.
      const fixed = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--k', '20', '--store', store]);
      expect(fixed.error).toBeUndefined();
      expect(fixed.stdout).toContain('run retrieval--recommender-http--movielens-100k: 5 conversations (5 run now, 0 resumed)');
      // A run that stored conversations keeps its settings: k 21 now needs another run id, and says so.
      const again = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--k', '21', '--store', store]);
      expect(PersonalabError.is(again.error, 'conflict') && /\(k: before 20, now 21\)/.test(again.error.message)).toBe(true);
      expect(again.stderr).not.toMatch(/^service retries/m);
    } finally {
      await service.close();
    }
  });

  it('stops once 3 conversations in a row fail because the service cannot be reached, in one line naming the URL and how to resume', async () => {
    // The service answers the first conversation (one chat), then is gone: every conversation after had been tried, each retried twice.
    const service = await startService({ downAfterChats: 1 });
    const port = Number(new URL(service.url).port);
    const store = join(folder, 'service-gone.sqlite');
    const args = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--concurrency', '1', '--store', store, '--run-id', 'G'];
    let restarted: Awaited<ReturnType<typeof startService>> | undefined;
    try {
      const output = await runCliOutput([registerSimulateCommand], args);
      expect(PersonalabError.is(output.error, 'unavailable')).toBe(true);
      expect((output.error as Error).message).toBe(
        `the service at ${service.url} cannot be reached: 3 conversations in a row failed (POST ${service.url}/v1/chat failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})). ` +
          `Run G stopped: 1 of 5 conversations are stored in ${store} (those that failed run again). Once the service answers, run the same command again to resume`,
      );
      // The last user never started: 1 chat answered, then 3 attempts for each of the next 3 users reached no one (the third is not stored).
      const stored = new RunStore(store);
      expect(stored.conversations('G').map((record) => record.endReason === 'error')).toEqual([false, true, true]);
      stored.close();
      // Back up (on the same URL, so the same run), the same command resumes: the stored conversation is skipped.
      restarted = await startService({ port });
      const resumed = await runCliOutput([registerSimulateCommand], args);
      expect(resumed.error).toBeUndefined();
      expect(resumed.stdout).toContain('run G: 5 conversations (4 run now, 1 resumed)');
    } finally {
      await service.close();
      await restarted?.close();
    }
  }, 60_000);

  it('goes on past conversations that fail alone: two in a row that reach no one, then a healthy service', async () => {
    // Each of the first two conversations meets three dropped connections (its request and both retries).
    const service = await startService({ chatFaults: ['drop', 'drop', 'drop', 'drop', 'drop', 'drop'] });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--concurrency', '1', '--store', join(folder, 'two-dropped.sqlite')]);
      expect(output.error).toBeUndefined();
      expect(output.stdout).toContain('5 conversations (5 run now, 0 resumed)');
      expect(output.stderr).toContain('2 of 5 conversations failed');
    } finally {
      await service.close();
    }
  });

  it('goes on when as many conversations as run at once time out together while the others are answered (a slow service, not a gone one)', async () => {
    // Three users (1 to 4 but the one not simulated) wait past the timeout on every attempt; the other two, in flight beside them, are answered first. The three
    // timeouts then came in a row, and had stopped the run as one the service could not be reached for.
    const service = await startService({ slowUsers: /-[1-4]$/ });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--assistant-timeout', '1', '--max-turns', '1', '--concurrency', '5', '--store', join(folder, 'slow-users.sqlite')]);
      expect(output.error).toBeUndefined();
      expect(output.stdout).toContain('5 conversations (5 run now, 0 resumed)');
      expect(output.stderr).toContain('3 of 5 conversations failed');
    } finally {
      await service.close();
    }
  }, 60_000);

  it('stops a run whose every conversation times out, saying a larger --assistant-timeout resumes it', async () => {
    const service = await startService({ slowUsers: /./ });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--assistant-timeout', '1', '--max-turns', '1', '--concurrency', '1', '--store', join(folder, 'slow-service.sqlite'), '--run-id', 'S']);
      expect(PersonalabError.is(output.error, 'unavailable')).toBe(true);
      expect((output.error as Error).message).toMatch(/3 conversations in a row failed \(POST \S+ failed: no answer within 1000 ms\)\..* run the same command again to resume \(a slow service: with a larger --assistant-timeout than 1\)$/);
    } finally {
      await service.close();
    }
  }, 60_000);

  it('gives each run users of its own on the service (another run id or store: fresh users; a resumed run: its own), and a run stored with sim- resumes with it', async () => {
    const service = await startService();
    const common = ['--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--max-turns', '1', '--limit', '2'];
    const createdBy = async (args: string[]) => {
      const before = service.created.length;
      await run([...common, ...args]);
      return service.created.slice(before);
    };
    try {
      const first = await createdBy(['--store', join(folder, 'users-a.sqlite'), '--run-id', 'A']);
      expect(first).toHaveLength(2);
      const prefix = /^sim-[0-9a-f]{8}-/.exec(first[0] ?? '')?.[0] ?? 'no prefix';
      expect(first.every((id) => /^\d+$/.test(id.slice(prefix.length)))).toBe(true);
      // A second run on the same service had chatted as the first run's users, with their earlier conversations and evidence.
      const otherId = await createdBy(['--store', join(folder, 'users-a.sqlite'), '--run-id', 'B']);
      const otherStore = await createdBy(['--store', join(folder, 'users-b.sqlite'), '--run-id', 'A']);
      for (const ids of [otherId, otherStore]) {
        expect(ids).toHaveLength(2);
        expect(ids.filter((id) => first.includes(id))).toEqual([]);
      }
      expect(otherId.filter((id) => otherStore.includes(id))).toEqual([]);
      // Resumed with a third user, run A creates that one user under its own prefix.
      const third = await createdBy(['--store', join(folder, 'users-a.sqlite'), '--run-id', 'A', '--limit', '3']);
      expect(third).toHaveLength(1);
      expect(third[0]?.startsWith(prefix) && !first.includes(third[0])).toBe(true);
      // A run stored when sim- was the default resumes with sim-.
      const legacy = join(folder, 'users-legacy.sqlite');
      const legacyUsers = await createdBy(['--store', legacy, '--run-id', 'L', '--http-user-prefix', 'sim-']);
      const legacyResumed = await createdBy(['--store', legacy, '--run-id', 'L', '--limit', '3']);
      expect([...legacyUsers, ...legacyResumed]).toEqual([expect.stringMatching(/^sim-\d+$/), expect.stringMatching(/^sim-\d+$/), expect.stringMatching(/^sim-\d+$/)]);
      const help = await runCliOutput([registerSimulateCommand], ['simulate', '--help']);
      expect(help.stdout.replace(/\s+/g, ' ')).toMatch(/default sim-<8 hex digits>-, naming the run store and run id: each run has users of its own/);
    } finally {
      await service.close();
    }
  });

  it('ends the list of failed conversations with how many other errors there are, in the singular for one', async () => {
    // Four conversations fail, each with a status of its own: one more message than are listed.
    const service = await startService({ chatFaults: [401, 403, 404, 422] });
    try {
      const output = await runCliOutput([registerSimulateCommand], ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--http-user-prefix', '', '--concurrency', '1', '--store', join(folder, 'four-errors.sqlite')]);
      expect(output.error).toBeUndefined();
      expect(output.stderr).toContain('4 of 5 conversations failed (not scored; retried when the run is resumed):\n');
      // "… and 1 other errors" had read as a slip.
      expect(output.stderr).toContain('\n  … and 1 other error (1 conversation; all are in the run store)\n');
    } finally {
      await service.close();
    }
  });

  it('names why the assistant URL cannot be reached', async () => {
    const service = await startService();
    const url = service.url;
    await service.close();
    const port = new URL(url).port;
    await expect(run(['--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', url, '--limit', '1', '--store', join(folder, 'refused.sqlite')])).rejects.toSatisfy(
      (error) => PersonalabError.is(error, 'upstream_error') && error.message === `POST ${url}/v1/users failed: fetch failed (connect ECONNREFUSED 127.0.0.1:${port})`,
    );
  });

  // SIGTERM is what `kill` and job schedulers send: it had ended the run with 143 and no word on what was stored.
  it.each(['SIGINT', 'SIGTERM'] as const)('on %s says how many conversations are stored and how to resume, and the same command resumes', async (signal) => {
    // The first conversation fails (its first chat is answered 400): it is stored as an error, not counted as finished.
    const service = await startService({ delayMs: 100, failedChats: 1 });
    const store = join(folder, `interrupted-${signal}.sqlite`);
    const args = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--http-user-prefix', '', '--concurrency', '1', '--store', store, '--run-id', 'I'];
    try {
      const cli = spawnCli(args);
      const written = cli.stderr;
      service.onRequest(cli.check);
      // Eight chats: the first conversation failed (one chat), the second (five turns) is stored, the third is in flight (the tiny set has 5 users with targets).
      await cli.waitFor('the 8th chat', () => service.requests.length >= 8);
      cli.child.kill(signal);
      expect(await cli.exit(`after ${signal}`)).toBe(130);
      expect(written()).toContain(`\n${signal}: stopping the run; conversations in flight are dropped (send it again to exit at once)\n`);
      const stored = new RunStore(store);
      const finished = stored.finishedUserIds('I').size;
      const failed = stored.conversations('I').filter((record) => record.endReason === 'error').length;
      stored.close();
      expect(failed).toBe(1);
      expect(finished).toBeGreaterThanOrEqual(1);
      expect(finished).toBeLessThan(4);
      // Both counts leave the failed conversation out ("1 of 5 stored (2 finished this time)" had counted it once only).
      expect(written()).toContain(
        `error (cancelled): interrupted: ${finished} of 5 conversations of run I are stored in ${store} (${finished} finished this time; 1 failed and runs again; those in flight were dropped). Run the same command again to resume`,
      );
      const resumed = await runCliOutput([registerSimulateCommand], args);
      expect(resumed.stdout).toContain(`5 conversations (${5 - finished} run now, ${finished} resumed)`);
    } finally {
      await service.close();
    }
  }, 60_000);

  it('on SIGINT while it reads the data, says that nothing was stored and exits 130', async () => {
    // Ctrl-C in the first seconds (reading MovieLens) had ended the command with 130 and no word. The films file is a
    // named pipe here, so the command is caught reading it: opening the pipe's other end waits for the command to open it.
    const data = join(folder, 'fifo');
    mkdirSync(join(data, 'movielens-100k'), { recursive: true });
    for (const name of ['u.user', 'u.data']) writeFileSync(join(data, 'movielens-100k', name), readFileSync(join(tiny, 'movielens-100k', name)));
    const pipe = join(data, 'movielens-100k', 'u.item');
    execFileSync('mkfifo', [pipe]);
    const store = join(folder, 'interrupted-reading.sqlite');
    const cli = spawnCli(['--quiet', '--data-dir', data, 'simulate', '--store', store]);
    const written = cli.stderr;
    const writer = await openWhenRead(pipe, cli);
    try {
      cli.child.kill('SIGINT');
      await cli.waitFor('its "error (cancelled)" line', () => written().includes('error (cancelled)'), stopTimeoutMs);
    } finally {
      // The read in flight ends with the pipe: the command has said its line and exits.
      await writer.close();
    }
    expect(await cli.exit('after SIGINT')).toBe(130);
    expect(written()).toContain('\nSIGINT: stopping before anything is stored (send it again to exit at once)\n');
    expect(written()).toContain('error (cancelled): interrupted while reading the data: nothing was stored or sent (no run was started). Run the same command again to start\n');
    expect(existsSync(store)).toBe(false);
  }, 60_000);

  it('on SIGINT while it creates the users on the service, stops creating them, says so and resumes', async () => {
    // Creating a whole user set on a rate-limited service takes minutes: a Ctrl-C then had ended the command at once, silently.
    const service = await startService({ usersDelayMs: 300 });
    const store = join(folder, 'interrupted-registration.sqlite');
    const args = ['--quiet', '--data-dir', tiny, 'simulate', '--assistant', 'http', '--assistant-url', service.url, '--store', store, '--run-id', 'R'];
    try {
      const cli = spawnCli(args);
      const written = cli.stderr;
      service.onRequest(cli.check);
      await cli.waitFor('the first POST /v1/users', () => service.requests.includes('/v1/users'));
      cli.child.kill('SIGINT');
      expect(await cli.exit('after SIGINT')).toBe(130);
      expect(written()).toContain('\nSIGINT: stopping before the conversations start (send it again to exit at once)\n');
      expect(written()).toContain(
        `error (cancelled): interrupted before the conversations started (creating the simulated users on ${service.url}: those created stay there, and their ratings are sent again on resume): 0 of 5 conversations of run R are stored in ${store}. Run the same command again to resume.`,
      );
      // It stopped creating users: the user in flight was the last one asked for.
      expect(service.requests.filter((url) => url === '/v1/users').length).toBeLessThan(5);
      expect(written()).toMatch(/\nservice retries: 0; 0 requests failed after retries \(in 0 requests of the 0 conversations stored, every call of the run; creating the users this call: /);
      const resumed = await runCliOutput([registerSimulateCommand], args);
      expect(resumed.stdout).toContain('5 conversations (5 run now, 0 resumed)');
    } finally {
      await service.close();
    }
  }, 60_000);

  /** The whole CLI in a process of its own (the LLM config is read once per process), over the tiny MovieLens folder. */
  const withLlm = async (environment: Record<string, string>, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => {
    const root = fileURLToPath(new URL('../../../..', import.meta.url));
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
    try {
      // Asynchronous: the test server answers from this process.
      const { stdout, stderr } = await promisify(execFile)(join(root, 'node_modules', '.bin', 'tsx'), ['--conditions=development', join(root, 'apps', 'cli', 'src', 'main.ts'), '--quiet', '--data-dir', tiny, 'simulate', ...args], {
        cwd: root,
        encoding: 'utf8',
        timeout: 60_000,
        env: { ...clean, PERSONALAB_STATE_DIR: folder, PERSONALAB_CHAT_MODEL: 'scripted', OPENAI_API_KEY: 'test-key', PERSONALAB_LLM_CACHE: 'off', PERSONALAB_LLM_MAX_RETRIES: '0', ...environment },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failure = error as { code?: number; stdout?: string; stderr?: string };
      return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(error) };
    }
  };

  it('with the LLM simulator, says how many user turns fell back to the grounded simulator, and the LLM usage', async () => {
    // A model that always breaks character: every user turn is regenerated twice, then written by the grounded fallback.
    const server = await startTestServer({ chat: () => 'As an AI language model, I cannot have movie preferences.' });
    try {
      const output = await withLlm({ OPENAI_BASE_URL: server.url }, '--simulator', 'llm', '--limit', '2', '--max-turns', '1', '--concurrency', '1', '--store', join(folder, 'fallbacks.sqlite'));
      expect(output.code, output.stderr).toBe(0);
      // Two user turns per conversation (the opening, and the reaction to the one reply), three replies each.
      expect(output.stdout).toContain('llm simulator: 4 of 4 user turns fell back to the grounded simulator (12 of 12 model replies failed the character and fact checks), in the 2 conversations stored\n');
      expect(server.chatRequests()).toHaveLength(12);
      expect(output.stderr).toMatch(/^llm: [\d,]+ tokens \([\d,]+ prompt \+ [\d,]+ completion\), 12 requests, 0 retries, 0 cache hits, 0 repairs, 0 failures\n$/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it("stores each conversation's fallbacks with it: a resumed run, and the same command run again, count every call's", async () => {
    // The opening turn always breaks character (three replies, then the fallback); the reaction passes the checks.
    const server = await startTestServer({ chat: (request) => ((request.body.messages as unknown[]).length <= 2 ? 'As an AI language model, I have no taste in films.' : 'Hm, what else do you have?') });
    const store = join(folder, 'fallbacks-resumed.sqlite');
    const transcripts = join(folder, 'fallbacks-resumed.jsonl');
    const args = ['--simulator', 'llm', '--max-turns', '1', '--concurrency', '1', '--store', store, '--run-id', 'F'];
    try {
      const first = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--limit', '1');
      expect(first.stdout).toContain('llm simulator: 1 of 2 user turns fell back to the grounded simulator (3 of 4 model replies failed the character and fact checks), in the 1 conversation stored\n');
      // The resumed call counts the conversation the first call stored too (it had said "1 of 2 … finished now").
      const resumed = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--limit', '2', '--transcripts', transcripts);
      expect(resumed.stdout).toContain('2 conversations (1 run now, 1 resumed)');
      expect(resumed.stdout).toContain('llm simulator: 2 of 4 user turns fell back to the grounded simulator (6 of 8 model replies failed the character and fact checks), in the 2 conversations stored\n');
      // The transcripts say which turn fell back: the opening (turn 0).
      const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { simulatorReport?: unknown });
      expect(lines.map((line) => line.simulatorReport)).toEqual([0, 1].map(() => ({ fallbackTurns: [0], modelReplies: 4, rejectedReplies: 3 })));
      // Run again with everything stored: no request, the same count (it had said "0 of 0 user turns").
      server.reset();
      const again = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--limit', '2');
      expect(again.stdout).toContain('2 conversations (0 run now, 2 resumed)');
      expect(again.stdout).toContain('llm simulator: 2 of 4 user turns fell back to the grounded simulator (6 of 8 model replies failed the character and fact checks), in the 2 conversations stored\n');
      expect(server.chatRequests()).toHaveLength(0);
      // A conversation stored by a build that kept no report (its row has none): unknown, said so, not counted as 0.
      const stored = new RunStore(store);
      const { simulatorReport: _dropped, ...older } = stored.conversations('F')[0] as ConversationRecord;
      stored.save(older);
      stored.close();
      const unknown = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--limit', '2');
      expect(unknown.stdout).toContain(
        'llm simulator: 1 of 2 user turns fell back to the grounded simulator (3 of 4 model replies failed the character and fact checks), in the 1 conversation stored (1 stored before fallbacks were recorded: unknown, not counted)\n',
      );
    } finally {
      await server.close();
    }
  }, 120_000);

  it('counts the fallbacks of the conversations it stored with their turns only, never more than their user turns', async () => {
    const server = await startTestServer({ chat: () => 'As an AI language model, I cannot have movie preferences.' });
    // The first conversation's first chat is answered 400: it fails after its opening turn fell back, and is stored with no turns.
    const service = await startService({ failedChats: 1 });
    try {
      const output = await withLlm(
        { OPENAI_BASE_URL: server.url },
        ...['--simulator', 'llm', '--assistant', 'http', '--assistant-url', service.url, '--http-user-prefix', '', '--limit', '2', '--max-turns', '1', '--concurrency', '1', '--store', join(folder, 'fallbacks-failed.sqlite')],
      );
      expect(output.code, output.stderr).toBe(0);
      expect(output.stderr).toContain('1 of 2 conversations failed');
      // Nine model replies in all (the usage line counts them), six of them in the conversation that was stored.
      expect(server.chatRequests()).toHaveLength(9);
      expect(output.stdout).toContain('llm simulator: 2 of 2 user turns fell back to the grounded simulator (6 of 6 model replies failed the character and fact checks), in the 1 conversation stored (1 failed, not counted)\n');
    } finally {
      await service.close();
      await server.close();
    }
  }, 60_000);

  it('with the LLM simulator, names the run llm--<assistant>--<users> by default, so a run started before resumes', async () => {
    const server = await startTestServer({ chat: () => 'I want a film for tonight.' });
    try {
      const args = ['--simulator', 'llm', '--max-turns', '1', '--concurrency', '1'];
      // The default id as it was before and as the README documents it: the --simulator option, not the model.
      const store = join(folder, 'default-id.sqlite');
      const before = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--store', store, '--limit', '1', '--run-id', 'llm--most-popular--movielens-100k');
      expect(before.code, before.stderr).toBe(0);
      const resumed = await withLlm({ OPENAI_BASE_URL: server.url }, ...args, '--store', store, '--limit', '2');
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toContain('run llm--most-popular--movielens-100k: 2 conversations (1 run now, 1 resumed)');
    } finally {
      await server.close();
    }
  }, 120_000);

  it('stops at the first configuration error of an LLM (a wrong base URL), in one line, and resumes once it is fixed', async () => {
    const server = await startTestServer({ chat: () => 'I want a film for tonight.' });
    const store = join(folder, 'wrong-url.sqlite');
    const wrong = server.url.replace(/\/v1$/, '/nope');
    try {
      const args = ['--simulator', 'llm', '--limit', '3', '--max-turns', '1', '--concurrency', '1', '--store', store];
      const stopped = await withLlm({ OPENAI_BASE_URL: wrong }, ...args);
      expect(stopped.code).toBe(2);
      expect(stopped.stdout).toBe('');
      expect(stopped.stderr).toBe(
        'llm: 0 tokens (0 prompt + 0 completion), 1 request, 0 retries, 0 cache hits, 0 repairs, 1 failure\n' +
          `error (upstream_error): LLM endpoint ${wrong} answered HTTP 404: no route POST /nope/chat/completions (this server answers under /v1) (check that the base URL ends in /v1: ${wrong}). ` +
          `Run llm--most-popular--movielens-100k stopped: this error would fail every conversation alike; 0 of 3 conversations finished and stored in ${store}; fix the setting and run the same command again to resume\n`,
      );
      // One request, and no conversation stored: the fixed run has all three.
      expect(server.requests).toHaveLength(1);
      const fixed = await withLlm({ OPENAI_BASE_URL: server.url }, ...args);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toContain('3 conversations (3 run now, 0 resumed)');
      // The OpenAI assistant at a wrong URL stops the run the same way.
      const assistant = await withLlm({}, '--assistant', 'openai', '--assistant-url', wrong, '--limit', '3', '--max-turns', '1', '--concurrency', '1', '--store', join(folder, 'wrong-assistant.sqlite'));
      expect(assistant.code).toBe(2);
      expect(assistant.stderr).toMatch(/error \(upstream_error\): LLM endpoint \S+\/nope answered HTTP 404: .*\. Run retrieval--openai:scripted--movielens-100k stopped: this error would fail every conversation alike; 0 of 3 conversations finished/);
    } finally {
      await server.close();
    }
  }, 60_000);

  if (!movielens) console.warn(`movielens-100k not found, skipping the simulate run test: ${howToGet('movielens-100k')}`);
  it.skipIf(!movielens)('runs shards into one store, resumes, and exports JSONL transcripts', async () => {
    const store = join(folder, 'runs.sqlite');
    const common = ['simulate', '--users', 'movielens-100k', '--limit', '6', '--assistant', 'most-popular', '--corpus-size', '200', '--max-turns', '3', '--store', store];
    expect(await run([...common, '--shard', '1/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    expect(await run([...common, '--shard', '2/2'])).toMatch(/3 conversations \(3 run now, 0 resumed\)/);
    const transcripts = join(folder, 'all.jsonl');
    const output = await run([...common, '--transcripts', transcripts]);
    expect(output).toMatch(/6 conversations \(0 run now, 6 resumed\)/);
    const lines = readFileSync(transcripts, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { userId: string; turns: Array<{ role: string }>; config: Record<string, unknown> });
    expect(lines.map((line) => line.userId).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    // Each line names the run's settings, so a copied transcripts file can be re-scored.
    expect(lines[0]?.config).toMatchObject({ simulator: 'retrieval', assistant: 'most-popular', maxTurns: 3, k: 5, users: 'movielens-100k', seed: 1, limit: 6 });
    for (const line of lines) {
      expect(line.turns.length).toBeGreaterThanOrEqual(3);
      // --max-turns counts assistant replies; the user may react once more.
      expect(line.turns.filter((turn) => turn.role === 'assistant').length).toBeLessThanOrEqual(3);
      expect(line.turns.filter((turn) => turn.role === 'user').length).toBeLessThanOrEqual(4);
    }
  });
});
