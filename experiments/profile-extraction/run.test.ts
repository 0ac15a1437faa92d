import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
  const run = async (out: string, cache: 'write' | 'read') => {
    try {
      await promisify(execFile)(tsx, ['--conditions=development', script, '--limit', '6', '--world-users', '3', '--out', out, '--quiet'], {
        cwd: root,
        timeout: 120_000,
        maxBuffer: 64 * 1024 * 1024,
        env: {
          ...process.env,
          OPENAI_BASE_URL: server.url,
          OPENAI_API_KEY: 'test-key',
          PERSONALAB_CHAT_MODEL: 'scripted',
          PERSONALAB_LLM_CACHE: cache,
          PERSONALAB_LLM_CACHE_PATH: join(directory, 'llm-cache.sqlite'),
          PERSONALAB_LLM_MAX_RETRIES: '0',
        },
      });
      return { ok: true, stderr: '' };
    } catch (error) {
      return { ok: false, stderr: String((error as { stderr?: string }).stderr ?? error) };
    }
  };
  const llmRows = (out: string) => {
    const json = JSON.parse(readFileSync(join(out, 'profile-extraction.json'), 'utf8')) as { llm: { enabled: boolean }; personaChat: { results: MethodRow[] } };
    return { enabled: json.llm.enabled, rows: json.personaChat.results.filter((row) => row.method.startsWith('LLM extractor')) };
  };

  it('measures the LLM extractor through the endpoint, then replays it from the cache with the server stopped', async () => {
    const first = await run(join(directory, 'first'), 'write');
    expect(first.ok, first.stderr).toBe(true);
    const requests = server.chatRequests().length;
    expect(requests).toBeGreaterThanOrEqual(6);
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
  });
});
