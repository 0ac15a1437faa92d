import { describe, expect, it } from 'vitest';
import type { DialogueTurn, Item } from '@personalab/core';
import { ExactIndex } from '@personalab/retrieval';
import { ScriptedAssistant } from './assistants/scripted-assistant.js';
import { ContradictionChecker } from './contradiction.js';
import { simulate } from './harness/simulate.js';
import { RetrievalUserSimulator, type RetrievalUserSimulatorOptions } from './retrieval-user-simulator.js';
import type { SimulatedUser } from './simulated-user.js';
import { hiddenFacts, horrorFan, testCatalog } from './test/fixtures.js';
import { personaProfile } from './persona-profile.js';
import { createTestEmbedder } from './test/test-embedder.js';
import { isQuestion } from './text.js';
import { hasTemplateSlot, UserTurnCorpus, type UserTurn } from './user-turn-corpus.js';

const questions = ['Do you have any pets?', 'What kind of movies do you like?', 'What did you have for dinner?', 'Where do you live?', 'What is your favorite color?'];
/** For each question, replies that contradict the hidden facts and one that does not. */
const contradicting = [
  "No, I don't have any dogs, I am allergic.",
  'I have three dogs and a cat.',
  'I hate horror movies, too scary for me.',
  'A big juicy steak! I love a good steak.',
  'I live in Ohio, in a small house.',
  'My favorite color is red.',
];
const corpusTurns: UserTurn[] = [
  { context: 'Do you have any pets?', text: contradicting[0] as string, conversationId: 'c1' },
  { context: 'Do you have any pets?', text: contradicting[1] as string, conversationId: 'c2' },
  { context: 'Do you have any pets at home?', text: 'Yes, two dogs. They keep me busy.', conversationId: 'c3' },
  { context: 'What kind of movies do you like?', text: contradicting[2] as string, conversationId: 'c1' },
  { context: 'What movies do you like?', text: 'The scarier the better, honestly.', conversationId: 'c4' },
  { context: 'What did you have for dinner?', text: contradicting[3] as string, conversationId: 'c2' },
  { context: 'What did you have for dinner tonight?', text: 'Just a salad with tofu.', conversationId: 'c5' },
  { context: 'Where do you live?', text: contradicting[4] as string, conversationId: 'c1' },
  { context: 'Where do you live these days?', text: 'Down in Texas, near Austin.', conversationId: 'c6' },
  { context: 'What is your favorite color?', text: contradicting[5] as string, conversationId: 'c3' },
  { context: 'What is your favourite colour?', text: 'Blue, always blue.', conversationId: 'c7' },
  { context: '', text: 'Hi! How are you today?', conversationId: 'c8' },
  { context: '', text: 'Hello there, nice to meet you.', conversationId: 'c9' },
];

/** A corpus of the given turns, indexed exactly with the test embedder. */
/** The genre a reaction's last sentence says the user is in the mood for, in any of its wordings ("Still in the mood for dramas."). */
const moodSaid = (text: string) => /in the mood for ([^.,]+)(?:, really)?\.$/.exec(text)?.[1];
const lastSentence = (text: string) => /[^.!?]*[.!?]$/.exec(text)?.[0].trim() ?? '';
const testCorpus = (turns: readonly UserTurn[]) => UserTurnCorpus.build({ turns, embedder: createTestEmbedder(), createIndex: (dimension) => new ExactIndex({ dimension }) });

/**
 * `users` talking with an assistant that asks `asked` in turn, each simulated over a corpus of `turns`: what each said
 * after its opener.
 */
async function scenario(options: { turns: readonly UserTurn[]; users: readonly SimulatedUser[]; asked: readonly string[]; simulator: Omit<RetrievalUserSimulatorOptions, 'corpus'> }) {
  const corpus = await testCorpus(options.turns);
  const result = await simulate({
    simulator: () => new RetrievalUserSimulator({ corpus, ...options.simulator }),
    assistant: new ScriptedAssistant(new Map(options.users.map((user) => [user.id, options.asked]))),
    users: options.users,
    maxTurns: options.asked.length,
    quiet: true,
  });
  return result.conversations.map((record) => ({ userId: record.userId, said: record.turns.filter((turn) => turn.role === 'user').slice(1).map((turn) => turn.content) }));
}

async function run(options: { allowContradictions: boolean; simulator?: Partial<ConstructorParameters<typeof RetrievalUserSimulator>[0]>; turns?: readonly UserTurn[]; script?: readonly string[] }) {
  const script = options.script ?? questions;
  const corpus = await testCorpus(options.turns ?? corpusTurns);
  const users: SimulatedUser[] = Array.from({ length: 12 }, (_, index) => {
    const base = horrorFan(`persona-${index}`);
    return { ...base, goal: { description: 'chat' } };
  });
  const assistant = new ScriptedAssistant(new Map(users.map((user) => [user.id, script])));
  return simulate({
    simulator: () => new RetrievalUserSimulator({ corpus, seed: 7, candidates: 20, allowContradictions: options.allowContradictions, weights: { unsupported: 0 }, ...options.simulator }),
    assistant,
    users,
    maxTurns: script.length,
    quiet: true,
  });
}

describe('RetrievalUserSimulator', () => {
  it('never contradicts a hidden fact in a scripted dialogue, even when the best-fitting real turns would', async () => {
    const result = await run({ allowContradictions: false });
    const checker = new ContradictionChecker(hiddenFacts);
    const userTurns = result.conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'user').map((turn) => turn.content));
    expect(userTurns.length).toBeGreaterThanOrEqual(12 * questions.length);
    for (const text of userTurns) {
      expect(contradicting).not.toContain(text);
      expect(checker.find(text), text).toBeUndefined();
    }
    // It still answers the questions with the consistent real turns.
    expect(userTurns).toContain('Yes, two dogs. They keep me busy.');
    expect(userTurns).toContain('Down in Texas, near Austin.');
  });

  it('does contradict them with the veto turned off (the check above can fail)', async () => {
    const result = await run({ allowContradictions: true });
    const userTurns = result.conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'user').map((turn) => turn.content));
    expect(userTurns.some((text) => contradicting.includes(text))).toBe(true);
  });

  it('says a turn of the kind drawn from the style (question or not) whenever the candidates hold one', async () => {
    // Two more questions, answering nothing the script asks: context fit alone never picks them.
    const askingBack = ['That is cool. Do you like to travel?', 'Really? What else do you do for fun?'];
    // The assistant tells rather than asks (after a question the user answers: next test), and the corpus answers it.
    const script = ['I watched a film last night.', 'My sister came to visit today.', 'It rained all day here.'];
    const turns = [
      ...corpusTurns,
      { context: 'I went hiking last weekend.', text: askingBack[0]!, conversationId: 'c10' },
      { context: 'I just got back from the gym.', text: askingBack[1]!, conversationId: 'c11' },
      { context: script[0]!, text: 'Nice, I love a good film.', conversationId: 'c12' },
      { context: script[1]!, text: 'That is lovely, family visits are the best.', conversationId: 'c13' },
      { context: script[2]!, text: 'Same here, very grey.', conversationId: 'c14' },
    ];
    const replies = async (simulator: Partial<ConstructorParameters<typeof RetrievalUserSimulator>[0]>) => {
      const { conversations } = await run({ allowContradictions: false, simulator, turns, script });
      const said = conversations.map((record) => record.turns.filter((turn) => turn.role === 'user').slice(1, 3).map((turn) => turn.content));
      // Every user talked: a failed conversation is stored with no turns, which the checks below would pass without a word said.
      expect(conversations.filter((record) => record.endReason === 'error').map((record) => `${record.userId}: ${record.error}`)).toEqual([]);
      expect(said.map((conversation) => conversation.length)).toEqual(Array.from({ length: 12 }, () => 2));
      return said;
    };
    const asking = { defaultStyle: { meanLength: 5, questionRate: 1 } };
    // Opening with the corpus's greeting question, then the two questions as the first two replies.
    for (const conversation of await replies(asking)) expect([...conversation].sort()).toEqual([...askingBack].sort());
    // Only a bonus for the drawn kind: the answers to the script win.
    expect((await replies({ ...asking, questionKind: 'bonus' })).flat().filter((text) => askingBack.includes(text))).toEqual([]);
    expect((await replies({ defaultStyle: { meanLength: 5, questionRate: 0 } })).flat().filter((text) => askingBack.includes(text))).toEqual([]);
  });

  // Asked "Do you have any pets?", a user had answered "What's your favorite band?": the question kind was drawn at the
  // style's rate whatever the assistant said, and said whenever the candidates held a question.
  it('answers a question instead of asking one back as often as the corpus users do', async () => {
    const askingBack = ['That is cool. Do you like to travel?', 'Really? What else do you do for fun?'];
    // In this corpus no answer to a question asks one back; the two questions answered statements.
    const turns = [...corpusTurns, { context: 'I went hiking last weekend.', text: askingBack[0]!, conversationId: 'c10' }, { context: 'I just got back from the gym.', text: askingBack[1]!, conversationId: 'c11' }];
    const { conversations } = await run({ allowContradictions: false, simulator: { defaultStyle: { meanLength: 5, questionRate: 0.5 } }, turns });
    const answers = conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'user').slice(1).map((turn) => turn.content));
    expect(answers.length).toBeGreaterThanOrEqual(12 * questions.length);
    expect(answers.filter((text) => askingBack.includes(text))).toEqual([]);
  });

  // The opener had said "I usually like drama movies." where the answers and hints say "dramas".
  it('opens with its genres as its answers say them', async () => {
    const simulator = new RetrievalUserSimulator({ corpus: await testCorpus(corpusTurns), catalog: testCatalog, seed: 1 });
    const base = horrorFan();
    const preferences = [{ subject: 'drama movies', polarity: 'like' as const }, { subject: 'comedy movies', polarity: 'like' as const }];
    const opening = await simulator.start({ ...base, profile: personaProfile({ userId: 'u1', statements: hiddenFacts, preferences }) });
    expect(opening).toMatchObject({ type: 'message', content: expect.stringMatching(/\b(?:like|enjoy) dramas and comedies\./) });
    expect(opening.content).not.toMatch(/drama movies|comedy movies/);
  });

  // Every MovieLens user had opened with the same sentence: "I am looking for a movie to watch tonight. I usually like …".
  it('opens in its own words, the same for the same seed, with its goal and only the genres it likes', async () => {
    const corpus = await testCorpus(corpusTurns);
    const preferences = [{ subject: 'drama movies', polarity: 'like' as const }, { subject: 'comedy movies', polarity: 'like' as const }, { subject: 'horror movies', polarity: 'dislike' as const }];
    const opener = async (userId: string, seed = 1) => {
      const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed });
      const turn = await simulator.start({ ...horrorFan(userId), profile: personaProfile({ userId, statements: hiddenFacts, preferences }) });
      return turn.content ?? '';
    };
    const users = Array.from({ length: 12 }, (_, index) => `u${index + 1}`);
    const openers = await Promise.all(users.map((userId) => opener(userId)));
    expect(new Set(openers).size).toBeGreaterThanOrEqual(6);
    expect(await Promise.all(users.map((userId) => opener(userId)))).toEqual(openers);
    for (const text of openers) {
      expect(text).toContain('I want a scary movie for tonight.');
      expect(text).toMatch(/\bI (?:usually|generally|mostly) (?:like|enjoy) dramas and comedies\./);
      expect(text).not.toMatch(/horror/i);
    }
  });

  it('reacts to recommendations from the hidden ratings and ends when a target is offered', async () => {
    const corpus = await testCorpus(corpusTurns);
    const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1, patience: 3 });
    const user = horrorFan();
    const opening = await simulator.start(user);
    expect(opening).toMatchObject({ type: 'message', content: expect.stringMatching(/I want a scary movie for tonight\./) });
    expect(opening.content).toMatch(/\b(?:like|enjoy) horror movies\./);
    const seen = await simulator.respond({ dialogue: [{ role: 'user', content: 'x' }, { role: 'assistant', content: 'The Haunting? Toy Story?', recommendedItemIds: ['m1', 'm3'] }] });
    expect(seen.type).toBe('message');
    const text = seen.type === 'message' ? seen.content : '';
    expect(text).toMatch(/Haunting/);
    expect(text).toMatch(/seen|watched/i);
    expect(text).toMatch(/Toy Story/);
    expect(text).not.toMatch(/Toy Story[^.]*(loved|great|enjoyed)/i);
    const end = await simulator.respond({ dialogue: [{ role: 'assistant', content: 'Alien?', recommendedItemIds: ['m7', 'm6'] }] });
    expect(end.type).toBe('end');
    expect(end.type === 'end' && end.reason).toBe('goal_met');
    expect(end.type === 'end' && end.content).toMatch(/Alien/);
  });

  it('hints at a genre of a hidden target with `hint: target`, at a liked profile subject by default', async () => {
    const corpus = await testCorpus(corpusTurns);
    // The horror fan's profile likes horror; to show the target's genres are used, its target (Alien) is a comedy here.
    const catalog = new Map(testCatalog);
    catalog.set('m6', { id: 'm6', title: 'Alien (1979)', tags: ['Comedy'] });
    const dialogue = [{ role: 'assistant' as const, content: 'The Shawshank Redemption', recommendedItemIds: ['m5'] }];
    const hinted = new RetrievalUserSimulator({ corpus, catalog, seed: 1, hint: 'target' });
    await hinted.start(horrorFan());
    // In the genre's spoken form, as the user's other turns say it ("comedies", not "comedy movies").
    expect(await hinted.respond({ dialogue })).toMatchObject({ type: 'message', content: expect.stringMatching(/I am more in the mood for comedies\.$/) });
    const plain = new RetrievalUserSimulator({ corpus, catalog, seed: 1 });
    await plain.start(horrorFan());
    expect(await plain.respond({ dialogue })).toMatchObject({ type: 'message', content: expect.stringMatching(/I am more in the mood for horror movies\.$/) });
    const base = horrorFan();
    const animationFan = { ...base, profile: personaProfile({ userId: base.id, statements: hiddenFacts, preferences: [{ subject: 'animation movies', polarity: 'like' }] }) };
    const spoken = new RetrievalUserSimulator({ corpus, catalog, seed: 1 });
    await spoken.start(animationFan);
    expect(await spoken.respond({ dialogue })).toMatchObject({ type: 'message', content: expect.stringMatching(/I am more in the mood for animated movies\.$/) });
  });

  // With `hint: 'target'` a user had said "I am more in the mood for adventure movies." and, asked next whether it likes
  // adventure movies, "No, I am not a fan of adventure movies." (its profile dislikes them).
  it('with `hint: target` hints no genre its profile dislikes, and says yes when asked about the genre it hinted', async () => {
    const corpus = await testCorpus(corpusTurns);
    const catalog = new Map(testCatalog);
    catalog.set('m6', { id: 'm6', title: 'Alien (1979)', tags: ['Drama', 'Action'] });
    const base = horrorFan();
    const user = { ...base, profile: personaProfile({ userId: base.id, statements: hiddenFacts, preferences: [{ subject: 'horror movies', polarity: 'like' }, { subject: 'drama movies', polarity: 'dislike' }] }) };
    for (let seed = 1; seed <= 8; seed++) {
      const simulator = new RetrievalUserSimulator({ corpus, catalog, seed, hint: 'target' });
      await simulator.start(user);
      const dialogue: DialogueTurn[] = [{ role: 'assistant', content: 'Airplane!', recommendedItemIds: ['m7'] }];
      const reaction = await simulator.respond({ dialogue });
      expect(reaction.content).toMatch(/I am more in the mood for action movies\.$/);
      dialogue.push({ role: 'user', content: reaction.content ?? '' }, { role: 'assistant', content: 'Do you like action movies?' });
      expect((await simulator.respond({ dialogue })).content).toMatch(/^(?:Tonight, yes:|Right now, yes,) I am in the mood for action movies\.$/);
    }
  });

  // With `hint: 'target'` users 180, 172 and 142 asked for action movies and then said "Raiders of the Lost Ark does not sound
  // like my kind of film." of an unrated action film: the genre asked for had not counted as one it likes.
  it('with `hint: target` is curious about an unrated film of the genre it asked for', async () => {
    const corpus = await testCorpus(corpusTurns);
    const catalog = new Map(testCatalog);
    catalog.set('m6', { id: 'm6', title: 'Alien (1979)', tags: ['Action'] });
    catalog.set('m9', { id: 'm9', title: 'Raiders of the Lost Ark (1981)', tags: ['Action', 'Adventure'] });
    for (let seed = 1; seed <= 6; seed++) {
      const simulator = new RetrievalUserSimulator({ corpus, catalog, seed, hint: 'target' });
      await simulator.start(horrorFan());
      const dialogue: DialogueTurn[] = [{ role: 'assistant', content: 'Airplane!', recommendedItemIds: ['m7'] }];
      const asked = await simulator.respond({ dialogue });
      expect(asked.content).toMatch(/I am more in the mood for action movies\.$/);
      dialogue.push({ role: 'user', content: asked.content ?? '' }, { role: 'assistant', content: 'Raiders of the Lost Ark?', recommendedItemIds: ['m9'] });
      const reaction = (await simulator.respond({ dialogue })).content ?? '';
      expect(reaction).toMatch(/Raiders of the Lost Ark/);
      expect(reaction).toMatch(/not seen|Never seen/);
      expect(reaction).not.toMatch(/kind of film|grab me|maybe not/);
    }
  });

  // "Have you seen Fargo?" had been answered from the corpus: "Thanks! I'm glad you like it.", "I am.".
  it('says whether it has seen a film it is asked about, from its history, never the hidden target', async () => {
    const corpus = await testCorpus([...corpusTurns, { context: 'Have you seen Alien?', text: 'I am.', conversationId: 'x1' }]);
    const said: string[] = [];
    for (const title of ['The Haunting', 'Toy Story', 'Alien', 'Heat']) {
      const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1 });
      await simulator.start(horrorFan());
      said.push((await simulator.respond({ dialogue: [{ role: 'assistant', content: `Have you seen ${title}?` }] })).content ?? '');
    }
    const [haunting, toyStory, alien, heat] = said;
    expect(haunting).toMatch(/^(?:Yes, I loved it|I have, and I really enjoyed it|Yes, it was great)\.$/);
    expect(toyStory).toMatch(/^(?:Yes, and I did not like it|I have, it was not for me)\.$/);
    expect(alien).toMatch(/^No, I have not seen (?:it|that one)\.$/);
    expect(heat).toMatch(/^No, I have not seen (?:it|that one)\.$/);
  });

  // "I was thinking of Alien. Have you seen it?" and "Have you seen Alien or Toy Story?" had been answered from the corpus.
  it('says whether it has seen the film named the sentence before, and each film of a list, from its history only', async () => {
    const corpus = await testCorpus([...corpusTurns, { context: 'Have you seen it?', text: 'I am.', conversationId: 'x1' }]);
    const said: string[] = [];
    for (const question of ['I was thinking of The Haunting. Have you seen it?', 'I was thinking of Alien. Have you seen it?', 'Have you seen Alien or Toy Story?', 'Any of these: Heat, Alien?']) {
      const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1 });
      await simulator.start(horrorFan());
      said.push((await simulator.respond({ dialogue: [{ role: 'assistant', content: question }] })).content ?? '');
    }
    const [haunting, alien, alienOrToyStory, heatOrAlien] = said;
    expect(haunting).toMatch(/^(?:Yes, I loved it|I have, and I really enjoyed it|Yes, it was great)\.$/);
    // Alien, the hidden target, is not seen.
    expect(alien).toMatch(/^No, I have not seen (?:it|that one)\.$/);
    expect(alienOrToyStory).toMatch(/^I have not seen Alien\. (?:I did not like Toy Story|Toy Story was not for me)\.$/);
    expect(heatOrAlien).toMatch(/^No, (?:I have not seen either of them|neither of them)\.$/);
  });

  // Asked "Did you like the last one I suggested?" after a list, users had answered from the corpus ("Yeah, I loved it. I was
  // pretty good too." of a film they had rated 1).
  it('asked what it thought of the films offered last, answers from its hidden ratings', async () => {
    const corpus = await testCorpus([...corpusTurns, { context: 'Did you like it?', text: 'Yeah, I loved it.', conversationId: 'x1' }]);
    const answer = async (offered: readonly string[], question: string) => {
      const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1 });
      await simulator.start(horrorFan());
      const dialogue: DialogueTurn[] = [
        { role: 'assistant', content: 'You could try these.', recommendedItemIds: offered },
        { role: 'user', content: 'Hmm.' },
        { role: 'assistant', content: question },
      ];
      return (await simulator.respond({ dialogue })).content ?? '';
    };
    expect(await answer(['m1'], 'Did you like the last one I suggested?')).toMatch(/^(?:I have already seen The Haunting, and I loved it|Seen The Haunting already, it was great|I watched The Haunting before and really enjoyed it)\. /);
    expect(await answer(['m3'], 'How did you like it?')).toMatch(/^(?:I have seen Toy Story and did not like it|I watched Toy Story already, not for me|Seen Toy Story, I did not enjoy it)\. /);
    expect(await answer(['m8'], 'Was that one any good?')).toMatch(/^(?:I am not sure about Heat\.|Heat does not really grab me\.|Hmm, Heat, maybe not\.) /);
    expect(await answer(['m1', 'm3'], 'Have you seen any of them?')).toMatch(/^(?:I loved The Haunting|I have seen The Haunting, it was great)\. (?:I did not like Toy Story|Toy Story was not for me)\.$/);
    expect(await answer([], 'Did you like it?')).toBe('Yeah, I loved it.');
  });

  // Asked "Did you like the last one I suggested?" of a list holding the hidden target, the user had said "Oh, Alien is
  // exactly what I was looking for." and talked on: it accepts it, as when the list was shown.
  it('asked what it thought of films offered before, accepts one it would watch and ends the conversation', async () => {
    const corpus = await testCorpus(corpusTurns);
    const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1 });
    await simulator.start(horrorFan());
    const dialogue: DialogueTurn[] = [
      { role: 'assistant', content: 'You could try these.', recommendedItemIds: ['m6', 'm7'] },
      { role: 'user', content: 'Hmm.' },
      { role: 'assistant', content: 'Did you like the last one I suggested?' },
    ];
    const turn = await simulator.respond({ dialogue });
    expect(turn).toMatchObject({ type: 'end', reason: 'goal_met', content: expect.stringMatching(/Alien/) });
    expect(turn.content).not.toMatch(/\b(?:seen|watched)\b/);
  });

  // Offered five comedies, a comedy fan had answered "… Do you have anything else? I am more in the mood for comedy movies."
  it('is never more in the mood for a genre most of the list just shown has', async () => {
    const corpus = await testCorpus(corpusTurns);
    const comedies = [{ role: 'assistant' as const, content: 'Toy Story, Toy Story 2, Airplane!', recommendedItemIds: ['m3', 'm4', 'm7'] }];
    const fan = (preferences: Array<{ subject: string; polarity: 'like' }>) => {
      const base = horrorFan();
      return { ...base, profile: personaProfile({ userId: base.id, statements: hiddenFacts, preferences }) };
    };
    const hints = async (user: SimulatedUser, hint: 'profile' | 'target', catalog: ReadonlyMap<string, Item> = testCatalog) => {
      const said: string[] = [];
      for (let seed = 1; seed <= 12; seed++) {
        const simulator = new RetrievalUserSimulator({ corpus, catalog, seed, hint });
        await simulator.start(user);
        const reaction = await simulator.respond({ dialogue: comedies });
        expect(reaction.type).toBe('message');
        said.push(reaction.type === 'message' ? reaction.content : '');
      }
      return said.map((text) => moodSaid(text) ?? 'none');
    };
    // A fan of comedies and horror asks for horror; a fan of comedies alone asks for nothing.
    expect(new Set(await hints(fan([{ subject: 'comedy movies', polarity: 'like' }, { subject: 'horror movies', polarity: 'like' }]), 'profile'))).toEqual(new Set(['horror movies']));
    expect(new Set(await hints(fan([{ subject: 'comedy movies', polarity: 'like' }]), 'profile'))).toEqual(new Set(['none']));
    // The same with `hint: 'target'`: the target is a horror comedy.
    const catalog = new Map(testCatalog);
    catalog.set('m6', { id: 'm6', title: 'Alien (1979)', tags: ['Comedy', 'Horror'] });
    expect(new Set(await hints(horrorFan(), 'target', catalog))).toEqual(new Set(['horror movies']));
  });

  // A fan of comedies and dramas shown lists of neither had said "I am more in the mood for comedies", then dramas, then
  // comedies, then dramas (10 of 60 MovieLens conversations): a person sticks to a mood until a list serves it.
  describe('mood over a conversation', () => {
    /** Comedy, horror, drama and action lists of the test catalogue, none holding the horror fan's target or a film it would take. */
    const lists = { comedy: ['m7'], horror: ['m2'], drama: ['m5'], action: ['m8'] } as const;
    const genreOfMood: Record<string, keyof typeof lists> = { comedies: 'comedy', 'horror movies': 'horror', dramas: 'drama' };
    const fanOfThree = () => {
      const base = horrorFan();
      const preferences = ['comedy movies', 'horror movies', 'drama movies'].map((subject) => ({ subject, polarity: 'like' as const }));
      return { ...base, profile: personaProfile({ userId: base.id, statements: hiddenFacts, preferences }) };
    };
    /** The moods a user says after each list in turn; `next` picks the next list from the mood just said. */
    const moodRounds = async (seed: number, hint: 'profile' | 'target', next: (mood: string, index: number) => readonly string[], rounds: number, catalog: ReadonlyMap<string, Item> = testCatalog) => {
      const simulator = new RetrievalUserSimulator({ corpus: await testCorpus(corpusTurns), catalog, seed, hint });
      await simulator.start(fanOfThree());
      const said: string[] = [];
      const sentences: string[] = [];
      let shown: readonly string[] = lists.action;
      for (let round = 0; round < rounds; round++) {
        const reaction = await simulator.respond({ dialogue: [{ role: 'assistant', content: 'How about these?', recommendedItemIds: [...shown] }] });
        const mood = moodSaid(reaction.content ?? '') ?? 'none';
        said.push(mood);
        sentences.push(lastSentence(reaction.content ?? ''));
        shown = next(mood, round);
      }
      return { said, sentences };
    };
    const moods = async (...options: Parameters<typeof moodRounds>) => (await moodRounds(...options)).said;

    it('keeps the mood it said while the lists do not serve it', async () => {
      for (let seed = 1; seed <= 12; seed++) {
        // Action, then lists of the one liked genre it is not in the mood for.
        const said = await moods(seed, 'profile', (mood) => (mood === 'comedies' ? lists.drama : lists.comedy), 4);
        expect(said[0]).toMatch(/^(?:comedies|horror movies|dramas)$/);
        expect(said).toEqual(Array(4).fill(said[0]));
      }
    });

    // Kept over four lists, the mood had been said "I am more in the mood for comedies." four times word for word.
    it('says a kept mood in other words from round to round, asking for the same genre', async () => {
      for (let seed = 1; seed <= 12; seed++) {
        const { said, sentences } = await moodRounds(seed, 'profile', (mood) => (mood === 'comedies' ? lists.drama : lists.comedy), 4);
        expect(said).toEqual(Array(4).fill(said[0]));
        expect(sentences[0]).toMatch(/^I am more in the mood for /);
        sentences.slice(1).forEach((sentence, index) => expect(sentence, sentences.join(' | ')).not.toBe(sentences[index]));
        expect((await moodRounds(seed, 'profile', (mood) => (mood === 'comedies' ? lists.drama : lists.comedy), 4)).sentences).toEqual(sentences);
      }
    });

    it('moves on when a list served its mood, never back to a mood it left while another is left', async () => {
      for (let seed = 1; seed <= 12; seed++) {
        // Each list is of the genre just asked for: served, and nothing taken from it.
        const said = await moods(seed, 'profile', (mood) => lists[genreOfMood[mood] ?? 'action'], 4);
        expect(new Set(said.slice(0, 3)).size).toBe(3);
        // With all three left, it goes back to one (not the one just served) rather than say nothing.
        expect(said.slice(0, 2)).toContain(said[3]);
      }
    });

    it('with `hint: target` keeps naming a genre of the target the lists do not serve', async () => {
      const catalog = new Map(testCatalog);
      catalog.set('m6', { id: 'm6', title: 'Alien (1979)', tags: ['Horror', 'Comedy', 'Drama'] });
      for (let seed = 1; seed <= 12; seed++) {
        const kept = await moods(seed, 'target', (mood) => (mood === 'comedies' ? lists.drama : lists.comedy), 4, catalog);
        expect(kept[0]).toMatch(/^(?:comedies|horror movies|dramas)$/);
        expect(kept).toEqual(Array(4).fill(kept[0]));
        const moved = await moods(seed, 'target', (mood) => lists[genreOfMood[mood] ?? 'action'], 3, catalog);
        expect(new Set(moved).size).toBe(3);
      }
    });
  });

  // Chosen by persona alone, 22 of 30 chats had opened with a statement, some answering what nobody had said: "I'm getting
  // married in the spring too!", "Wow, you're 100 years old? That's amazing!" (real ones open with a greeting, 82 %).
  it('opens a chat the way conversations of the corpus mostly open', async () => {
    const openers = ['Hi there!', 'Hello there!', 'Hi! How are you today?', 'Hey there, how is it going?', 'Hello! How are you?', "I'm getting married in the spring too!", "Wow, you're 100 years old? That's amazing!"];
    const turns: UserTurn[] = [...openers.map((text, index) => ({ context: '', text, conversationId: `o${index}` })), ...corpusTurns.filter((turn) => turn.context !== '')];
    const corpus = await testCorpus(turns);
    const said: string[] = [];
    for (const [index, statements] of [['I am getting married in the spring.', 'I love to dance.'], ['I am 100 years old.', 'I love my grandchildren.']].entries()) {
      for (let seed = 1; seed <= 6; seed++) {
        const simulator = new RetrievalUserSimulator({ corpus, seed });
        const opening = await simulator.start({ profile: personaProfile({ userId: `p-${index}`, statements }), goal: { description: 'chat' } });
        said.push(opening.type === 'message' ? opening.content : '');
      }
    }
    expect(said.filter((text) => /married|100 years/.test(text))).toEqual([]);
    expect(said.every((text) => openers.includes(text))).toBe(true);
  });

  it('never says a corpus turn with an unfilled template slot', async () => {
    const slotted: UserTurn[] = [{ context: '', text: "Hi! I'm [User 1's name], nice to meet you.", conversationId: 's1' }, ...corpusTurns];
    const corpus = await testCorpus(slotted);
    expect(corpus.size).toBe(corpusTurns.length);
    expect(corpus.turns.some((turn) => turn.text.includes('['))).toBe(false);
    expect(hasTemplateSlot('I live in [city].')).toBe(true);
    expect(hasTemplateSlot('I have two dogs (and a cat).')).toBe(false);
    // In parentheses, or a speaker's label as a name: "Hi, my name is (name).", "I'm (user 1 name)." had been said by 5 of
    // 30 simulated users, and with openers chosen among the typical ones, "Hello! My name is User 1." by most.
    for (const slotted of ['Nice to meet you, my name is (name).', "I'm (user 1 name).", "Hi (User 2's name)!", 'I live in (city).', '(15 minutes later) Okay, I am back.', 'Hello! My name is User 1.', 'Nice to meet you, user2.', '*User 1:* Hi there!']) {
      expect(hasTemplateSlot(slotted), slotted).toBe(true);
    }
    for (const aside of ['I love Star Wars (the old ones).', 'I have a cat (her name is Luna).', 'I ran a marathon (26 miles) last year.']) expect(hasTemplateSlot(aside), aside).toBe(false);
  });

  it('a user looking for a film, asked about itself, never states a job, a family or an age its profile does not hold', async () => {
    // A MovieLens user's profile: demographics and genres. Asked about itself by an assistant that only chats, it had
    // answered with other people's real turns: "I am a librarian." (a technician), then "I'm a life coach.", "Yes, I have
    // two children." after "No, I don't.", "I'm in the third grade" (24 years old).
    const asked = ['Tell me about yourself. What do you do for a living?', 'Do you have any kids?', 'How old are you?', 'What do you do for work?', 'Any kids or pets?', 'How old are you, if I may ask?'];
    const answers: UserTurn[] = [
      { context: 'What do you do for a living?', text: 'I am a librarian.', conversationId: 'j1' },
      { context: 'What do you do for work?', text: "I'm a construction worker.", conversationId: 'j2' },
      { context: 'What do you do for a living?', text: 'I just got a new job as a life coach.', conversationId: 'j3' },
      { context: 'What do you do for a living?', text: 'I work as a technician in a lab.', conversationId: 'j4' },
      { context: 'Do you have any kids?', text: 'Yes, I have two children.', conversationId: 'k1' },
      { context: 'Do you have any kids or pets?', text: 'I have three cats.', conversationId: 'k2' },
      { context: 'Do you have any kids?', text: 'Not yet, maybe one day.', conversationId: 'k3' },
      { context: 'Do you have any kids or pets?', text: 'No, just the one son.', conversationId: 'k4' },
      { context: 'What do you do for a living?', text: 'I work full-time in a shipyard.', conversationId: 'j5' },
      { context: 'What do you do for work?', text: "I'm a personal trainer.", conversationId: 'j6' },
      { context: 'What do you do for a living?', text: "I'm a stay at home dad.", conversationId: 'j7' },
      { context: 'What do you do for work?', text: "I'm in the army.", conversationId: 'j8' },
      { context: 'How old are you?', text: "I'm in the third grade, how old are you?", conversationId: 'a1' },
      { context: 'How old are you?', text: 'I am 61 years old.', conversationId: 'a2' },
      { context: 'How old are you?', text: 'Old enough to know better!', conversationId: 'a3' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 12 }, (_, index) => ({
      id: `ml-${index}`,
      profile: personaProfile({
        userId: `ml-${index}`,
        statements: ['I am 24 years old.', 'I am a man.', ...(index % 2 === 0 ? ['I work as a technician.'] : [])],
        preferences: [{ subject: 'comedy movies', polarity: 'like' }],
      }),
      goal: { description: 'I am looking for a movie to watch tonight.', targetItemIds: ['m6'], hiddenRatings: new Map([['m6', 5]]), seenItemIds: new Set<string>() },
    }));
    const conversations = await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 3, candidates: 20 } });
    const said = conversations.flatMap(({ userId, said }) => said.map((text) => ({ user: userId, text })));
    expect(said.length).toBeGreaterThanOrEqual(12 * asked.length);
    const invented = said.filter(({ text }) => /librarian|construction|life coach|two children|three cats|third grade|61 years|one son|shipyard|trainer|stay at home|army/.test(text));
    expect(invented).toEqual([]);
    // A technician may say so; a user whose profile names no job says none.
    const jobs = said.filter(({ text }) => /technician/.test(text)).map(({ user }) => Number(user.slice(3)) % 2);
    expect(jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs)).toEqual(new Set([0]));
    // Turns that claim nothing are still said.
    expect(said.some(({ text }) => /Not yet|Old enough/.test(text))).toBe(true);
  });

  // Asked what they do for a living, 8 of 40 MovieLens users (technicians, writers, executives) had answered "I help tend
  // the fields.", and after that was fixed for one phrasing, "I used to work as a software engineer, but I quit my job":
  // answers the parser reads no job in.
  it('a user looking for a film answers a question about work only with a job its profile holds', async () => {
    const asked = ['What do you do for a living?', 'So, what do you do for work?', 'Nice. What are you up to today?'];
    const answers: UserTurn[] = [
      { context: 'What do you do for a living?', text: 'I help tend the fields.', conversationId: 'f1' },
      { context: 'So, what do you do for work?', text: 'I used to work as a software engineer, but I quit my job to pursue my spirituality full time.', conversationId: 'f2' },
      { context: 'And what is your job?', text: 'I work as a technician in a lab.', conversationId: 'f3' },
      { context: 'What are you up to today?', text: 'Not much, just relaxing at home.', conversationId: 'f4' },
      { context: 'How was your day?', text: 'Pretty good, thanks for asking.', conversationId: 'f5' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 8 }, (_, index) => ({
      id: `ml-${index}`,
      profile: personaProfile({ userId: `ml-${index}`, statements: ['I am 24 years old.', ...(index % 2 === 0 ? ['I work as a technician.'] : [])], preferences: [{ subject: 'comedy movies', polarity: 'like' }] }),
      goal: { description: 'I am looking for a movie to watch tonight.', targetItemIds: ['m6'], hiddenRatings: new Map([['m6', 5]]), seenItemIds: new Set<string>() },
    }));
    const conversations = await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 4, candidates: 20 } });
    const said = conversations.flatMap(({ userId, said }) => said.map((text) => ({ user: Number(userId.slice(3)), text })));
    expect(said.length).toBe(8 * asked.length);
    expect(said.filter(({ text }) => /fields|software engineer/.test(text))).toEqual([]);
    expect(new Set(said.filter(({ text }) => /technician/.test(text)).map(({ user }) => user % 2))).toEqual(new Set([0]));
    expect(said.some(({ text }) => /relaxing/.test(text))).toBe(true);
  });

  // Asked what they watch, MovieLens fans of dramas, romances and war films had said "I love watching movies! I'm a big
  // fan of horror movies." to an assistant that then recommends horror.
  it('a user looking for a film speaks well only of genres its profile likes', async () => {
    const asked = ['What kind of movies do you like?', 'What movies do you usually watch?', 'Any favourite kind of film?'];
    const answers: UserTurn[] = [
      { context: 'What kind of movies do you like?', text: "I'm a big fan of horror movies.", conversationId: 'g1' },
      { context: 'What movies do you usually watch?', text: 'I love sci-fi movies, the weirder the better.', conversationId: 'g2' },
      { context: 'Any favourite kind of film?', text: 'Me too! I love watching movies, especially action movies.', conversationId: 'g3' },
      { context: 'What sort of films are you into?', text: 'I like comedies, anything that makes me laugh.', conversationId: 'g4' },
      { context: 'What kind of movies do you hate?', text: 'I do not like horror movies at all.', conversationId: 'g5' },
      { context: 'Do you watch a lot of films?', text: 'Not as many as I would like.', conversationId: 'g6' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 8 }, (_, index) => ({
      id: `ml-${index}`,
      profile: personaProfile({
        userId: `ml-${index}`,
        statements: ['I am 30 years old.', 'I am a woman.'],
        preferences: [
          { subject: 'comedy movies', polarity: 'like' },
          { subject: 'horror movies', polarity: 'dislike' },
        ],
      }),
      goal: { description: 'I am looking for a movie to watch tonight.', targetItemIds: ['m7'], hiddenRatings: new Map([['m7', 5]]), seenItemIds: new Set<string>() },
    }));
    // The questions are about tastes, which the user answers from its profile: the corpus path's veto is tested here.
    const conversations = await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 2, candidates: 20, answerTastes: false } });
    const said = conversations.flatMap(({ said }) => said);
    expect(said.length).toBe(8 * asked.length);
    expect(said.filter((text) => /big fan of horror|sci-fi|action/.test(text))).toEqual([]);
    // What the profile holds is still said: the comedies, and the dislike of horror.
    expect(said.filter((text) => /comedies/.test(text)).length).toBe(8);
    expect(said.some((text) => /do not like horror/.test(text))).toBe(true);
  });

  // Asked "What do you do for work?", an accountant had answered "I work as a car salesman." and a carpenter "I'm a baker.
  // I run a small bakery.", "I'm a gas station attendant.": the contradiction check compares only professions it knows.
  it('in a chat, prefers not to state a job its profile does not hold', async () => {
    const asked = ['What do you do for work?', 'So, what do you do for a living?'];
    const answers: UserTurn[] = [
      { context: 'What do you do for work?', text: 'I work as a car salesman.', conversationId: 'w1' },
      { context: 'So, what do you do for a living?', text: "I'm a baker. I run a small bakery.", conversationId: 'w2' },
      { context: 'What do you do for a living?', text: "I'm a gas station attendant.", conversationId: 'w5' },
      { context: 'And what is your job these days?', text: 'I work as an accountant at a small firm.', conversationId: 'w3' },
      { context: 'Do you like your job?', text: 'It is okay, it pays the bills.', conversationId: 'w4' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 8 }, (_, index) => ({
      id: `p-${index}`,
      profile: personaProfile({ userId: `p-${index}`, statements: ['I work as an accountant.', 'I like to go hiking.'] }),
      goal: { description: 'Get to know the person you are talking to.' },
    }));
    const said = (await scenario({ turns: answers, users, asked, simulator: { seed: 5, defaultStyle: { meanLength: 6, questionRate: 0 } } })).flatMap(({ said }) => said);
    expect(said.length).toBe(8 * asked.length);
    expect(said.filter((text) => /salesman|baker|attendant/.test(text))).toEqual([]);
    expect(said.filter((text) => /accountant/.test(text)).length).toBe(8);
  });

  // A stock broker's persona had stated no job the parser knew, and its users said other jobs; a user who had answered
  // "Do you have any pets?" with "No, I don't." said next "My cats are named Tom and Jerry.".
  it('in a chat, holds to a persona job the parser once missed, and to a bare "no" about pets', async () => {
    const asked = ['Do you have any pets?', 'What do you do for work?', 'What are their names?'];
    const answers: UserTurn[] = [
      { context: 'Do you have any pets?', text: "No, I don't.", conversationId: 'a1' },
      { context: 'What do you do for work?', text: "I'm a baker. I run a small bakery.", conversationId: 'a2' },
      { context: 'What do you do for a living?', text: 'I work as a stock broker downtown.', conversationId: 'a3' },
      { context: 'What are their names?', text: 'My cats are named Tom and Jerry.', conversationId: 'a4' },
      { context: 'What are the names of your kids?', text: 'Oh, I would rather not say.', conversationId: 'a5' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 8 }, (_, index) => ({
      id: `b-${index}`,
      profile: personaProfile({ userId: `b-${index}`, statements: ['I am a stock broker.', 'I like to go hiking.'] }),
      goal: { description: 'Get to know the person you are talking to.' },
    }));
    const conversations = await scenario({ turns: answers, users, asked, simulator: { seed: 5, defaultStyle: { meanLength: 4, questionRate: 0 } } });
    for (const [pets, work, names] of conversations.map(({ said }) => said)) {
      expect(pets).toBe("No, I don't.");
      expect(work).toMatch(/stock broker/);
      expect(names).not.toMatch(/cats/);
    }
  });

  // Asked for a film they loved, MovieLens users who like dramas, or dislike comedies, had said "I love Deadpool! That movie
  // is so funny." (a 2016 film; the catalogue's end in 1998) and "I also like the Fast and Furious movies.".
  it('a user looking for a film names only films its hidden ratings back, and as they back them', async () => {
    const loved = 'Is there a movie you watched recently and really loved?';
    const disliked = 'Any film you did not enjoy?';
    const asked = [loved, disliked, 'What is your favourite movie?'];
    const answers: UserTurn[] = [
      { context: loved, text: 'I love Deadpool! That movie is so funny.', conversationId: 'f1' },
      { context: loved, text: 'I also like the Fast and Furious movies.', conversationId: 'f2' },
      // Alien is the hidden target: naming it hands the assistant its answer.
      { context: 'What is your favourite movie?', text: 'I loved Alien, what a film.', conversationId: 'f3' },
      // Toy Story was seen and rated 1; Airplane! rated 2 but held out, so never seen as far as the assistant knows.
      { context: 'What is your favourite movie?', text: 'Toy Story is my favorite movie.', conversationId: 'f4' },
      { context: disliked, text: 'I did not like Airplane! at all.', conversationId: 'f5' },
      // What the ratings back: The Haunting seen and rated 5, Toy Story seen and rated 1.
      { context: loved, text: 'I watched The Haunting again, so creepy and so good.', conversationId: 'f6' },
      { context: disliked, text: 'I hated Toy Story, to be honest.', conversationId: 'f7' },
      { context: 'Do you watch a lot of films?', text: 'Not as many as I would like.', conversationId: 'f8' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users = Array.from({ length: 8 }, (_, index) => horrorFan(`ml-${index}`));
    // The corpus path's veto, which still guards the questions the taste reader leaves to the corpus.
    const conversations = await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 6, candidates: 20, answerTastes: false } });
    const said = conversations.flatMap(({ said }) => said);
    expect(said.length).toBe(8 * asked.length);
    expect(said.filter((text) => /Deadpool|Furious|Alien|Airplane|Toy Story is my/.test(text))).toEqual([]);
    expect(said.filter((text) => /The Haunting/.test(text)).length).toBe(8);
    expect(said.filter((text) => /hated Toy Story/.test(text)).length).toBe(8);
  });

  // Asked about its tastes by an assistant that asks before it recommends, a MovieLens user had answered with corpus turns
  // that say nothing of them ("I am! I love it here.", "I am."): 8 to 10 of 80 such turns were judged right.
  it('a user looking for a film answers questions about its tastes from its profile and history', async () => {
    const asked = ['What kind of movies do you like?', 'Any favourite films?', 'Something recent or a classic?', 'Do you prefer horror or comedy?', 'Anything you don\'t like?', 'Do you prefer action or comedy?'];
    const nonAnswers = ['I am! I love it here.', 'I am.', 'I like to watch movies.', 'Me too! I love all kinds of movies.', 'Neither, I like comedies.'];
    const answers: UserTurn[] = [
      ...asked.flatMap((question, index) => [{ context: question, text: nonAnswers[index % nonAnswers.length] as string, conversationId: `n${index}` }]),
      { context: 'Do you like it here?', text: 'I am! I love it here.', conversationId: 'n9' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users = Array.from({ length: 8 }, (_, index) => horrorFan(`ml-${index}`));
    const replies = (await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 4, candidates: 20 } })).map(({ said }) => said);
    expect(replies.map((said) => said.length)).toEqual(users.map(() => asked.length));
    for (const [genres, favourite, era, horrorOrComedy, dislikes, actionOrComedy] of replies as string[][]) {
      expect(genres).toMatch(/horror movies/i);
      // The Haunting is the one film of its history it rated highly; Alien, rated as highly, is the hidden target.
      expect(favourite).toMatch(/The Haunting/);
      expect(era).toMatch(/^(?:Both|I do not mind|Either)\b/);
      expect(horrorOrComedy).toMatch(/^(?:Horror movies|I would go with horror movies|Probably horror movies)\b/);
      // No genre it dislikes, but a film it did not like: Toy Story, seen and rated 1 (Airplane!, rated 2, is held out).
      expect(dislikes).toMatch(/^(?:Not a whole genre|No genre in particular), but .*Toy Story.*$/);
      expect(actionOrComedy).toMatch(/^(?:Neither|Not really either)\b/);
    }
    const said = replies.flat();
    expect(said.filter((text) => nonAnswers.includes(text) || /Alien|Airplane/.test(text))).toEqual([]);
    // A user with no film to find (a chat persona) still says the corpus's turns.
    const chatters = users.map((user) => ({ ...user, goal: { description: 'chat' } }));
    const corpus = await testCorpus(answers);
    const chat = await simulate({
      simulator: () => new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 4, candidates: 20 }),
      assistant: new ScriptedAssistant(new Map(chatters.map((user) => [user.id, asked]))),
      users: chatters,
      maxTurns: asked.length,
      quiet: true,
    });
    const chatted = chat.conversations.flatMap((record) => record.turns.filter((turn) => turn.role === 'user').map((turn) => turn.content));
    expect(chatted.length).toBe(8 * (asked.length + 1));
    expect(chatted.every((text) => answers.some((turn) => turn.text === text))).toBe(true);
  });

  it('a user looking for a film states no stage of life its age rules out', async () => {
    const asked = ['What do you do for a living?', 'So, what do you do for work?'];
    const answers: UserTurn[] = [
      { context: 'What do you do for a living?', text: 'I am a graduate student in psychology.', conversationId: 's1' },
      { context: 'So, what do you do for work?', text: "I'm a student. I'm studying to be a lawyer.", conversationId: 's2' },
      { context: 'What do you do for work?', text: 'I am a student.', conversationId: 's3' },
      { context: 'What do you do for a living?', text: "I'm a student, it keeps me busy.", conversationId: 's4' },
      { context: '', text: 'Hi! How are you today?', conversationId: 'h1' },
    ];
    const users: SimulatedUser[] = Array.from({ length: 6 }, (_, index) => ({
      id: `ml-${index}`,
      profile: personaProfile({ userId: `ml-${index}`, statements: [`I am ${index % 2 === 0 ? 7 : 24} years old.`, 'I am a man.', 'I am a student.'], preferences: [{ subject: 'comedy movies', polarity: 'like' }] }),
      goal: { description: 'I am looking for a movie to watch tonight.', targetItemIds: ['m6'], hiddenRatings: new Map([['m6', 5]]), seenItemIds: new Set<string>() },
    }));
    const conversations = await scenario({ turns: answers, users, asked, simulator: { catalog: testCatalog, seed: 8, candidates: 20 } });
    const said = conversations.flatMap(({ userId, said }) => said.map((text) => ({ user: Number(userId.slice(3)), text })));
    expect(said.length).toBe(6 * asked.length);
    // The 7-year-olds never; the 24-year-olds may.
    expect(new Set(said.filter(({ text }) => /graduate|lawyer/.test(text)).map(({ user }) => user % 2))).toEqual(new Set([1]));
  });

  // With every candidate vetoed (a corpus without openers, whose answers all state another job), a user opened with "That is
  // interesting. Tell me more?" and answered "What do you do for a living?" with "Okay. What about you?".
  it('says a greeting to open and an answer to a question when every candidate is vetoed', async () => {
    const turns: UserTurn[] = [
      { context: 'What do you do for a living?', text: 'I am a librarian.', conversationId: 'v1' },
      { context: 'What do you do for work?', text: "I'm a baker. I run a small bakery.", conversationId: 'v2' },
    ];
    const corpus = await testCorpus(turns);
    for (let seed = 1; seed <= 6; seed++) {
      const simulator = new RetrievalUserSimulator({ corpus, seed });
      const opening = await simulator.start({ profile: personaProfile({ userId: `p-${seed}`, statements: ['I work as an accountant.'] }), goal: { description: 'chat' } });
      expect(opening.type === 'message' && opening.content).toMatch(/^(?:Hi|Hello)\b/);
      const answer = await simulator.respond({ dialogue: [{ role: 'assistant', content: 'What do you do for a living?' }] });
      expect(answer.type).toBe('message');
      expect(isQuestion(answer.type === 'message' ? answer.content : '?'), JSON.stringify(answer)).toBe(false);
    }
  });

  // A corpus whose users answer only questions says nothing of how often they ask after a statement: that chance had been
  // 0, so its users never asked whatever their style.
  it('asks after a statement at the style\'s rate when the corpus has no answers to a statement', async () => {
    const turns: UserTurn[] = [
      { context: 'Do you like to travel?', text: 'Yes, a lot. Do you?', conversationId: 'q1' },
      { context: 'Do you like to cook?', text: 'I do. What do you cook?', conversationId: 'q2' },
      { context: 'Do you have any pets?', text: 'Two dogs. They keep me busy.', conversationId: 'q3' },
      { context: 'Where do you live?', text: 'Down in Texas, near Austin.', conversationId: 'q4' },
      { context: '', text: 'Hello there, nice to meet you.', conversationId: 'q5' },
    ];
    const corpus = await testCorpus(turns);
    expect(corpus.questionRates).toEqual({ answering: 0.5, afterQuestion: 0.5, afterStatement: 0.5 });
    const said: string[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const simulator = new RetrievalUserSimulator({ corpus, seed, defaultStyle: { meanLength: 5, questionRate: 1 } });
      await simulator.start({ profile: personaProfile({ userId: `p-${seed}`, statements: ['I like to travel.'] }), goal: { description: 'chat' } });
      const reply = await simulator.respond({ dialogue: [{ role: 'assistant', content: 'I went hiking last weekend.' }] });
      said.push(reply.type === 'message' ? reply.content : '');
    }
    expect(said.filter((text) => !isQuestion(text))).toEqual([]);
  });

  it('gives up after `patience` rounds of unwanted recommendations', async () => {
    const corpus = await testCorpus(corpusTurns);
    const simulator = new RetrievalUserSimulator({ corpus, catalog: testCatalog, seed: 1, patience: 2 });
    await simulator.start(horrorFan());
    const dialogue = [{ role: 'assistant' as const, content: 'Airplane!', recommendedItemIds: ['m7'] }];
    expect((await simulator.respond({ dialogue })).type).toBe('message');
    expect(await simulator.respond({ dialogue })).toMatchObject({ type: 'end', reason: 'patience_exhausted' });
  });
});
