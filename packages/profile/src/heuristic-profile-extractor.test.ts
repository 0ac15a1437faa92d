import { describe, expect, it } from 'vitest';
import { emptyProfile, PersonalabError, profileSchema, type Message } from '@personalab/core';
import { candidateStatements } from './heuristic/candidate-statements.js';
import { HeuristicProfileExtractor } from './heuristic-profile-extractor.js';
import { applyObservations, normalizeSubject } from './merge/apply-observations.js';
import type { FactObservation } from './merge/observation.js';
import { profileStatements } from './profile-statements.js';
import { profileExtractorConformance } from './test/index.js';

profileExtractorConformance('HeuristicProfileExtractor', { create: () => new HeuristicProfileExtractor() });

const user = (id: string, content: string, timestamp: number): Message => ({ id, role: 'user', content, timestamp, userId: 'u9' });

describe('HeuristicProfileExtractor', () => {
  it('extracts facts, preferences and goals with evidence and renders them as statements', async () => {
    const messages = [
      user('a', "hi ! i'm a stunt double , i have two jobs .", 1),
      { id: 'b', role: 'assistant' as const, content: 'I love horror movies and I am a nurse.', timestamp: 2 },
      user('c', 'my favorite music is country . i want to be a pilot someday .', 3),
    ];
    const profile = await new HeuristicProfileExtractor().extract(messages);
    expect(profile.userId).toBe('u9');
    expect(profileSchema.parse(profile)).toEqual(profile);
    expect(profileStatements(profile)).toEqual(['i am a stunt double', 'i have two jobs', 'my favorite music is country', 'i want to be a pilot someday']);
    // The assistant's words are not the user's.
    expect(JSON.stringify(profile)).not.toContain('nurse');
    expect(profile.facts[0]?.evidence[0]).toMatchObject({ messageId: 'a', timestamp: 1 });
    expect(profile.goals[0]?.evidence[0]?.messageId).toBe('c');
  });

  it('gives a schema-valid profile, the same on every call, for empty, blank, emoji-only, 100 KB and non-English messages', async () => {
    const messages = [
      user('empty', '', 1),
      user('blank', ' \n\t ', 2),
      user('emoji', '😀🎉', 3),
      user('long', 'I work as a nurse and I have two dogs. '.repeat(2_600), 4), // about 100 KB
      user('french', "J'adore le jazz.", 5),
      user('chinese', '我喜欢爵士乐。', 6),
    ];
    const extractor = new HeuristicProfileExtractor();
    const profile = await extractor.extract(messages);
    expect(profileSchema.parse(profile)).toEqual(profile);
    expect(profileStatements(profile)).toEqual(['i work as a nurse', 'i have two dogs']);
    expect(profile.style.messageCount).toBe(6);
    expect(await extractor.extract(messages)).toEqual(profile);
  });

  it('keeps the second half of a contrasted taste, and records a change of taste in its history', async () => {
    const tastes = async (...contents: string[]) => {
      const profile = await new HeuristicProfileExtractor().extract(contents.map((content, index) => user(`m${index}`, content, (index + 1) * 1000)));
      return profile.preferences.map(({ subject, polarity, strength, history }) => ({ subject, polarity, strength, history: history.map((state) => [state.polarity, state.strength, state.from, state.to]) }));
    };
    // The chat had gone on to list a musical: the dislike was lost.
    expect(await tastes('I also like comedies but hate musicals')).toEqual([
      { subject: 'comedies', polarity: 'like', strength: 0.7, history: [] },
      { subject: 'musicals', polarity: 'dislike', strength: 0.9, history: [] },
    ]);
    // The wife's taste is not the user's.
    expect(await tastes('I like action movies, my wife hates them')).toEqual([{ subject: 'action movies', polarity: 'like', strength: 0.7, history: [] }]);
    expect(await tastes('I love horror movies', 'I used to love horror but now I prefer comedies')).toEqual([
      { subject: 'horror movies', polarity: 'neutral', strength: 0, history: [['like', 0.9, 1000, 2000]] },
      { subject: 'comedies', polarity: 'like', strength: 0.6, history: [] },
    ]);
    expect(await tastes('I liked horror as a kid but now I hate it')).toEqual([{ subject: 'horror', polarity: 'dislike', strength: 0.9, history: [['like', 0.7, 1000, 1000]] }]);
  });

  it('orders messages by time, so a later change wins', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('late', 'i hate running now', 20), user('early', 'i love running', 10)]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like', from: 10, to: 20 }] });
  });

  it('takes a backfilled message, dated before previous.updatedAt, without letting it undo what was said after it', async () => {
    const extractor = new HeuristicProfileExtractor();
    const previous = await extractor.extract([user('a', 'I love sushi.', 1000)]);
    const updated = await extractor.extract([user('b', 'I like sushi.', 10), user('c', 'I hate jazz.', 20)], { previous });
    const batch = await extractor.extract([user('b', 'I like sushi.', 10), user('a', 'I love sushi.', 1000)]);
    // The older, weaker "i like sushi" had set the strength (0.7): the batch run of the same messages says 0.9.
    expect(updated.preferences.find((entry) => entry.subject === 'sushi')).toMatchObject({ polarity: 'like', strength: batch.preferences[0]?.strength, lastUpdated: 1000, history: [] });
    expect(updated.preferences.find((entry) => entry.subject === 'jazz')).toMatchObject({ polarity: 'dislike', firstSeen: 20 });
    expect(updated.updatedAt).toBe(1000);
  });

  it('keeps a message without a timestamp beside the one before it and still sorts the timed ones', async () => {
    // A JavaScript caller's or an unvalidated object's message may lack the time the type asks for.
    const untimed = { id: 'x', role: 'user', content: 'i have a cat', userId: 'u9' } as unknown as Message;
    const profile = await new HeuristicProfileExtractor().extract([user('late', 'i hate running now', 30), untimed, user('early', 'i love running', 10)]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like', from: 10, to: 30 }] });
    expect(profile.facts.find((fact) => fact.value.includes('cat'))?.evidence[0]).toMatchObject({ messageId: 'x', timestamp: 30 });
    expect(profile.updatedAt).toBe(30);
    const leading = await new HeuristicProfileExtractor().extract([untimed, user('late', 'i hate running now', 30), user('early', 'i love running', 10)]);
    expect(leading.preferences[0]).toMatchObject({ polarity: 'dislike', history: [{ polarity: 'like', from: 10, to: 30 }] });
    expect(profileSchema.safeParse(leading).success).toBe(true);
  });

  it('reads statements within one message in order', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('m', 'I loved jazz for years. But I hate jazz now, because it got boring.', 5)]);
    expect(profile.preferences[0]).toMatchObject({ polarity: 'dislike', reason: 'it got boring', history: [{ polarity: 'like' }] });
  });

  it('records "i used to avoid x, but now i\'m hooked" as a change from dislike, over an earlier "x bore me to tears"', async () => {
    // PersonaMem's varied wordings say both; reading only the first (a dislike) had answered its recommendation questions wrong.
    const profile = await new HeuristicProfileExtractor().extract([
      user('m1', 'Cruise vacations bore me to tears.', 1),
      user('m2', "Funny, I used to avoid cruise vacations, but now I'm hooked because it became a way to bond with my daughter.", 2),
    ]);
    expect(profile.preferences).toMatchObject([{ subject: 'cruise vacations', polarity: 'like', strength: 0.9, history: [{ polarity: 'dislike' }] }]);
    const hooked = await new HeuristicProfileExtractor().extract([user('m1', "I used to avoid nature documentaries, but now I'm totally obsessed.", 1)]);
    expect(hooked.preferences).toMatchObject([{ subject: 'nature documentaries', polarity: 'like' }]);
  });

  it('records "i never used to enjoy x, but now i love them" as a change with the earlier state', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('m1', 'I never used to enjoy spicy food, but now I love them.', 7)]);
    expect(profile.preferences).toMatchObject([{ subject: 'spicy food', polarity: 'like', history: [{ polarity: 'dislike', evidence: [{ messageId: 'm1', quote: 'i never used to enjoy spicy food' }] }] }]);
    expect(profile.preferences[0]?.evidence.map((evidence) => evidence.messageId)).toEqual(['m1', 'm1']);
    expect(profileStatements(profile)).toContain('i love spicy food');
  });

  it('records "not into x anymore" after "i love x" as one change, dated by the later message, with its reason', async () => {
    const profile = await new HeuristicProfileExtractor().extract([
      user('s0', 'I love horror movies.', 1),
      user('s2', "I'm not into horror movies anymore because they give me nightmares.", 50),
      user('s3', "Lately I've gotten into westerns.", 60),
    ]);
    expect(profile.preferences).toMatchObject([
      { subject: 'horror movies', polarity: 'dislike', reason: 'they give me nightmares', history: [{ polarity: 'like', from: 1, to: 50 }] },
      { subject: 'westerns', polarity: 'like', history: [{ polarity: 'neutral', to: 60 }] },
    ]);
    expect(profile.preferences[0]?.history).toHaveLength(1);
  });

  it('keeps a name, and a fact taken back, whatever the persona filter scores them', async () => {
    const profile = await new HeuristicProfileExtractor().extract([
      user('a', 'My name is Anna. I am vegetarian. I have two dogs. I live in Berlin.', 1),
      user('b', "I'm not a vegetarian anymore. I don't have any dogs.", 2),
      user('c', 'I moved to Munich.', 3),
    ]);
    const facts = profile.facts.map((fact) => `${fact.key}: ${fact.value}`);
    expect(facts).toContain('name: my name is anna');
    // The old facts had stayed beside (or instead of) the new ones.
    expect(facts.filter((fact) => /vegetarian|dogs|berlin|munich/.test(fact))).toEqual(['food: i am not a vegetarian anymore', 'pet: i do not have any dogs', 'location: i moved to munich']);
    // The filter still runs: the default (`true`) is the shipped model.
    expect(() => new HeuristicProfileExtractor({ filter: true })).not.toThrow();
  });

  it('replaces the occupation when a new one is said to be new, and keeps a second job said without that', async () => {
    const occupations = async (...texts: string[]) =>
      (await new HeuristicProfileExtractor().extract(texts.map((text, index) => user(`m${index}`, text, index + 1)))).facts.filter((fact) => fact.key === 'occupation').map((fact) => fact.value);
    // "I work as a pilot now" had stood beside "i am a nurse".
    expect(await occupations("I'm a nurse.", 'I work as a pilot now.')).toEqual(['i work as a pilot']);
    expect(await occupations('I work as a nurse.', 'I got a new job as a teacher.')).toEqual(['i got a new job as a teacher']);
    expect(await occupations('I work as a nurse.', 'I also work as a bartender on weekends.')).toEqual(['i work as a nurse', 'i work as a bartender on weekends']);
    // "now" without a job named changes nothing.
    expect(await occupations('I work as a nurse.', 'I work from home now.')).toContain('i work as a nurse');
  });

  it('reads a job change only in the sentence that states the job, and never for a second job', () => {
    const nurse: FactObservation = { kind: 'fact', key: 'occupation', value: 'i work as a nurse', confidence: 0.8, evidence: [{ messageId: 'a', quote: 'I work as a nurse.' }], timestamp: 1 };
    const next = (value: string, quote: string): FactObservation => ({ kind: 'fact', key: 'occupation', value, confidence: 0.8, evidence: [{ messageId: 'b', quote }], timestamp: 2 });
    const jobs = (observation: FactObservation) => applyObservations(emptyProfile('u', 0), [nurse, observation]).facts.map((fact) => fact.value);
    // An LLM extractor quotes the whole message: "became" was about the son, "now" about being tired.
    expect(jobs(next('i work at a hospital', 'My son became a pilot. I work at a hospital.'))).toEqual(['i work as a nurse', 'i work at a hospital']);
    expect(jobs(next('i also work as a bartender on weekends', 'Right now I am tired. I also work as a bartender on weekends.'))).toEqual(['i work as a nurse', 'i also work as a bartender on weekends']);
    expect(jobs(next('i work as a pilot', 'Big news! I work as a pilot now.'))).toEqual(['i work as a pilot']);
  });

  it('answers "no, i do not" to "do you like x?" with a dislike, merged with the genre named alone', async () => {
    const profile = await new HeuristicProfileExtractor().extract([
      { id: 'q', role: 'assistant', content: 'Do you like horror movies?', timestamp: 1 },
      user('a', "No, I don't. I don't like horror anymore.", 2),
    ]);
    // One preference: "horror" and "horror movies" are the same taste (they had come out as a dislike and a like).
    expect(profile.preferences.map((preference) => [normalizeSubject(preference.subject), preference.polarity])).toEqual([['horror', 'dislike']]);
  });

  it('turns "i have been really into x lately" into the current preference, replacing an older one', async () => {
    const profile = await new HeuristicProfileExtractor().extract([user('old', 'i hate jazz', 1), user('new', "I've been really into jazz lately.", 9)]);
    expect(profile.preferences).toMatchObject([{ subject: 'jazz', polarity: 'like', lastUpdated: 9, history: [{ polarity: 'dislike', from: 1, to: 9 }] }]);
  });

  it('reads a lukewarm verdict on a kind of film as neutral, and a dislike taken back toward the middle as mild (recommender QA pass)', async () => {
    const tastes = async (...contents: string[]) =>
      (await new HeuristicProfileExtractor().extract(contents.map((content, index) => user(`m${index}`, content, (index + 1) * 1000)))).preferences.map((preference) => [
        preference.subject,
        preference.polarity,
        preference.strength,
      ]);
    // These had given no taste at all.
    expect(await tastes('comedies are okay I guess')).toEqual([['comedies', 'neutral', 0.2]]);
    expect(await tastes('westerns are hit or miss for me')).toEqual([['westerns', 'neutral', 0.2]]);
    expect(await tastes('dramas are fine, nothing special')).toEqual([['dramas', 'neutral', 0.2]]);
    expect(await tastes('I guess sci-fi is alright')).toEqual([['sci-fi', 'neutral', 0.2]]);
    // A liking said lukewarm later is lukewarm now.
    expect(await tastes('I love comedies', 'comedies are okay I guess')).toEqual([['comedies', 'neutral', 0.2]]);
    // "Not really my thing but I don't hate it" had been a dislike of 0.7 (kept out of a recommender's lists).
    expect(await tastes("horror is not really my thing but I don't hate it")).toEqual([['horror', 'dislike', 0.4]]);
    expect(await tastes("I'm not a fan of westerns, but they're ok")).toEqual([['westerns', 'dislike', 0.4]]);
    expect(await tastes("I'm not a fan of westerns")).toEqual([['westerns', 'dislike', 0.7]]);
    // Not of everyday things, which state no taste this way.
    expect(await tastes('my job is okay')).toEqual([]);
    expect(await tastes('everything is fine')).toEqual([]);
    expect(await tastes('the food is fine')).toEqual([]);
  });

  it('keeps other first-person clauses as facts with evidence, and drops chatter and echoes', async () => {
    const messages: Message[] = [
      { id: 'p1', role: 'assistant', content: 'hi ! what do you do for fun ?', timestamp: 1 },
      user('s1', 'lol well my parents live in bora bora , what about you ?', 2),
      { id: 'p2', role: 'assistant', content: 'i am sitting on the couch watching tv', timestamp: 3 },
      user('s2', 'oh cool . i am sitting on the couch too', 4),
    ];
    const filtered = await new HeuristicProfileExtractor().extract(messages);
    expect(filtered.facts).toMatchObject([{ value: 'my parents live in bora bora', evidence: [{ messageId: 's1' }] }]);
    expect(filtered.facts[0]?.confidence).toBeGreaterThan(0);
    const unfiltered = await new HeuristicProfileExtractor({ filter: false }).extract(messages);
    expect(profileStatements(unfiltered)).toEqual(['my parents live in bora bora', 'i am sitting on the couch']);
    const patternsOnly = await new HeuristicProfileExtractor({ filter: false, clauseFacts: false }).extract(messages);
    expect(patternsOnly.facts).toEqual([]);
  });

  it('keeps stated goals and tastes whatever the filter scores', async () => {
    const messages = [user('g1', "I'm planning a movie marathon for my birthday.", 1), user('g2', 'I want to explore films from other countries.', 2), user('t1', 'i love sushi', 3)];
    const strict = await new HeuristicProfileExtractor({ filterThreshold: 0.99 }).extract(messages);
    expect(strict.goals.map((goal) => goal.evidence[0]?.messageId)).toEqual(['g1', 'g2']);
    expect(strict.preferences).toMatchObject([{ subject: 'sushi', polarity: 'like' }]);
  });

  it('fails clearly without a user id, and when cancelled', async () => {
    const extractor = new HeuristicProfileExtractor();
    await expect(extractor.extract([{ id: 'x', role: 'user', content: 'i am tall', timestamp: 0 }])).rejects.toSatisfy((error) => PersonalabError.is(error, 'invalid_argument'));
    const controller = new AbortController();
    controller.abort();
    await expect(extractor.extract([], { userId: 'u', signal: controller.signal })).rejects.toSatisfy((error) => PersonalabError.is(error, 'cancelled'));
  });
});

describe('HeuristicProfileExtractor answers', () => {
  const partner = (id: string, content: string, timestamp: number): Message => ({ id, role: 'assistant', content, timestamp });

  it('completes a bare answer to "what is your favorite x ?" with the question\'s category', async () => {
    const profile = await new HeuristicProfileExtractor().extract([partner('q', "what's your favorite food ?", 1), user('a', 'cheese pizza . what about you ?', 2)]);
    expect(profile.preferences).toMatchObject([{ subject: 'cheese pizza', category: 'food', polarity: 'like', strength: 1, evidence: [{ messageId: 'a' }] }]);
    expect(profileStatements(profile)).toEqual(['my favorite food is cheese pizza']);
  });

  it('completes bare answers about work, home and age, with the answer as evidence', async () => {
    const profile = await new HeuristicProfileExtractor().extract([partner('q1', 'hi ! what do you do for a living ?', 1), user('a1', 'a nurse . you ?', 2), partner('q2', 'where are you from ?', 3), user('a2', 'ohio', 4)]);
    expect(profile.facts).toMatchObject([
      { key: 'occupation', value: 'i am a nurse', evidence: [{ messageId: 'a1' }] },
      { key: 'location', value: 'i am from ohio', evidence: [{ messageId: 'a2' }] },
    ]);
  });

  it('does not read a refusal, a hedge or a sentence as a favourite', async () => {
    for (const reply of ['i do not have one', 'oh that is a hard one', 'i have too many to count']) {
      const profile = await new HeuristicProfileExtractor().extract([partner('q', 'what is your favorite color ?', 1), user('a', reply, 2)]);
      expect(profile.preferences, reply).toEqual([]);
    }
    // The same words without the question are not a preference.
    expect((await new HeuristicProfileExtractor().extract([user('a', 'cheese pizza .', 2)])).preferences).toEqual([]);
  });
});

describe('candidateStatements', () => {
  it('adds plain first-person clauses after the mined statements, and leaves them out (unbuilt) when asked', () => {
    const message = 'i grew up on a farm , we had goats and my dad drove a tractor .';
    const all = candidateStatements(message);
    expect(all.some((candidate) => candidate.source === 'clause')).toBe(true);
    const withoutClauses = candidateStatements(message, undefined, { clauses: false });
    expect(withoutClauses.some((candidate) => candidate.source === 'clause')).toBe(false);
    expect(withoutClauses).toEqual(all.filter((candidate) => candidate.source !== 'clause'));
  });
});
