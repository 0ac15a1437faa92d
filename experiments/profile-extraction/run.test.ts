import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findDataset, howToGet } from '@personalab/datasets';
import { startTestServer, type TestServer } from '@personalab/llm/test';
import { scriptedExtraction } from '@personalab/profile/test';

// The experiment as a user runs it, with an OpenAI-compatible endpoint configured: the local test
// server stands in for the model, answering each extraction request from the prompt it is sent
// (the heuristic miner's statements, in the extraction schema).
const root = fileURLToPath(new URL('../..', import.meta.url));
const script = join(root, 'experiments', 'profile-extraction', 'run.ts');
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const personaChat = findDataset('persona-chat');
if (!personaChat) console.log(`profile-extraction run test skipped: persona-chat-convai2-valid not found. ${howToGet('persona-chat')}`);

interface MethodRow {
  method: string;
  matcher: string;
  counts: { predicted: number; correctPredicted: number; gold: number; recoveredGold: number };
  f1: number;
}

describe.skipIf(!personaChat)('profile-extraction experiment with an LLM endpoint', () => {
  let server: TestServer;
  let directory: string;
  beforeAll(async () => {
    server = await startTestServer({ chat: scriptedExtraction });
    directory = mkdtempSync(join(tmpdir(), 'profile-extraction-'));
  });
  afterAll(async () => {
    await server.close();
    rmSync(directory, { recursive: true, force: true });
  });

  // Asynchronous: the test server answers from this process, so the event loop must keep running.
  const run = async (out: string, cache: 'write' | 'read' | 'off', options: { limit?: number; baseUrl?: string } = {}) => {
    try {
      await promisify(execFile)(tsx, ['--conditions=development', script, '--limit', String(options.limit ?? 6), '--world-users', '3', '--out', out, '--quiet'], {
        cwd: root,
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          OPENAI_BASE_URL: options.baseUrl ?? server.url,
          OPENAI_API_KEY: 'test-key',
          PERSONALAB_CHAT_MODEL: 'scripted',
          PERSONALAB_LLM_CACHE: cache,
          PERSONALAB_LLM_CACHE_PATH: join(directory, 'llm-cache.sqlite'),
          PERSONALAB_LLM_MAX_RETRIES: '0',
        },
      });
      return { ok: true, code: 0, stderr: '' };
    } catch (error) {
      const failure = error as { stderr?: string; code?: number };
      return { ok: false, code: failure.code, stderr: String(failure.stderr ?? error) };
    }
  };
  const markdown = (out: string) => readFileSync(join(out, 'profile-extraction.md'), 'utf8');
  const llmRows = (out: string) => {
    const json = JSON.parse(readFileSync(join(out, 'profile-extraction.json'), 'utf8')) as { llm: { enabled: boolean }; personaChat: { results: MethodRow[] } };
    return { enabled: json.llm.enabled, rows: json.personaChat.results.filter((row) => row.method.startsWith('LLM extractor')) };
  };

  it('measures the LLM extractor through the endpoint, then replays it from the cache with the server stopped', async () => {
    const first = await run(join(directory, 'first'), 'write');
    expect(first.ok, first.stderr).toBe(true);
    const requests = server.chatRequests().length;
    expect(requests).toBeGreaterThanOrEqual(6);
    // The report names the endpoint it measured against, and what the run spent there.
    expect(markdown(join(directory, 'first'))).toContain(`LLM extractor measured against ${server.url} (model scripted; ${requests} requests)`);
    expect(markdown(join(directory, 'first'))).toMatch(new RegExp(`LLM usage of the whole run: [\\d,]+ tokens \\([\\d,]+ prompt \\+ [\\d,]+ completion\\), ${requests} requests`));
    expect(markdown(join(directory, 'first'))).toMatch(/LLM extractor \(scripted\): 6 requests, [1-9]\d* tokens/);
    const measured = llmRows(join(directory, 'first'));
    expect(measured.enabled).toBe(true);
    expect(measured.rows.map((row) => row.matcher)).toContain('token-f1>=0.5');
    const tokenRow = measured.rows.find((row) => row.matcher === 'token-f1>=0.5')!;
    expect(tokenRow.method).toBe('LLM extractor (scripted)');
    expect(tokenRow.counts.predicted).toBeGreaterThan(0);
    expect(tokenRow.counts.gold).toBeGreaterThan(20);

    await server.close();
    const replay = await run(join(directory, 'replay'), 'read');
    expect(replay.ok, replay.stderr).toBe(true);
    // Same statements, same matches: the cache answered every request.
    expect(llmRows(join(directory, 'replay')).rows).toEqual(measured.rows);
    // And the report says so, instead of "measured against" an endpoint it never called.
    const replayed = markdown(join(directory, 'replay'));
    expect(replayed).not.toContain('measured against');
    expect(replayed).toContain('LLM extractor (model scripted) replayed from the LLM cache');
    expect(replayed).toContain(`every answer came from the cache, no request was sent to ${server.url} in this run`);
    expect(replayed).toMatch(/LLM usage of the whole run: 0 tokens .*, 0 requests, 0 retries, \d+ cache hits/);
  });

  it('scores a dialogue whose extraction fails after its repairs as extracting nothing, counts it, and goes on', async () => {
    const failing = await startTestServer({ chat: scriptedExtraction });
    try {
      // The first LLM request is Persona-Chat's first dialogue (one chunk): its reply and both repairs break the schema.
      failing.enqueue({ json: { facts: 'none' } }, { json: { facts: 'none' } }, { json: { facts: 'none' } });
      const out = join(directory, 'failing');
      const result = await run(out, 'off', { limit: 3, baseUrl: failing.url });
      expect(result.ok, result.stderr).toBe(true);
      const json = JSON.parse(readFileSync(join(out, 'profile-extraction.json'), 'utf8')) as { personaChat: { results: Array<MethodRow & { failedDialogues?: number }> }; llm: { usage: { requests: number } } };
      const rows = json.personaChat.results.filter((row) => row.method.startsWith('LLM extractor'));
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(row.failedDialogues).toBe(1);
      expect(json.llm.usage.requests).toBe(failing.chatRequests().length);
      const text = markdown(out);
      expect(text).toContain('LLM extractor (scripted) (1 of 3 chunks failed, skipped; 1 of 3 dialogues failed on every chunk, scored as extracting nothing)');
      expect(text).toMatch(/LLM extractor \(scripted\): 5 requests, .* 1 of 3 dialogues failed on every chunk .* scored as extracting nothing; first failure: upstream_bad_response: /);
    } finally {
      await failing.close();
    }
  });

  it('stops at once, in one line, on an error that would fail every dialogue (a wrong base URL)', async () => {
    const endpoint = await startTestServer({ chat: scriptedExtraction });
    try {
      const result = await run(join(directory, 'wrong-url'), 'off', { limit: 3, baseUrl: endpoint.url.replace(/\/v1$/, '/nope') });
      expect(result.ok).toBe(false);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error \(upstream_error\): LLM endpoint \S+\/nope answered HTTP 404: .*\n$/);
      expect(endpoint.requests).toHaveLength(1);
    } finally {
      await endpoint.close();
    }
  });
});

// A missing data set (no Persona-Chat, no Synthetic-Persona-Chat: an empty data directory, run from a folder with no
// ./datasets or ../shared/datasets): the results said nothing of it, and the headline run replaced the committed files.
describe('profile-extraction experiment without its data sets', () => {
  const runWithout = async (args: string[]) => {
    const empty = mkdtempSync(join(tmpdir(), 'profile-extraction-nodata-'));
    const cwd = join(empty, 'cwd');
    mkdirSync(cwd);
    try {
      const result = await promisify(execFile)(tsx, ['--conditions=development', script, ...args], {
        cwd,
        timeout: 120_000,
        env: { ...process.env, PERSONALAB_DATA_DIR: empty, PERSONALAB_STATE_DIR: join(empty, 'state'), OPENAI_BASE_URL: '', OPENAI_API_KEY: '' },
      }).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: String(error.stderr) }),
      );
      return { ...result, empty };
    } catch (error) {
      rmSync(empty, { recursive: true, force: true });
      throw error;
    }
  };

  it('says in its results which data sets it left out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'profile-extraction-out-'));
    try {
      const { code, stderr, empty } = await runWithout(['--limit', '2', '--world-users', '2', '--out', out, '--quiet']);
      rmSync(empty, { recursive: true, force: true });
      expect(code, stderr).toBe(0);
      const markdown = readFileSync(join(out, 'profile-extraction.md'), 'utf8');
      expect(markdown).toContain('persona-chat not found: the Persona-Chat valid sections are left out');
      expect(markdown).toContain('synthetic-persona-chat not found: the Synthetic-Persona-Chat valid sections are left out');
      const json = JSON.parse(readFileSync(join(out, 'profile-extraction.json'), 'utf8')) as { skippedDataSets: string[] };
      expect(json.skippedDataSets).toHaveLength(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('refuses the headline run, which writes the committed results, in one line before any work', async () => {
    const committed = join(root, 'experiments', 'profile-extraction', 'results', 'profile-extraction.md');
    const before = readFileSync(committed, 'utf8');
    const { code, stderr, empty } = await runWithout([]);
    rmSync(empty, { recursive: true, force: true });
    expect(code).toBe(2);
    expect(stderr.trim()).toMatch(/^error \(not_found\): persona-chat not found .*give --out DIR to run without it$/);
    expect(readFileSync(committed, 'utf8')).toBe(before);
  }, 120_000);
});
