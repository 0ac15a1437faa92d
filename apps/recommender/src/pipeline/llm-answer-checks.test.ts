import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PersonalabError, emptyProfile } from '@personalab/core';
import { createOpenAIChatModel } from '@personalab/llm';
import { startTestServer, type RecordedRequest, type TestServer } from '@personalab/llm/test';
import { auth, openTinyService, type TinyService } from '../test/harness.js';
import { tinyItems } from '../test/tiny-catalogue.js';
import { constraintFilter, readConstraints, withOfflineFloor, type ConstraintUpdate } from './constraints.js';
import { unsupportedGenres } from './genre-claims.js';
import { LlmExplainer } from './llm-explainer.js';
import { LlmReranker } from './llm-reranker.js';
import { OfflineReranker } from './offline-reranker.js';
import { collectTagStems } from './taste.js';
import type { Candidate } from './types.js';

// The QA pass's finding: with an LLM configured, the chat trusted its answers. Each test scripts a wrong answer.
let server: TestServer;
let tiny: TinyService | undefined;
const model = () => createOpenAIChatModel({ baseURL: server.url, apiKey: 'x', model: 'scripted', maxRetries: 0, timeoutMs: 20_000, maxRepairs: 0 });
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await tiny?.close();
  await server.close();
});
beforeEach(async () => {
  server.reset();
  await tiny?.close();
  tiny = await openTinyService({ chatModel: model() });
});

const stems = collectTagStems(tinyItems);
const byTitle = (title: string) => tinyItems.find((item) => item.title === title)!;
const schemaOf = (request: RecordedRequest) => String(request.body.response_format?.json_schema?.name ?? '');
const promptOf = (request: RecordedRequest) => String(request.body.messages[1].content);
const unchanged = { reset: false, wantedGenres: [], avoidedGenres: [], addsToEarlierGenres: false, years: null, anyYear: false, audience: 'unchanged' };
/** Answers constraint readings with `reading`, re-rankings with the Horror candidates first, explanations with `explanation`. */
function script(reading: Record<string, unknown>, explanation = 'Scripted.', reason = 'Scripted.'): void {
  server.setChatHandler((request) => {
    if (schemaOf(request) === 'constraints') return { json: { ...unchanged, ...reading } };
    if (schemaOf(request) === 'explanation') return { json: { explanation } };
    const lines = [...promptOf(request).matchAll(/id=(\S+): ([^\n]*)/g)];
    const ids = [...lines.filter((line) => line[2]!.includes('Horror')), ...lines].map((line) => line[1]!);
    return { json: { recommendations: ids.slice(0, 3).map((itemId) => ({ itemId, reason })) } };
  });
}
const chat = async (message: string, sessionId?: string) =>
  (await tiny!.app.inject({ method: 'POST', url: '/v1/chat', headers: auth, payload: { userId: 'u1', message, k: 3, ...(sessionId ? { sessionId } : {}) } })).json();

describe('the offline reading is a floor under the LLM constraint reader', () => {
  it('keeps "no horror" the LLM missed, so the re-ranker cannot put a Horror film in the list', async () => {
    // The LLM reads only the comedy; the re-ranker then names the Horror candidates first.
    script({ wantedGenres: ['Comedy'] });
    const turn = await chat('a comedy please, no horror');
    expect(turn.constraints).toEqual({ tags: { Comedy: 0.3, Horror: -1 } });
    expect(turn.degraded).toBe(false);
    expect(turn.recommendations).toHaveLength(3);
    for (const entry of turn.recommendations) expect(entry.item.tags).not.toContain('Horror');
  });

  it('adds what the LLM reads beyond the offline reader, and the offline reader wins where they disagree', async () => {
    // Offline: no horror, the 90s. The LLM asks for horror, other years and children, and rules out war.
    script({ wantedGenres: ['Horror'], avoidedGenres: ['War'], years: { from: 1980, to: 1985 }, audience: 'children' });
    const turn = await chat('no horror, something from the 90s');
    expect(turn.constraints).toEqual({ tags: { Horror: -1, War: -1 }, years: { from: 1990, to: 1999 }, audience: 'children' });
  });

  it('merges field by field', () => {
    const vocabulary = { stems, latestYear: 1999 };
    const llm = (fields: Partial<ConstraintUpdate>): ConstraintUpdate => ({ reset: false, wanted: {}, avoided: {}, adds: false, ...fields });
    // The LLM ruling out a genre the message asks for does not drop it; one the LLM adds is kept.
    const offline = readConstraints('a comedy please', vocabulary);
    expect(withOfflineFloor(offline, llm({ avoided: { comed: -1, war: -1 } }))).toMatchObject({ wanted: { comed: 0.3 }, avoided: { war: -1 } });
    // "Just adults" read offline stands against the LLM's children; years the offline reader left unset come from the LLM.
    const adults = readConstraints('just adults tonight, a thriller', vocabulary);
    expect(withOfflineFloor(adults, llm({ audience: 'children', years: { from: 1995 } }))).toMatchObject({ audience: null, years: { from: 1995 }, wanted: { thriller: 0.3 } });
    // A message the offline reader finds nothing in is the LLM's reading unchanged.
    const nothing = readConstraints('nothing that would give my little one nightmares', vocabulary);
    expect(nothing).toEqual({ reset: false, wanted: {}, avoided: {}, adds: false });
    const reading = llm({ avoided: { horror: -1 }, audience: 'children' });
    expect(withOfflineFloor(nothing, reading)).toEqual(reading);
  });
});

describe("the LLM re-ranker's list is checked", () => {
  const candidates: Candidate[] = tinyItems.map((item, index) => ({ item, score: 1 - index / 100, source: 'model' }));
  // The session: no horror, from 1995 on.
  const accept = constraintFilter({ tags: { horror: -1 }, years: { from: 1995 } }, stems);
  const rerank = (recommendations: Array<{ itemId: string; reason: string }>) => {
    server.enqueue({ json: { recommendations } });
    const reranker = new LlmReranker({ model: model(), fallback: new OfflineReranker() });
    return reranker.rerank({ profile: emptyProfile('u1'), history: [], candidates, k: 5, accept, genreStems: stems });
  };

  it('keeps only candidates, once each, that meet every hard constraint, and fills the list to k in the offline order', async () => {
    const ranked = await rerank([
      { itemId: byTitle('Blood Night').id, reason: 'Horror, 1994.' },
      { itemId: byTitle('Laugh Riot').id, reason: 'You like to laugh.' },
      { itemId: byTitle('Laugh Riot').id, reason: 'Again.' },
      { itemId: 'not-a-candidate', reason: 'Made up.' },
      { itemId: byTitle('Giggle Town').id, reason: 'From 1994.' },
      { itemId: byTitle('Silly Summer').id, reason: 'A great horror romp.' },
    ]);
    const ids = ranked.map((entry) => entry.item.id);
    expect(ids.slice(0, 2)).toEqual([byTitle('Laugh Riot').id, byTitle('Silly Summer').id]);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
    for (const entry of ranked) expect(accept!(entry.item)).toBe(true);
    // The filled places follow the offline order of the valid candidates.
    const offline = (await new OfflineReranker().rerank({ profile: emptyProfile('u1'), history: [], candidates, k: candidates.length })).filter((entry) => accept!(entry.item));
    expect(ids.slice(2)).toEqual(offline.map((entry) => entry.item.id).filter((id) => !ids.slice(0, 2).includes(id)).slice(0, 3));
    expect(ranked[0]?.reason).toBe('You like to laugh.');
    // "A great horror romp" of a comedy romance: the reason is dropped and the offline explainer speaks.
    expect(ranked[1]?.reason).toBeUndefined();
  });

  it('refuses an answer with no candidate that meets the constraints (the offline path answers, degraded)', async () => {
    await expect(rerank([{ itemId: byTitle('Scream Cabin').id, reason: 'Scary.' }])).rejects.toSatisfy((error) => PersonalabError.is(error, 'upstream_bad_response'));
  });
});

describe('LLM explanations are checked against the item genres', () => {
  it('reads genre words with the offline vocabulary', () => {
    const toon = byTitle('Toon Heroes');
    expect(unsupportedGenres('A true comedy classic that fits your taste for laughs.', toon, stems)).toEqual(['comed']);
    expect(unsupportedGenres('A gentle animated film for the family, with no horror in it.', toon, stems)).toEqual([]);
    expect(unsupportedGenres('A sci-fi thriller.', toon, stems)).toEqual(['thriller', 'sci']);
    expect(unsupportedGenres('You loved Laugh Riot.', toon, stems)).toEqual([]);
  });

  it('refuses such an explanation in the explainer itself, with every genre the offline reader knows when not given the catalogue\'s', async () => {
    server.enqueue({ json: { explanation: 'A classic western.' } });
    const explainer = new LlmExplainer({ model: model() });
    const input = { profile: emptyProfile('u1'), history: [], item: byTitle('Toon Heroes') };
    await expect(explainer.explain(input)).rejects.toSatisfy((error) => PersonalabError.is(error, 'upstream_bad_response') && error.message.includes('names western'));
    server.enqueue({ json: { explanation: 'A cartoon for the kids.' } });
    expect(await explainer.explain(input)).toBe('A cartoon for the kids.');
  });

  it('replaces an explanation naming a genre the item lacks with the offline one, and counts it', async () => {
    script({}, 'A true comedy classic that fits your taste for laughs.');
    const first = await chat('recommend something');
    const why = await chat('why Toon Heroes?', first.sessionId);
    expect(why.reply).not.toContain('comedy classic');
    expect(why.reply).toContain('Toon Heroes (1996): Animation / Children.');
    expect(why.degraded).toBe(true);
    expect(tiny!.service.metrics.counterValue('personalab_llm_fallbacks_total', { step: 'explain' })).toBe(1);
    // The prompt names the item's own genres as the only ones to give it.
    const asked = server.chatRequests().filter((request) => schemaOf(request) === 'explanation');
    expect(promptOf(asked[0]!)).toContain('Name no genre for it but its own (Animation, Children).');
  });

  it('keeps an explanation whose genres are the item\'s own', async () => {
    script({}, 'An animated film for children, and no horror in sight.');
    const why = await chat('why Toon Heroes?');
    expect(why.reply).toContain('An animated film for children, and no horror in sight.');
    expect(why.degraded).toBe(false);
  });

  it("drops a re-ranker's reason that names a genre the item lacks", async () => {
    script({ avoidedGenres: ['Horror'] }, 'unused', 'A true western classic.');
    const turn = await chat('no horror please, something else');
    expect(turn.recommendations.length).toBeGreaterThan(0);
    for (const entry of turn.recommendations) expect(entry.explanation).not.toContain('western');
  });
});
