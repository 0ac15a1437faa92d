import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type RecordedRequest, type TestServer } from '@personalab/llm/test';
import { auth, openTinyService, type TinyService } from '../test/harness.js';
import { tinyItems } from '../test/tiny-catalogue.js';
import { noConstraints } from './constraints.js';
import { constraintPrompt, toUpdate } from './llm-constraints.js';
import { collectTagStems } from './taste.js';

let server: TestServer;
let tiny: TinyService | undefined;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await tiny?.close();
  await server.close();
});
beforeEach(async () => {
  server.reset();
  // No test here is about timeouts: a tight one made the reader fall back offline when CI's two cores were busy.
  await tiny?.close();
  tiny = await openTinyService({ chatModel: createOpenAIChatModel({ baseURL: server.url, apiKey: 'x', model: 'scripted', maxRetries: 0, timeoutMs: 20_000, maxRepairs: 0 }) });
});

const schemaOf = (request: RecordedRequest) => String(request.body.response_format?.json_schema?.name ?? '');
const promptOf = (request: RecordedRequest | undefined) => String(request?.body.messages[1].content);
const answer = (fields: Record<string, unknown>) => ({
  json: { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged', ...fields },
});
/** Answers the constraint reading from `script` (one per turn) and every re-ranking with the first candidates. */
function scripted(script: Array<Record<string, unknown>>): void {
  server.setChatHandler((request) => {
    if (schemaOf(request) === 'constraints') return answer(script.shift() ?? {});
    const ids = [...promptOf(request).matchAll(/id=(\S+):/g)].map((match) => ({ itemId: match[1] as string, reason: 'Scripted.' }));
    return { json: { recommendations: ids.slice(0, 3) } };
  });
}
const chat = async (message: string, sessionId?: string) =>
  (await tiny!.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', message, k: 3, ...(sessionId ? { sessionId } : {}) } })).json();

describe('LLM constraint reader', () => {
  it('reads free phrasing into the session constraints, with the catalogue genres and the earlier request in the prompt', async () => {
    scripted([{ avoidedGenres: ['Horror', 'Thriller'], years: { from: 1995, to: null }, audience: 'children' }, { wantedGenres: ['Comedy', 'Not A Genre'], addsToEarlierGenres: true }]);
    const first = await chat('nothing that would give my little one nightmares, and fairly recent please');
    // The response names genres as the catalogue does.
    expect(first.constraints).toEqual({ tags: { Horror: -1, Thriller: -1 }, years: { from: 1995 }, audience: 'children' });
    expect(first.degraded).toBe(false);
    for (const entry of first.recommendations) {
      expect(entry.item.year).toBeGreaterThanOrEqual(1995);
      expect(entry.item.tags.some((tag: string) => tag === 'Children' || tag === 'Family')).toBe(true);
    }
    const requests = server.chatRequests().filter((request) => schemaOf(request) === 'constraints');
    expect(promptOf(requests[0])).toContain('Genres in the catalogue: Action, Adventure, Animation, Children, Comedy');
    expect(promptOf(requests[0])).toContain('"nothing that would give my little one nightmares, and fairly recent please"');
    expect(promptOf(requests[0])).toContain('Asked for so far in this conversation: nothing.');
    const second = await chat('something that makes us laugh', first.sessionId);
    // The unknown genre is dropped; the rest of the earlier request stays.
    expect(second.constraints).toEqual({ tags: { Horror: -1, Thriller: -1, Comedy: 0.3 }, years: { from: 1995 }, audience: 'children' });
    const later = server.chatRequests().filter((request) => schemaOf(request) === 'constraints');
    expect(promptOf(later[1])).toContain('Asked for so far in this conversation: from 1995 on, for children, no horror or thriller.');
  });

  it('falls back to the offline reader when the LLM fails, and counts it', async () => {
    server.setChatHandler((request) => (schemaOf(request) === 'constraints' ? { fault: 'server_error' } : { json: { recommendations: [{ itemId: [...promptOf(request).matchAll(/id=(\S+):/g)][0]?.[1] ?? 'x', reason: 'r' }] } }));
    const turn = await chat('some comedies from the late 90s');
    expect(turn.constraints).toEqual({ tags: { Comedy: 0.3 }, years: { from: 1995, to: 1999 } });
    expect(turn.degraded).toBe(true);
    expect(tiny!.service.metrics.counterValue('personalab_llm_fallbacks_total', { step: 'constraints' })).toBe(1);
    for (const entry of turn.recommendations) expect(entry.item.year).toBeGreaterThanOrEqual(1995);
  });

  it('keeps catalogue genres and plausible years only', () => {
    const context = { stems: collectTagStems(tinyItems), latestYear: 1999, genres: ['Comedy', 'Sci-Fi', 'Horror'], previous: noConstraints() };
    const base = { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' as const };
    expect(toUpdate({ ...base, wantedGenres: ['sci-fi', 'Horror', 'Westerns'], avoidedGenres: ['horror'] }, context)).toEqual({ reset: false, wanted: { sci: 0.3 }, avoided: { horror: -1 }, adds: false });
    expect(toUpdate({ ...base, years: { from: 2020, to: 1800 } }, context).years).toEqual({ from: 1870, to: 1999 });
    expect(toUpdate({ ...base, years: { from: null, to: null } }, context).years).toBeUndefined();
    expect(toUpdate({ ...base, anyYear: true, audience: 'adults', reset: true }, context)).toMatchObject({ reset: true, years: null, audience: null });
  });

  it('tells the model what "recent" and "classic" mean from the catalogue\'s recent end, and that negations rule genres out', () => {
    const context = { stems: collectTagStems(tinyItems), latestYear: 2020, recentEnd: 1998, genres: ['Comedy', 'Horror'], previous: noConstraints() };
    const prompt = constraintPrompt('Recommend something scary-free from 1995 to 1990', context);
    expect(prompt).toContain("The catalogue's latest release year is 2020.");
    expect(prompt).toContain('"Recent" or "new" means released in 1994 or later.');
    expect(prompt).toContain('"Classic" or "old" means released in 1973 or earlier.');
    expect(prompt).toContain('"X-free" and "anything but X" rule X out');
    expect(prompt).toContain('"Recommend something scary-free from 1995 to 1990"');
    // A change of mind rules a genre out, a negation reaches only its own thought, and life's years and ages are no release years.
    expect(prompt).toContain('"actually I can\'t stand horror", "a western? no way", "I\'ve gone off westerns") rules it out');
    expect(prompt).toContain('"less action and more comedy" asks for comedy');
    expect(prompt).toContain('("I went to Rome in 1998", "married since 1985", "born in the 80s") and ages ("in my 40s") are not release years');
    // Years the model gives backwards are put in order.
    const base = { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' as const };
    expect(toUpdate({ ...base, years: { from: 1995, to: 1990 } }, context).years).toEqual({ from: 1990, to: 1995 });
  });
});
