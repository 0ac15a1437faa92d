import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { PersonalabError } from '@personalab/core';
import { temporaryDirectory } from '@personalab/datasets/test';
import { startTestServer } from '@personalab/llm/test';
import { scriptedExtraction } from '@personalab/profile/test';
import { RunStore, loadBenchmark } from '@personalab/personamem';
import { registerPersonamemCommand } from './personamem.js';
import { runCli, runCliOutput, spawnCli, startTimeoutMs } from '../test/run-cli.js';

function run(args: string[]): Promise<string> {
  return runCli([registerPersonamemCommand], ['--quiet', 'personamem', ...args]);
}

const folder = temporaryDirectory('personalab-cli-personamem-');
afterAll(() => folder.remove());
const questions = join(folder.path, 'questions_gen2k-p1-q3-seed1.csv');
const contexts = join(folder.path, 'shared_contexts_gen2k-p1-q3-seed1.jsonl');
const store = join(folder.path, 'runs.sqlite');

const refused = (args: string[], code: string, message: RegExp) =>
  expect(run(args)).rejects.toSatisfy((error) => PersonalabError.is(error) && error.code === code && message.test(error.message));

/**
 * `personalab --quiet personamem evaluate <args>` in a process of its own (the LLM config is read once per process) with
 * an environment of `OPENAI_*` / `PERSONALAB_*` variables and nothing else of those; asynchronous, as the test server
 * answers from this process.
 */
async function evaluateInProcess(args: string[], environment: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
  const command = ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL('../main.ts', import.meta.url)), '--quiet', 'personamem', 'evaluate'];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...command, ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...clean, PERSONALAB_STATE_DIR: folder.path, PERSONALAB_LLM_CACHE: 'off', ...environment },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: failure.stdout ?? '', stderr: failure.stderr ?? String(error) };
  }
}

describe('personalab personamem', () => {
  it('generates a small benchmark, checking its numeric options', async () => {
    await refused(['generate', '--personas', '0', '--out', folder.path], 'invalid_argument', /--personas must be a positive integer, got "0"/);
    await refused(['generate', '--context-tokens', 'abc', '--out', folder.path], 'invalid_argument', /--context-tokens must be an integer >= 2000, got "abc"/);
    await refused(['generate', '--seed', '-1', '--out', folder.path], 'invalid_argument', /--seed must be an integer from 0/);
    await refused(['generate', '--context-tokens', '10', '--out', folder.path], 'invalid_argument', /--context-tokens must be an integer >= 2000, got "10"/);
    await refused(['generate', '--personas', '1', '--questions-per-persona', '1000000', '--out', folder.path], 'invalid_argument', /^--personas × --questions-per-persona is 1000000 questions; at most 200000 are generated at once/);
    await refused(['generate', '--personas', '1000', '--context-tokens', '128000', '--out', folder.path], 'invalid_argument', /^--personas × --context-tokens is 128000000 context tokens; at most 50000000/);
    expect(await run(['generate', '--personas', '1', '--questions-per-persona', '3', '--context-tokens', '2000', '--out', folder.path])).toContain('3 questions over 1 contexts');
  });

  it('names the files by the settings, so that another generation does not overwrite them, and never replaces one', async () => {
    const out = join(folder.path, 'generations');
    const generate = (...args: string[]) => run(['generate', '--context-tokens', '2000', '--out', out, ...args]);
    expect(await generate('--personas', '1', '--questions-per-persona', '3')).toContain(join(out, 'questions_gen2k-p1-q3-seed1.csv'));
    const first = readFileSync(join(out, 'questions_gen2k-p1-q3-seed1.csv'), 'utf8');
    // Other settings had written the same questions_gen2k-seed1.csv over the first.
    expect(await generate('--personas', '1', '--questions-per-persona', '2')).toContain(join(out, 'questions_gen2k-p1-q2-seed1.csv'));
    // The documented 12 × 45 keeps its documented name; the same generation again rewrites its own files.
    expect(await generate('--personas', '1', '--questions-per-persona', '3')).toContain('3 questions over 1 contexts');
    expect(readFileSync(join(out, 'questions_gen2k-p1-q3-seed1.csv'), 'utf8')).toBe(first);
    // A --name that another generation's files hold is refused in one line, and the files stay.
    await refused(
      ['generate', '--context-tokens', '2000', '--out', out, '--personas', '1', '--questions-per-persona', '2', '--name', 'gen2k-p1-q3-seed1'],
      'conflict',
      /^[^\n]*questions_gen2k-p1-q3-seed1\.csv already exists from another generation \(it has 3 questions over 1 personas; this generation has 2 questions over 1 personas\): remove it, or write under another name or folder \(--name, --out\)$/,
    );
    expect(readFileSync(join(out, 'questions_gen2k-p1-q3-seed1.csv'), 'utf8')).toBe(first);
    await refused(['generate', '--context-tokens', '2000', '--out', out, '--personas', '1', '--name', 'sub/name'], 'invalid_argument', /--name must be a file name part without \/ or \\, got "sub\/name"/);
    await refused(['generate', '--context-tokens', '2000', '--out', out, '--personas', '1', '--name', ''], 'invalid_argument', /--name must be a file name part/);
    expect(readdirSync(out).sort()).toEqual(['questions_gen2k-p1-q2-seed1.csv', 'questions_gen2k-p1-q3-seed1.csv', 'shared_contexts_gen2k-p1-q2-seed1.jsonl', 'shared_contexts_gen2k-p1-q3-seed1.jsonl']);
  });

  it('refuses responders that need contexts without them, and options the responder would ignore', async () => {
    await refused(['evaluate', '--questions', questions, '--store', store], 'invalid_argument', /--responder memory answers from the shared contexts: give --contexts \(only the controls random, longest-option and option-priors work without\)/);
    await refused(['evaluate', '--questions', questions, '--contexts', contexts, '--k', '3', '--store', store], 'invalid_argument', /--k applies to --responder llm --strategy retrieval only, not --responder memory/);
    await refused(['evaluate', '--questions', questions, '--contexts', contexts, '--strategy', 'truncate', '--store', store], 'invalid_argument', /--strategy applies to --responder llm only/);
    await refused(['evaluate', '--questions', questions, '--limit', 'abc', '--store', store], 'invalid_argument', /--limit must be a positive integer, got "abc"/);
    await refused(['evaluate', '--questions', questions, '--concurrency', '0', '--store', store], 'invalid_argument', /--concurrency must be an integer from 1 to 1024/);
    // A store under a file had failed with a stack trace (EEXIST) once the questions were read.
    const underFile = join(questions, 'runs.sqlite');
    await refused(['evaluate', '--questions', questions, '--responder', 'random', '--store', underFile], 'invalid_argument', /^--store .*runs\.sqlite: .*questions_gen2k-p1-q3-seed1\.csv is a file, not a folder$/);
  });

  it('refuses a default run store under a file before any work, naming $PERSONALAB_STATE_DIR', async () => {
    const { code, stderr } = await evaluateInProcess(['--questions', questions, '--responder', 'random'], { PERSONALAB_STATE_DIR: join(questions, 'state') });
    expect(code).toBe(2);
    expect(stderr).toMatch(/the run store .*state\/personamem\/runs\.sqlite \(\$PERSONALAB_STATE_DIR\/personamem\/runs\.sqlite; --store names another\): .*questions_gen2k-p1-q3-seed1\.csv is a file, not a folder/);
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('accepts --responder evidence (offline, reads the contexts) and refuses it without contexts', async () => {
    await refused(['evaluate', '--questions', questions, '--responder', 'evidence', '--store', store], 'invalid_argument', /--responder evidence answers from the shared contexts: give --contexts \(only the controls random, longest-option and option-priors work without\)/);
    await refused(['evaluate', '--questions', questions, '--contexts', contexts, '--responder', 'evidence', '--k', '3', '--store', store], 'invalid_argument', /--k applies to --responder llm --strategy retrieval only, not --responder evidence/);
    await refused(['evaluate', '--questions', questions, '--responder', 'evidance', '--store', store], 'invalid_argument', /^--responder must be one of random, longest-option, memory, llm, evidence, option-priors, got "evidance"$/);
    const output = await run(['evaluate', '--questions', questions, '--contexts', contexts, '--responder', 'evidence', '--store', store]);
    expect(output).toMatch(/on 3 questions \(0 resumed, 3 asked, 0 failed\)/);
    // Named by the responder, as every run: evidence-<questions file>.
    const runs = new RunStore(store);
    try {
      expect(runs.listRuns().map((entry) => entry.runId)).toContain('evidence-questions_gen2k-p1-q3-seed1');
    } finally {
      runs.close();
    }
  });

  it('accepts --responder option-priors without contexts (a control), and records the fitted weights it answers with', async () => {
    const output = await run(['evaluate', '--questions', questions, '--responder', 'option-priors', '--store', store]);
    expect(output).toMatch(/on 3 questions \(0 resumed, 3 asked, 0 failed\)/);
    const runs = new RunStore(store);
    try {
      const entry = runs.listRuns().find((info) => info.runId === 'option-priors-questions_gen2k-p1-q3-seed1');
      expect(entry?.settings.weights).toMatch(/^[0-9a-f]{12}$/);
      // The evidence run stored by the test before: its weights differ (the check had run only when that run was there).
      const evidence = runs.listRuns().find((info) => info.runId.startsWith('evidence-'));
      expect(evidence?.settings.weights).toMatch(/^[0-9a-f]{12}$/);
      expect(evidence?.settings.weights).not.toBe(entry?.settings.weights);
    } finally {
      runs.close();
    }
  });

  it('resumes a run only with the same contexts', async () => {
    const common = ['evaluate', '--questions', questions, '--responder', 'longest-option', '--run-id', 'lo', '--store', store];
    expect(await run([...common, '--contexts', contexts])).toMatch(/on 3 questions \(0 resumed, 3 asked, 0 failed\)/);
    expect(await run([...common, '--contexts', contexts])).toMatch(/\(3 resumed, 0 asked/);
    await refused(common, 'conflict', /run lo was made with different settings \(contextsFingerprint: before "1-[0-9a-f]+", now "none"\)/);
  });

  it("records the random control's seed, and refuses to resume a run stored under another one", async () => {
    const seeded = join(folder.path, 'random-seed.sqlite');
    const common = ['evaluate', '--questions', questions, '--responder', 'random', '--run-id', 'rnd', '--store', seeded];
    expect(await run(common)).toMatch(/on 3 questions \(0 resumed, 3 asked, 0 failed\)/);
    const runStore = new RunStore(seeded);
    try {
      const stored = runStore.listRuns().find((entry) => entry.runId === 'rnd');
      expect(stored?.settings['seed']).toBe(1);
      // As if made with seed 0 (the CLI's default before session 11).
      runStore.updateSettings('rnd', { ...stored?.settings, seed: 0 });
    } finally {
      runStore.close();
    }
    await refused(common, 'conflict', /run rnd was made with different settings \(seed: before 0, now 1\)/);
  });

  it('refuses a contexts file that does not match the questions before asking any, naming the id and the file', async () => {
    const other = join(folder.path, 'other-contexts.jsonl');
    writeFileSync(other, `${JSON.stringify({ 'other-0': [{ role: 'user', content: 'hi' }] })}\n`);
    await refused(
      ['evaluate', '--questions', questions, '--contexts', other, '--run-id', 'mismatch', '--store', store],
      'invalid_data',
      /other-contexts\.jsonl has no shared context gen-1-2k-0 \(question gen-1-2k-0-q0 of .*questions_gen2k-p1-q3-seed1\.csv\); 3 of 3 questions need one of 1 context ids/,
    );
  });

  it('lists the errors on stderr, prints no NaN and fails when every question failed', async () => {
    // The right context id, but too short for any question's end index: every question fails.
    const short = join(folder.path, 'short-contexts.jsonl');
    writeFileSync(short, `${JSON.stringify({ 'gen-1-2k-0': [{ role: 'user', content: 'hi' }] })}\n`);
    const output = await runCliOutput([registerPersonamemCommand], ['--quiet', 'personamem', 'evaluate', '--questions', questions, '--contexts', short, '--run-id', 'allfail', '--store', store]);
    expect(output.stdout).not.toMatch(/NaN/);
    expect(output.stdout).toMatch(/allfail: accuracy n\/a on 0 questions \(0 resumed, 3 asked, 3 failed\)/);
    expect(output.stderr).toMatch(/3 of 3 questions failed \(not scored; retried when the run is resumed\):\n {2}\d× end index \d+ is past the 1 messages of context gen-1-2k-0 \(first: question gen-1-2k-0-q\d\)/);
    expect(output.error).toSatisfy((error) => PersonalabError.is(error) && error.code === 'upstream_error' && /every question failed \(3\)/.test(error.message));
  });

  it('ends the error list with how many other errors there are, in the singular for one', async () => {
    // Seven questions over two contexts of one message each: four distinct end indexes, one more than are listed.
    const sub = join(folder.path, 'many-errors');
    await run(['generate', '--context-tokens', '2000', '--personas', '2', '--questions-per-persona', '6', '--out', sub]);
    const short = join(sub, 'short-contexts.jsonl');
    writeFileSync(short, ['gen-1-2k-0', 'gen-1-2k-1'].map((id) => JSON.stringify({ [id]: [{ role: 'user', content: 'hi' }] })).join('\n') + '\n');
    const output = await runCliOutput([registerPersonamemCommand], ['--quiet', 'personamem', 'evaluate', '--questions', join(sub, 'questions_gen2k-p2-q6-seed1.csv'), '--contexts', short, '--run-id', 'many', '--store', join(sub, 'runs.sqlite'), '--limit', '7']);
    const listed = output.stderr.split('\n').filter((line) => /^ {2}\d+× /.test(line));
    expect(listed).toHaveLength(3);
    const shownCount = listed.reduce((sum, line) => sum + Number(/^ {2}(\d+)×/.exec(line)?.[1]), 0);
    // "… and 1 other errors" had read as a slip, and said nothing of how many questions.
    expect(output.stderr).toContain(`\n  … and 1 other error (${7 - shownCount} question${7 - shownCount === 1 ? '' : 's'}; all are in the run store)\n`);
  });

  it('--responder llm stops at the first configuration error (a wrong base URL) in one line, keeping the run resumable', async () => {
    const server = await startTestServer({ chat: () => 'Option a fits.\n<final_answer>(a)' });
    const wrong = server.url.replace(/\/v1$/, '/nope');
    const llmStore = join(folder.path, 'llm-runs.sqlite');
    const evaluate = (baseUrl: string) =>
      evaluateInProcess(['--questions', questions, '--contexts', contexts, '--responder', 'llm', '--concurrency', '1', '--store', llmStore], { OPENAI_BASE_URL: baseUrl, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted' });
    try {
      const stopped = await evaluate(wrong);
      expect(stopped.code).toBe(2);
      expect(stopped.stdout).toBe('');
      expect(stopped.stderr).toBe(
        'llm: 0 tokens (0 prompt + 0 completion), 1 request, 0 retries, 0 cache hits, 0 repairs, 1 failure\n' +
          `error (upstream_error): LLM endpoint ${wrong} answered HTTP 404: no route POST /nope/chat/completions (this server answers under /v1) (check that the base URL ends in /v1: ${wrong}). ` +
          'Run llm:scripted:full-questions_gen2k-p1-q3-seed1 stopped: this error would fail every question alike; 0 of 3 questions answered and stored; fix the setting and run again with the same id to resume\n',
      );
      expect(server.requests).toHaveLength(1);
      const fixed = await evaluate(server.url);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toMatch(/^llm:scripted:full-questions_gen2k-p1-q3-seed1: accuracy [\d.]+ \[[\d.]+, [\d.]+\] on 3 questions \(0 resumed, 3 asked, 0 failed\)\n$/);
      expect(fixed.stderr).toMatch(/^llm: [\d,]+ tokens .*, 3 requests, 0 retries, 0 cache hits, 0 repairs, 0 failures\n$/);
    } finally {
      await server.close();
    }
  }, 60_000);

  // It had been ended by the signal itself: no word on what was stored, 143 on SIGTERM.
  it.each([
    ['SIGINT', []],
    ['SIGTERM', ['--run-id', 'tiny run']],
  ] as const)('on %s stops before the next question, aborts the one in flight, says what is stored and the command that resumes, exit 130', async (signal, runIdArgs) => {
    // The first question is answered; the second hangs until the client gives up (a timeout longer than the test).
    let answered = 0;
    const server = await startTestServer({ chat: () => (answered++ === 0 ? '<final_answer>(a)' : { fault: 'hang' }) });
    const interruptedStore = join(folder.path, `interrupted-${signal}.sqlite`);
    const args = ['--questions', questions, '--contexts', contexts, '--responder', 'llm', '--concurrency', '1', '--store', interruptedStore, ...runIdArgs];
    const environment = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted', PERSONALAB_LLM_MAX_RETRIES: '0', PERSONALAB_LLM_TIMEOUT_MS: '120000' };
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('OPENAI_') && !name.startsWith('PERSONALAB_')));
    try {
      const cli = spawnCli(['--quiet', 'personamem', 'evaluate', ...args], { env: { ...clean, PERSONALAB_STATE_DIR: folder.path, PERSONALAB_LLM_CACHE: 'off', ...environment } });
      // The second question is in flight (the first is stored before it is asked); the server's second request checks it.
      void server.waitForRequests(2, startTimeoutMs).then(cli.check, () => undefined);
      await cli.waitFor('the second chat request (the second question in flight)', () => server.requests.length >= 2);
      const signalled = Date.now();
      cli.child.kill(signal);
      expect(await cli.exit(`after ${signal}`)).toBe(130);
      const stderr = cli.stderr();
      // The hanging request was aborted through the signal, not left to its 120 s timeout.
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(server.chatRequests()).toHaveLength(2);
      const runId = signal === 'SIGINT' ? 'llm:scripted:full-questions_gen2k-p1-q3-seed1' : 'tiny run';
      const command = ['personalab', '--quiet', 'personamem', 'evaluate', ...args, ...(signal === 'SIGINT' ? ['--run-id', runId] : [])].map((word) => (word === 'tiny run' ? `'tiny run'` : word)).join(' ');
      expect(stderr).toMatch(/^\n(SIGINT|SIGTERM): stopping before the next question; questions in flight are dropped \(send it again to exit at once\)\nllm: [^\n]*\nerror \(cancelled\): [^\n]*\n$/);
      expect(stderr.startsWith(`\n${signal}: `)).toBe(true);
      expect(stderr.split('\n').at(-2)).toBe(
        `error (cancelled): interrupted: 1 of 3 questions of run ${runId} are stored in ${interruptedStore} (1 answered this time; those in flight were dropped). ` +
          `Run the same command again to resume, the stored answers skipped: ${command}`,
      );
      const opened = new RunStore(interruptedStore);
      try {
        expect([...opened.answeredIds(runId)]).toHaveLength(1);
      } finally {
        opened.close();
      }
      // The command printed resumes: only the two questions left are asked.
      server.setChatHandler(() => '<final_answer>(a)');
      const resumed = await evaluateInProcess([...args, ...(signal === 'SIGINT' ? ['--run-id', runId] : [])], environment);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(resumed.stdout).toMatch(/on 3 questions \(1 resumed, 2 asked, 0 failed\)\n$/);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('--no-system-role runs under a default run id of its own, so that the system-role run is not refused beside it', async () => {
    const server = await startTestServer({ chat: () => '<final_answer>(a)' });
    const systemStore = join(folder.path, 'system-role-runs.sqlite');
    const evaluate = (...args: string[]) =>
      evaluateInProcess(['--questions', questions, '--contexts', contexts, '--responder', 'llm', '--store', systemStore, ...args], { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted' });
    try {
      const folded = await evaluate('--no-system-role');
      expect(folded.code, folded.stderr).toBe(0);
      expect(folded.stdout).toMatch(/^llm:scripted:full-no-system-role-questions_gen2k-p1-q3-seed1: accuracy .* \(0 resumed, 3 asked, 0 failed\)\n$/);
      expect(server.chatRequests().every((request) => (request.body.messages as { role: string }[]).every((message) => message.role !== 'system'))).toBe(true);
      // It had taken the default id llm:scripted:full-…, and the run with the system role (the official setting) was then
      // refused: "was made with different settings (systemRole: before false, now true)".
      const official = await evaluate();
      expect(official.code, official.stderr).toBe(0);
      expect(official.stdout).toMatch(/^llm:scripted:full-questions_gen2k-p1-q3-seed1: accuracy .* \(0 resumed, 3 asked, 0 failed\)\n$/);
      expect(server.chatRequests().slice(3).every((request) => (request.body.messages as { role: string }[])[0]?.role === 'system')).toBe(true);
    } finally {
      await server.close();
    }
  }, 60_000);

  it('--strategy retrieval says which embedder runs, records it, and refuses to resume a run made with another', async () => {
    const server = await startTestServer({ chat: () => '<final_answer>(a)' });
    const retrievalStore = join(folder.path, 'retrieval-runs.sqlite');
    const endpoint = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: 'test-key', PERSONALAB_CHAT_MODEL: 'scripted' };
    const evaluate = (environment: Record<string, string>, ...args: string[]) =>
      evaluateInProcess(['--questions', questions, '--contexts', contexts, '--responder', 'llm', '--strategy', 'retrieval', '--store', retrievalStore, ...args], { ...endpoint, ...environment });
    const storedSettings = (runId: string) => {
      const opened = new RunStore(retrievalStore);
      try {
        return opened.getRun(runId)?.settings;
      } finally {
        opened.close();
      }
    };
    try {
      // Without PERSONALAB_EMBED_MODEL: the offline hashing embedder, said on stderr, under the run id it always had.
      const offline = await evaluate({});
      expect(offline.code, offline.stderr).toBe(0);
      expect(offline.stderr).toMatch(/^embedder: hashing-v1-d256-\S+ \(offline hashing embedder: PERSONALAB_EMBED_MODEL is not set\)\nllm: /);
      expect(offline.stdout).toMatch(/^llm:scripted:retrieval-top5-questions_gen2k-p1-q3-seed1: accuracy .* \(0 resumed, 3 asked, 0 failed\)\n$/);
      const hashing = storedSettings('llm:scripted:retrieval-top5-questions_gen2k-p1-q3-seed1')?.['embedder'];
      expect(hashing).toMatch(/^hashing-v1-d256-/);
      expect(server.embeddingRequests()).toHaveLength(0);

      // The endpoint's embedding model gets a default run id of its own; its answers are never mixed with the hashing run's.
      const remote = await evaluate({ PERSONALAB_EMBED_MODEL: 'embed' });
      expect(remote.code, remote.stderr).toBe(0);
      expect(remote.stderr).toMatch(new RegExp(`^embedder: openai:embed:32 \\(PERSONALAB_EMBED_MODEL embed at ${server.url.replace(/[.]/g, '\\.')}\\)\n`));
      expect(remote.stdout).toMatch(/^llm:scripted:retrieval-top5-openai:embed:32-questions_gen2k-p1-q3-seed1: accuracy .* \(0 resumed, 3 asked, 0 failed\)\n$/);
      expect(storedSettings('llm:scripted:retrieval-top5-openai:embed:32-questions_gen2k-p1-q3-seed1')?.['embedder']).toBe('openai:embed:32');
      expect(server.embeddingRequests().length).toBeGreaterThan(0);

      // The hashing run resumed under its id with the other embedder: refused in one line, before any question is asked.
      const chatRequests = server.chatRequests().length;
      const mixed = await evaluate({ PERSONALAB_EMBED_MODEL: 'embed' }, '--run-id', 'llm:scripted:retrieval-top5-questions_gen2k-p1-q3-seed1');
      expect(mixed.code).toBe(2);
      expect(mixed.stdout).toBe('');
      expect(mixed.stderr).toMatch(
        new RegExp(
          `\nerror \\(conflict\\): run llm:scripted:retrieval-top5-questions_gen2k-p1-q3-seed1 was made with different settings \\(embedder: before "${String(hashing).replace(/[./]/g, '\\$&')}", now "openai:embed:32"\\); use a new run id, or the run's settings to resume it\n$`,
        ),
      );
      expect(server.chatRequests()).toHaveLength(chatRequests);
      // The same embedder resumes.
      const resumed = await evaluate({});
      expect(resumed.stdout).toMatch(/\(3 resumed, 0 asked, 0 failed\)/);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('--strategy profile --extractor llm extracts the profile with the chat model, says so and records it; heuristic stays the default', async () => {
    // Extraction requests (a response format) get the scripted extraction, plus a fact that only the model states.
    const server = await startTestServer({
      chat: (request) => {
        if (request.body.response_format === undefined) return '<final_answer>(a)';
        const reply = scriptedExtraction(request) as { json: { facts: unknown[] } };
        const [, id] = /^\[([^\]]+)\] USER:/m.exec(request.body.messages.at(-1).content) ?? [];
        reply.json.facts.push({ key: 'marker', statement: 'told by the model', confidence: 0.9, message_ids: [id] });
        return reply;
      },
    });
    const profileStore = join(folder.path, 'profile-runs.sqlite');
    const evaluate = (...args: string[]) =>
      evaluateInProcess(['--questions', questions, '--contexts', contexts, '--responder', 'llm', '--strategy', 'profile', '--store', profileStore, ...args], {
        OPENAI_BASE_URL: server.url,
        OPENAI_API_KEY: 'test-key',
        PERSONALAB_CHAT_MODEL: 'scripted',
      });
    const answerPrompts = () => server.chatRequests().filter((request) => request.body.response_format === undefined).map((request) => JSON.stringify(request.body.messages));
    try {
      const heuristic = await evaluate('--run-id', 'profile-run');
      expect(heuristic.code, heuristic.stderr).toBe(0);
      expect(heuristic.stderr).toMatch(/^profile extractor: heuristic \(offline; --extractor llm extracts with the chat model\)\nllm: /);
      // Before --extractor, an endpoint was never asked to extract: every request was an answer.
      expect(server.chatRequests().every((request) => request.body.response_format === undefined)).toBe(true);
      expect(answerPrompts().some((prompt) => prompt.includes('told by the model'))).toBe(false);

      server.reset();
      const llm = await evaluate('--extractor', 'llm');
      expect(llm.code, llm.stderr).toBe(0);
      expect(llm.stderr).toMatch(new RegExp(`^profile extractor: llm:scripted:extract-v1 \\(the chat model at ${server.url.replace(/[.]/g, '\\.')}\\)\n`));
      expect(llm.stdout).toMatch(/^llm:scripted:profile-llm:scripted:extract-v1-questions_gen2k-p1-q3-seed1: accuracy .* \(0 resumed, 3 asked, 0 failed\)\n$/);
      expect(server.chatRequests().some((request) => request.body.response_format !== undefined)).toBe(true);
      expect(answerPrompts()).toHaveLength(3);
      expect(answerPrompts().every((prompt) => prompt.includes('Fact (marker): told by the model'))).toBe(true);
      const opened = new RunStore(profileStore);
      try {
        expect(opened.getRun('profile-run')?.settings['extractor']).toBe('heuristic');
        expect(opened.getRun('llm:scripted:profile-llm:scripted:extract-v1-questions_gen2k-p1-q3-seed1')?.settings['extractor']).toBe('llm:scripted:extract-v1');
      } finally {
        opened.close();
      }

      // The heuristic run resumed with the LLM extractor: refused, nothing asked.
      server.reset();
      const mixed = await evaluate('--run-id', 'profile-run', '--extractor', 'llm');
      expect(mixed.code).toBe(2);
      expect(mixed.stderr).toMatch(/\nerror \(conflict\): run profile-run was made with different settings \(extractor: before "heuristic", now "llm:scripted:extract-v1"\); use a new run id, or the run's settings to resume it\n$/);
      expect(server.chatRequests()).toHaveLength(0);
    } finally {
      await server.close();
    }
  }, 120_000);

  it('refuses an unknown --extractor, and --extractor where no profile is extracted', async () => {
    const common = ['evaluate', '--questions', questions, '--contexts', contexts, '--store', store];
    await refused([...common, '--responder', 'llm', '--strategy', 'profile', '--extractor', 'gpt'], 'invalid_argument', /^--extractor must be one of heuristic, llm, got "gpt"$/);
    await refused([...common, '--responder', 'llm', '--strategy', 'retrieval', '--extractor', 'llm'], 'invalid_argument', /^--extractor applies to --responder llm --strategy profile only, not --responder llm --strategy retrieval$/);
    await refused([...common, '--extractor', 'heuristic'], 'invalid_argument', /^--extractor applies to --responder llm --strategy profile only, not --responder memory$/);
  });

  it('resumes a run with another --limit on the same file, and refuses a changed file', async () => {
    const common = ['evaluate', '--questions', questions, '--contexts', contexts, '--responder', 'longest-option', '--run-id', 'limited', '--store', store];
    expect(await run([...common, '--limit', '2'])).toMatch(/on 2 questions \(0 resumed, 2 asked, 0 failed\)/);
    // A larger limit adds questions, no limit adds the rest, a smaller one reports the first n.
    expect(await run([...common, '--limit', '3'])).toMatch(/on 3 questions \(2 resumed, 1 asked, 0 failed\)/);
    expect(await run([...common, '--limit', '1'])).toMatch(/on 1 questions \(1 resumed, 0 asked, 0 failed\)/);
    expect(await run(common)).toMatch(/on 3 questions \(3 resumed, 0 asked/);
    // The same file name with other questions is refused, saying that the file changed.
    const changed = join(folder.path, 'changed', 'questions_gen2k-p1-q3-seed1.csv');
    const lines = readFileSync(questions, 'utf8').split('\n');
    mkdirSync(join(folder.path, 'changed'), { recursive: true });
    writeFileSync(changed, lines.filter((_, index) => index !== 2).join('\n'));
    await refused(['evaluate', '--questions', changed, '--contexts', contexts, '--responder', 'longest-option', '--run-id', 'limited', '--store', store, '--limit', '1'], 'conflict', /run limited: the questions file questions_gen2k-p1-q3-seed1 changed since the run was made \(its questions' fingerprint was 3-[0-9a-f]+, now 2-[0-9a-f]+\)/);
  });

  it('reports the unanswered questions of a partial run in the Markdown too', async () => {
    const out = join(folder.path, 'results');
    await run(['evaluate', '--questions', questions, '--contexts', contexts, '--responder', 'longest-option', '--run-id', 'partial', '--store', store, '--limit', '1']);
    await run(['report', '--questions', questions, '--runs', 'partial', '--store', store, '--out', out, '--name', 'partial']);
    const markdown = readFileSync(join(out, 'partial.md'), 'utf8');
    expect(markdown).toMatch(/\| responder \| run \| scored \| failed \| unanswered \|/);
    expect(markdown).toMatch(/\| longest-option \| partial \| 1 \| 0 \| 2 \|/);
    // Refused before anything is written: no run id, a repeated one, a store that does not exist (it had been created
    // empty), and a run made on another questions file (it had been scored against this one).
    const before = readFileSync(join(out, 'partial.md'), 'utf8');
    await refused(['report', '--questions', questions, '--runs', ' , ', '--store', store, '--out', out, '--name', 'partial'], 'invalid_argument', /--runs names no run id/);
    await refused(['report', '--questions', questions, '--runs', 'partial,partial', '--store', store, '--out', out, '--name', 'partial'], 'invalid_argument', /--runs names partial twice/);
    // An unknown id names the ids the store holds (it had named the store only).
    await refused(['report', '--questions', questions, '--runs', 'nosuch', '--store', store, '--out', out, '--name', 'partial'], 'not_found', /^no run nosuch in .*runs\.sqlite: the runs there are (?:\S+, )*partial(?:, \S+)*$/);
    const missing = join(folder.path, 'missing.sqlite');
    await refused(['report', '--questions', questions, '--runs', 'partial', '--store', missing, '--out', out], 'not_found', /no run store at .*missing\.sqlite/);
    expect(existsSync(missing)).toBe(false);
    const lines = readFileSync(questions, 'utf8').trimEnd().split('\n');
    const other = join(folder.path, 'other-questions.csv');
    writeFileSync(other, lines.filter((_, index) => index !== 2).join('\n'));
    await refused(['report', '--questions', other, '--runs', 'partial', '--store', store, '--out', out, '--name', 'partial'], 'conflict', /run partial answered another questions file/);
    // An --out that is a file had failed with a stack trace (EEXIST); a --name with a separator wrote into a subfolder.
    await refused(['report', '--questions', questions, '--runs', 'partial', '--store', store, '--out', questions], 'invalid_argument', /--out .*questions_gen2k-p1-q3-seed1\.csv is a file: results are written into a folder/);
    await refused(['report', '--questions', questions, '--runs', 'partial', '--store', store, '--out', out, '--name', 'a/b'], 'invalid_argument', /--name must be a file name part without/);
    expect(readFileSync(join(out, 'partial.md'), 'utf8')).toBe(before);
  });

  it('runs 3 shards (two in one store, one in another), resumes one, and reports them together as the unsharded run', async () => {
    const shardFolder = join(folder.path, 'shards');
    await run(['generate', '--personas', '4', '--questions-per-persona', '6', '--context-tokens', '2000', '--out', shardFolder]);
    const shardQuestions = join(shardFolder, 'questions_gen2k-p4-q6-seed1.csv');
    const shardContexts = join(shardFolder, 'shared_contexts_gen2k-p4-q6-seed1.jsonl');
    const at = (name: string) => join(shardFolder, name);
    const evaluateArgs = (...args: string[]) => ['evaluate', '--questions', shardQuestions, '--contexts', shardContexts, '--run-id', 'mem', ...args];
    expect(await run(evaluateArgs('--store', at('whole.sqlite')))).toMatch(/^mem: accuracy [\d.]+ \[[\d.]+, [\d.]+\] on 24 questions \(0 resumed, 24 asked, 0 failed\)\n$/);
    // Whole contexts of 6 questions, largest first to the lightest shard: 12, 6, 6.
    expect(await run(evaluateArgs('--shard', '1/3', '--store', at('shared.sqlite')))).toMatch(
      /^mem#1\/3: accuracy [\d.]+ \[[\d.]+, [\d.]+\] on 12 questions \(0 resumed, 12 asked, 0 failed\)\nshard 1\/3 of run mem: 12 of 24 questions; when every shard has run, score them together: personalab personamem report --questions .*questions_gen2k-p4-q6-seed1\.csv --runs mem --store <each shard's store>\n$/,
    );
    expect(await run(evaluateArgs('--shard', '2/3', '--store', at('shared.sqlite')))).toMatch(/^mem#2\/3: .* on 6 questions \(0 resumed, 6 asked/);
    expect(await run(evaluateArgs('--shard', '3/3', '--store', at('s3.sqlite'), '--limit', '14'))).toMatch(/^mem#3\/3: .* on 2 questions \(0 resumed, 2 asked/);
    // Resumed without the limit: the stored answers are kept, the rest asked.
    expect(await run(evaluateArgs('--shard', '3/3', '--store', at('s3.sqlite')))).toMatch(/^mem#3\/3: .* on 6 questions \(2 resumed, 4 asked, 0 failed\)\nshard 3\/3 of run mem: 6 of 24 questions/);

    const report = (name: string, ...stores: string[]) => run(['report', '--questions', shardQuestions, '--runs', 'mem', ...stores.flatMap((store) => ['--store', at(store)]), '--out', at('results'), '--name', name]);
    await report('whole', 'whole.sqlite');
    await report('merged', 'shared.sqlite', 's3.sqlite');
    for (const extension of ['json', 'md']) expect(readFileSync(at(`results/merged.${extension}`), 'utf8')).toBe(readFileSync(at(`results/whole.${extension}`), 'utf8'));
    // Question for question: the same prediction and verdict.
    const answers = (store: string, runIds: string[]) => {
      const opened = new RunStore(at(store));
      const rows = runIds.flatMap((runId) => opened.answers(runId)).map((answer) => [answer.questionId, answer.predicted, answer.correct, answer.error]);
      opened.close();
      return rows;
    };
    const sorted = (rows: unknown[][]) => rows.sort((left, right) => String(left[0]).localeCompare(String(right[0])));
    expect(sorted([...answers('shared.sqlite', ['mem#1/3', 'mem#2/3']), ...answers('s3.sqlite', ['mem#3/3'])])).toEqual(sorted(answers('whole.sqlite', ['mem'])));

    // Refused, each in one line, before anything is written.
    const before = readFileSync(at('results/merged.json'), 'utf8');
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--out', at('results'), '--name', 'merged'], 'not_found', /^run mem: shard 3\/3 missing \(found 1\/3 in .*shared\.sqlite, 2\/3 in .*shared\.sqlite\): evaluate it with --shard, or name the store that holds it$/);
    copyFileSync(at('s3.sqlite'), at('copy.sqlite'));
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--store', at('s3.sqlite'), '--store', at('copy.sqlite'), '--out', at('results'), '--name', 'merged'], 'conflict', /^run mem: shard 3\/3 is in both .*s3\.sqlite and .*copy\.sqlite/);
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--store', at('shared.sqlite'), '--out', at('results')], 'invalid_argument', /^--store names .*shared\.sqlite twice$/);
    await run(evaluateArgs('--shard', '2/2', '--store', at('halves.sqlite')));
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--store', at('halves.sqlite'), '--out', at('results')], 'conflict', /^run mem mixes shard counts \(1\/3 in .*shared\.sqlite, 2\/3 in .*shared\.sqlite, 2\/2 in .*halves\.sqlite\)/);
    await run(['evaluate', '--questions', shardQuestions, '--contexts', shardContexts, '--run-id', 'mem', '--shard', '3/3', '--store', at('controls.sqlite'), '--responder', 'longest-option']);
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--store', at('controls.sqlite'), '--out', at('results')], 'conflict', /^run mem: its shards were made with different settings \(responder: 1\/3 "memory", 3\/3 "longest-option"\)/);
    // The same responder, but shards 1 and 2 without the contexts file.
    for (const shard of ['1/3', '2/3']) await run(['evaluate', '--questions', shardQuestions, '--run-id', 'mem', '--shard', shard, '--store', at('no-contexts.sqlite'), '--responder', 'longest-option']);
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('controls.sqlite'), '--store', at('no-contexts.sqlite'), '--out', at('results')], 'conflict', /^run mem: its shards were made with different settings \(contextsFingerprint: 1\/3 "none", 3\/3 "4-[0-9a-f]+"\): evaluate every shard with the same options$/);
    // A shard run on another questions file (one question dropped), with the same contexts.
    const edited = at('edited/questions_gen2k-p4-q6-seed1.csv');
    mkdirSync(at('edited'), { recursive: true });
    writeFileSync(edited, readFileSync(shardQuestions, 'utf8').trimEnd().split('\n').slice(0, -1).join('\n'));
    await run(['evaluate', '--questions', edited, '--contexts', shardContexts, '--run-id', 'mem', '--shard', '3/3', '--store', at('edited.sqlite')]);
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('shared.sqlite'), '--store', at('edited.sqlite'), '--out', at('results')], 'conflict', /^run mem: shard 3\/3 \(in .*edited\.sqlite\) answered another questions file than .*questions_gen2k-p4-q6-seed1\.csv \(its questions' fingerprint 23-[0-9a-f]+, this file's 24-[0-9a-f]+\): name the file it answered$/);
    await refused(['report', '--questions', shardQuestions, '--runs', 'mem', '--store', at('whole.sqlite'), '--store', at('shared.sqlite'), '--store', at('s3.sqlite'), '--out', at('results')], 'conflict', /^run mem is both a whole run \(in .*whole\.sqlite\) and split into shards/);
    expect(readFileSync(at('results/merged.json'), 'utf8')).toBe(before);

    // evaluate refuses a bad --shard, a run id with "#", and a shard count the store's shards do not have.
    await refused(evaluateArgs('--shard', '4/3', '--store', at('bad.sqlite')), 'invalid_argument', /^--shard must be i\/n with 1 <= i <= n, got "4\/3"$/);
    await refused(evaluateArgs('--shard', 'two', '--store', at('bad.sqlite')), 'invalid_argument', /^--shard must be i\/n/);
    await refused(['evaluate', '--questions', shardQuestions, '--contexts', shardContexts, '--run-id', 'a#b', '--shard', '1/2', '--store', at('bad.sqlite')], 'invalid_argument', /^--run-id a#b: with --shard the run id must not contain "#"/);
    await refused(evaluateArgs('--shard', '1/2', '--store', at('shared.sqlite')), 'conflict', /^run mem has shards of 3 in this store \(mem#1\/3\): shard 1\/2 would mix shard counts/);
    await refused(evaluateArgs('--store', at('shared.sqlite')), 'conflict', /^run mem is split into shards of 3 in this store/);
    await refused(evaluateArgs('--shard', '1/3', '--store', at('whole.sqlite')), 'conflict', /^run mem is in this store unsharded/);
  });

  it('fails when a prediction file matches none of the questions', async () => {
    const predictions = join(folder.path, 'pred.csv');
    writeFileSync(predictions, 'question_id,answer,p,r\nother-1,a,a,\nother-2,b,c,\n');
    await refused(['score-predictions', '--questions', questions, predictions], 'invalid_argument', /pred\.csv: none of its 2 question ids is in the question set \(3 questions/);
  });

  it('scores predictions over every question, counting those without one as wrong; refuses repeated rows and names a missing file', async () => {
    const [first, second] = (await loadBenchmark({ questionsPath: questions })).questions;
    // Two of three questions predicted, both right: 2/3, not 2/2.
    const predictions = join(folder.path, 'pred-partial.csv');
    writeFileSync(predictions, `question_id,answer,p,r\n${first?.id},${first?.correct},${first?.correct},\n${second?.id},${second?.correct},${second?.correct},\n`);
    expect(await run(['score-predictions', '--questions', questions, predictions])).toBe(
      `${predictions}: 2/3 = 0.6667 (1 of 3 questions without a prediction, scored wrong; 0 predictions naming no single option a-d; 0 rows for questions not in the questions file; 0 gold disagreements)\n`,
    );
    // The same row twice had counted twice (3/4 here); it is an error naming both lines.
    const repeated = join(folder.path, 'pred-repeated.csv');
    writeFileSync(repeated, `question_id,answer,p,r\n${first?.id},${first?.correct},${first?.correct},\n${first?.id},${first?.correct},${first?.correct},\n`);
    await refused(['score-predictions', '--questions', questions, repeated], 'invalid_data', new RegExp(`pred-repeated\\.csv:3: question ${first?.id} is predicted again \\(first on line 2\\)$`));
    // A missing file had been "not a CSV file: ENOENT ...".
    await refused(['score-predictions', '--questions', questions, join(folder.path, 'nothere.csv')], 'not_found', /nothere\.csv: file not found$/);
    await refused(['score-predictions', '--questions', questions, folder.path], 'invalid_argument', /: is a folder, not a file$/);
  });

  it('keeps its stores and results under $PERSONALAB_STATE_DIR like the other commands, read when a command runs', () => {
    const program = new Command('personalab');
    registerPersonamemCommand(program);
    const personamem = program.commands.find((command) => command.name() === 'personamem');
    const option = (name: string, flag: string) => personamem?.commands.find((command) => command.name() === name)?.options.find((entry) => entry.long === flag);
    // No default is computed while the commands are registered (that read the config, so a bad environment stopped even --help).
    for (const [name, flag] of [['generate', '--out'], ['evaluate', '--store'], ['report', '--store'], ['report', '--out']] as const) {
      expect(option(name, flag)?.defaultValue).toBeUndefined();
      expect(option(name, flag)?.description).toContain('$PERSONALAB_STATE_DIR/personamem');
    }
    // In a process of its own (the config is read once per process): generate writes under that state directory.
    const state = temporaryDirectory('personalab-personamem-state-');
    const generated = spawnSync(process.execPath, ['--conditions=development', '--import', 'tsx', fileURLToPath(new URL('../main.ts', import.meta.url)), 'personamem', 'generate', '--personas', '1', '--questions-per-persona', '2', '--context-tokens', '2000', '--quiet'], {
      encoding: 'utf8',
      env: { ...process.env, PERSONALAB_STATE_DIR: state.path },
      timeout: 60_000,
    });
    expect(generated.status, generated.stderr).toBe(0);
    expect(readdirSync(join(state.path, 'personamem')).some((name) => name.startsWith('questions_') && name.endsWith('.csv'))).toBe(true);
    state.remove();
  });
});
