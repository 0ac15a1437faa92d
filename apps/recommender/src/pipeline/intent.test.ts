import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { timeGrowth } from '@personalab/core/test';
import { tinyItems } from '../test/tiny-catalogue.js';
import { classifyTurn, filmDescriptions, filmsDescribed, mentionsLastTime, moodCore, moodInWords, moodWithinExamples, opinionReference, pickedAmong, type FilmDescription } from './intent.js';
import { collectTagStems } from './taste.js';
import { TitleOpinionReader } from './title-opinions.js';

const shown = tinyItems.slice(8, 13);
const context = { lastRecommended: shown, knownTags: collectTagStems(tinyItems), allItems: () => tinyItems };

describe('classifyTurn', () => {
  it('recognises requests for recommendations, including a new user describing themselves', () => {
    expect(classifyTurn('Can you recommend a movie?', context).intent).toBe('recommend');
    expect(classifyTurn('I love comedies and cartoons', { ...context, lastRecommended: [] }).intent).toBe('recommend');
  });

  it('resolves "why" questions by ordinal and by title', () => {
    const second = classifyTurn('why the second one?', context);
    expect(second.intent).toBe('explain');
    expect(second.target?.id).toBe(shown[1]?.id);
    const byTitle = classifyTurn('Why Zombie Street?', context);
    expect(byTitle.target?.title).toBe('Zombie Street');
    // A title outside the last list is found in the catalogue.
    expect(classifyTurn('why laugh riot', context).target?.id).toBe('m1');
  });

  it('reads "last time" as when, not as the last film of the list (fifth QA pass)', () => {
    // Before: "why did you pick that thriller last time?" explained the list's last film.
    expect(classifyTurn('why did you pick that thriller for me last time?', context)).toMatchObject({ intent: 'explain', target: undefined });
    expect(classifyTurn('why the last one?', context).target?.id).toBe(shown[4]?.id);
  });

  it('reads "last summer", "last Friday", "at last", "first of all" as no place in the list (sixth QA pass)', () => {
    // Before: "last summer", "last Friday", "the last few weeks" explained the list's last film.
    for (const message of [
      'why did you pick that one for me last summer?',
      'why did you suggest that film last Friday?',
      'why that one, after the last few weeks?',
      'why that pick last Christmas?',
      'why did you list that one at last?',
      'why that one last year?',
      'why that one last night?',
    ]) {
      expect(classifyTurn(message, context), message).toMatchObject({ intent: 'explain', target: undefined });
    }
    // A place said beside a time phrase is still read.
    expect(classifyTurn('I saw Blood Night last summer. why the last one?', { ...context, lastRecommended: shown.slice(1) }).target?.id).toBe(shown[4]?.id);
    expect(classifyTurn('first of all, why the second one?', context).target?.id).toBe(shown[1]?.id);
    expect(classifyTurn('why the first one? I watched it for the first time last week', context).target?.id).toBe(shown[0]?.id);
    // Nor is "last Friday" the film Friday, exactly or loosely named.
    const friday: Item = { id: 'f', title: 'Friday (1995)', tags: ['Comedy'], year: 1995 };
    const withFriday = { ...context, allItems: () => [...tinyItems, friday], looseTitles: (text: string) => (/\bfriday\b/i.test(text) ? [friday] : []) };
    expect(classifyTurn('tell me more about the one you suggested last Friday', withFriday).target).toBeUndefined();
    expect(classifyTurn('why did you pick that one on Friday?', withFriday).target).toBeUndefined();
    expect(classifyTurn('why did you suggest Friday?', withFriday).target?.id).toBe('f');
  });

  it('reads a film of the list described rather than named, and which films of a list fit (sixth QA pass)', () => {
    // shown: Blood Night (Horror, 1994), The Haunting Hour (Horror, Thriller, 1995), Zombie Street (Horror, Action, 1996),
    // Scream Cabin (Horror, 1997), Night Stalker (Thriller, Crime, 1995).
    const stems = context.knownTags;
    const read = (message: string) => filmDescriptions(message, stems);
    const fit = (message: string, list = shown) => {
      const [description] = read(message);
      return description === undefined ? undefined : filmsDescribed(description, list).films.map((item) => item.title);
    };
    const message = 'I watched that horror film you suggested last time and loved it';
    const [horror] = read(message);
    expect(horror).toMatchObject({ genres: ['horror'], plural: false, pointed: true });
    // The words and the clause saying where it was, so the title takes their place.
    expect(message.slice(horror?.start, horror?.end)).toBe('that horror film you suggested last time');
    expect(fit(message)).toEqual(['Blood Night', 'The Haunting Hour', 'Zombie Street', 'Scream Cabin']);
    expect(fit('the crime one you showed me')).toEqual(['Night Stalker']);
    expect(fit('the thriller you recommended was great')).toEqual(['The Haunting Hour', 'Night Stalker']);
    expect(fit('the scary one from last time')).toEqual(['Blood Night', 'The Haunting Hour', 'Zombie Street', 'Scream Cabin']);
    expect(fit('the oldest one you suggested')).toEqual(['Blood Night']);
    expect(fit('the most recent one you suggested')).toEqual(['Scream Cabin']);
    // Five films a year apart: "the older one" does not tell which.
    expect(fit('the older one you suggested')).toHaveLength(5);
    expect(fit('the older one you suggested', [shown[0], shown[3]] as Item[])).toEqual(['Blood Night']);
    expect(fit('the one from 1995 you suggested')).toEqual(['The Haunting Hour', 'Night Stalker']);
    expect(fit('the 90s one you suggested')).toHaveLength(5);
    expect(read('the horror films you suggested were great')[0]).toMatchObject({ plural: true, genres: ['horror'] });
    // What only a film's description says: read where films have one, "cannot tell" where none does.
    const [hanks] = read('the one with Tom Hanks you suggested last time');
    expect(hanks?.about).toEqual({ words: 'Tom Hanks', kind: 'person' });
    expect(filmsDescribed(hanks as FilmDescription, shown).films).toEqual([]);
    expect(filmsDescribed(hanks as FilmDescription, shown.map(({ description: _description, ...item }) => item))).toMatchObject({ cannotTell: 'person' });
    const [thriller] = read('the one about a thriller film you suggested');
    expect(filmsDescribed(thriller as FilmDescription, shown).films.map((item) => item.title)).toEqual(['The Haunting Hour', 'Night Stalker']);
    // Places, other words and bare "the one" without a pointer are no description.
    for (const none of ['the second one you suggested', 'the other one', 'more comedies like the one we watched last time', 'the first two Godfather films', 'I loved the one']) {
      expect(read(none), none).toEqual([]);
    }
    expect(read('the one you suggested last time')).toMatchObject([{ genres: [], pointed: true }]);
    expect(read('I love the comedy genre')).toMatchObject([{ genres: ['comed'], pointed: false }]);
  });

  it('reads descriptions and opinion references in time linear in the message (sixth QA pass)', async () => {
    // Each "the" or "that" is read a few words on; a run of spaces or of "the" is read once. About 10 ms at 10,000 characters.
    const read = (message: string) => {
      filmDescriptions(message, context.knownTags);
      opinionReference(message);
      classifyTurn(`why ${message}`, context);
    };
    for (const fill of ['the ', 'that horror film you suggested last time ', 'the one I liked ', 'the the one with Tom ', 'the' + ' '.repeat(5000), 'last summer ']) {
      const [short, long] = [10_000, 40_000].map((length) => fill.repeat(Math.ceil(length / fill.length)).slice(0, length)) as [string, string];
      // 4 times the text: about 4 times the time where linear, 16 where quadratic.
      expect(await timeGrowth(read, short, long), JSON.stringify(fill.slice(0, 30))).toBeLessThan(8);
    }
  });

  it('reads "the one I liked last time" as the film the user gave that opinion of, and a short answer picking a film (sixth QA pass)', () => {
    const message = 'more like the one I liked last time please';
    const reference = opinionReference(message);
    expect(reference).toMatchObject({ polarity: 'like', plural: false });
    expect(message.slice(reference?.start, reference?.end)).toBe('the one I liked last time');
    expect(opinionReference('that film I said I loved, anything like it?')).toMatchObject({ polarity: 'like', plural: false });
    expect(opinionReference('not the ones I hated')).toMatchObject({ polarity: 'dislike', plural: true });
    expect(opinionReference("the movie I told you I didn't like")).toMatchObject({ polarity: 'dislike' });
    for (const none of ['the one I watched', 'I liked the one you suggested', 'more like the one']) expect(opinionReference(none), none).toBeUndefined();
    expect(mentionsLastTime.test('the one you suggested last time')).toBe(true);
    expect(mentionsLastTime.test('I saw it last summer')).toBe(false);
    const candidates = shown.slice(0, 4);
    const stems = context.knownTags;
    expect(pickedAmong('the second one', candidates, stems)).toBe(candidates[1]);
    expect(pickedAmong('3', candidates, stems)).toBe(candidates[2]);
    expect(pickedAmong('#4', candidates, stems)).toBe(candidates[3]);
    expect(pickedAmong('oh, Zombie Street', candidates, stems)?.title).toBe('Zombie Street');
    expect(pickedAmong('the action one', candidates, stems)?.title).toBe('Zombie Street');
    expect(pickedAmong('the last', candidates, stems)).toBe(candidates[3]);
    for (const none of ['the horror one', 'not sure', 'the first time I saw it']) expect(pickedAmong(none, candidates, stems), none).toBeUndefined();
  });

  it('finds a title that holds a time phrase, written whole: "He Walked by Night", "The Last Time I Saw Paris" (review of the sixth QA pass)', () => {
    // Before: each time phrase was blanked first, so "why He Walked by Night?" named no film ("I cannot find it") and "tell
    // me about The Last Time I Saw Paris" was read as a request.
    const timed: Item[] = [
      { id: 'night', title: 'He Walked by Night (1948)', tags: ['Crime', 'Film-Noir'], year: 1948 },
      { id: 'paris', title: 'Last Time I Saw Paris, The (1954)', tags: ['Drama'], year: 1954 },
      { id: 'summer', title: 'I Know What You Did Last Summer (1997)', tags: ['Horror'], year: 1997 },
      { id: 'friday', title: 'Friday (1995)', tags: ['Comedy'], year: 1995 },
    ];
    const withTimed = { ...context, allItems: () => [...tinyItems, ...timed] };
    expect(classifyTurn('why He Walked by Night?', withTimed)).toMatchObject({ intent: 'explain', target: { id: 'night' } });
    expect(classifyTurn('tell me about The Last Time I Saw Paris', withTimed)).toMatchObject({ intent: 'explain', target: { id: 'paris' } });
    // Of the list too: not its last film ("last"), nor a question about nothing.
    expect(classifyTurn('why I Know What You Did Last Summer?', { ...withTimed, lastRecommended: [...shown.slice(0, 3), timed[2] as Item] }).target?.id).toBe('summer');
    // A time phrase that is no title's still names no film.
    expect(classifyTurn('why did you suggest that one last Friday?', withTimed).target).toBeUndefined();
  });

  it('reads "the movies I loved as a kid" as no reference to what was said, and says what makes one (review of the sixth QA pass)', () => {
    expect(opinionReference('more like the one I liked last time')).toMatchObject({ said: false, when: true });
    expect(opinionReference('that film I said I loved, anything like it?')).toMatchObject({ said: true, when: false });
    expect(opinionReference('something like the movies I loved')).toMatchObject({ said: false, when: false });
    // A time of the user's life: films of their life, not of the conversation.
    for (const life of ['something like the movies I loved as a kid', 'the ones I liked in college', 'the films we loved growing up', 'the movies I hated when I was young', 'the ones I loved years ago', 'the films I liked in the 80s', 'the movies I liked last year']) {
      expect(opinionReference(life), life).toBeUndefined();
    }
    // One of the conversation after one of the user's life is still read.
    const both = 'the movies I loved as a kid were cartoons, but the one I liked last time was not';
    const reference = opinionReference(both);
    expect(both.slice(reference?.start, reference?.end)).toBe('the one I liked last time');
  });

  it('turns "something lighter" and "less violent" into tag weights against dark genres', () => {
    const lighter = classifyTurn('something lighter please', context);
    expect(lighter.intent).toBe('refine');
    expect(lighter.refinement?.tagWeights.horror).toBeLessThan(0);
    expect(lighter.refinement?.tagWeights.comedy).toBeGreaterThan(0);
    const calmer = classifyTurn('less violent', context);
    expect(calmer.refinement?.tagWeights.war).toBeLessThan(0);
    expect(calmer.refinement?.tagWeights.action).toBeLessThan(0);
    expect(classifyTurn('no horror, more romance', context).refinement?.tagWeights).toMatchObject({ horror: -1, romance: 0.8 });
  });

  it('treats greetings and thanks as chit-chat', () => {
    expect(classifyTurn('hello!', context).intent).toBe('chitchat');
    expect(classifyTurn('thanks', context).intent).toBe('chitchat');
    expect(classifyTurn('hi, recommend me a movie', context).intent).toBe('recommend');
  });

  it('answers a greeting that states tastes with recommendations, and a bare greeting as small talk', () => {
    const fresh = { ...context, lastRecommended: [] };
    for (const tastes of [
      "hi, I'm Anna. I really loved Laugh Riot and Zombie Street",
      'Hello! I loved Quiet River.',
      'hey, we enjoyed Space Quest',
      'Hi there. Dark Alley was great.',
      'Hello! Zombie Street was boring, Laugh Riot was fun',
      'thanks! I adored Ocean Deep',
    ]) {
      expect(classifyTurn(tastes, fresh).intent, tastes).toBe('recommend');
    }
    for (const talk of ['hello!', 'Hi! How are you?', 'Hi, great to meet you', 'thanks, great list', "Thanks. I'm glad you liked the book.", 'Hello there, what are some of your favorite things to do?']) {
      expect(classifyTurn(talk, fresh).intent, talk).toBe('chitchat');
    }
  });

  it('reads "in the mood for …" as steering toward that tag and "anything else?" as asking for other items', () => {
    const mood = classifyTurn('Laugh Riot, hmm, not really. Anything else you would suggest? I am more in the mood for crime movies.', context);
    expect(mood.intent).toBe('refine');
    expect(mood.refinement?.tagWeights.crime).toBeGreaterThan(0);
    expect(classifyTurn('What else have you got?', context).intent).toBe('refine');
    // Without a list shown yet, the same wish is a request with its steering kept.
    const fresh = classifyTurn('I feel like a horror film tonight', { ...context, lastRecommended: [] });
    expect(fresh.intent).toBe('recommend');
    expect(fresh.refinement?.tagWeights).toEqual({ horror: 0.3 });
    // A wish for something the catalogue has no tag for steers nothing.
    expect(classifyTurn('I feel like a western tonight', { ...context, lastRecommended: [] }).refinement).toBeUndefined();
  });

  it('reads "why not X?" as proposing X and "sure, why not" as agreeing, not as asking why', () => {
    const proposal = classifyTurn('why not Zombie Street?', context);
    expect(proposal.intent).toBe('refine');
    expect(classifyTurn('Why not something with robots?', { ...context, lastRecommended: [] }).intent).toBe('recommend');
    for (const agreeing of ['sure, why not', 'why not?', 'Yeah why not!']) expect(classifyTurn(agreeing, context).intent, agreeing).toBe('chitchat');
    // Asking why an item was left out still asks for an explanation.
    expect(classifyTurn('why Laugh Riot?', context)).toMatchObject({ intent: 'explain', question: 'why' });
  });

  it('answers "tell me more about X" about that item, and finds titles as whole words only', () => {
    for (const ask of ['tell me more about Zombie Street', 'What is Zombie Street about?', 'more info on zombie street please']) {
      const turn = classifyTurn(ask, context);
      expect(turn, ask).toMatchObject({ intent: 'explain', question: 'about' });
      expect(turn.target?.title, ask).toBe('Zombie Street');
    }
    expect(classifyTurn('tell me more about the second one', context).target?.id).toBe(shown[1]?.id);
    // Nothing named: a request as before; a one-word title outside the list only when written as one.
    expect(classifyTurn('tell me more about your favourite comedies', context).intent).not.toBe('explain');
    const withKids = { ...context, allItems: () => [...tinyItems, { id: 'k', title: 'Kids (1995)', tags: ['Drama'] }] };
    expect(classifyTurn('tell me about the kids movies', withKids).intent).not.toBe('explain');
    expect(classifyTurn('tell me more about Kids', withKids)).toMatchObject({ intent: 'explain', question: 'about', target: { id: 'k' } });
    // "Laugh Riot" is not inside "laugh rioting".
    expect(classifyTurn('why all the laugh rioting', { ...context, lastRecommended: [] }).target).toBeUndefined();
  });

  it('takes a message with no words as nothing to act on, and flags messages not in English', () => {
    for (const blank of ['   ', '\n\t', '👍👍', '?!', '🎬 🍿']) expect(classifyTurn(blank, context), JSON.stringify(blank)).toEqual({ intent: 'chitchat', unreadable: 'empty' });
    for (const foreign of ['recommande-moi un film', '¿Me recomiendas una película de terror?', '推荐一部电影', 'Kannst du mir bitte einen Film empfehlen?']) {
      expect(classifyTurn(foreign, context).unreadable, foreign).toBe('language');
    }
    for (const english of ['Can you recommend a movie?', 'I love Le Samouraï and La Haine', 'une comedy please']) expect(classifyTurn(english, context).unreadable, english).toBeUndefined();
  });

  it('does not steer toward a genre or mood the message rules out', () => {
    const fresh = { ...context, lastRecommended: [] };
    for (const message of ['Recommend something scary-free', 'nothing scary please', 'something not too dark', 'nothing too scary tonight']) {
      const weights = classifyTurn(message, fresh).refinement?.tagWeights ?? {};
      expect(weights.horror ?? 0, message).toBeLessThanOrEqual(0);
      expect(weights.thriller ?? 0, message).toBeLessThanOrEqual(0);
    }
    expect(classifyTurn('anything but horror', context).refinement?.tagWeights).toEqual({ horror: -1 });
    expect(classifyTurn('a horror-free movie', context).refinement?.tagWeights).toEqual({ horror: -1 });
    expect(classifyTurn('nothing but comedies', context).refinement?.tagWeights).toEqual({ comed: 0.8 });
    expect(classifyTurn('something scary', context).refinement?.tagWeights.horror).toBeGreaterThan(0);
  });

  describe('moods and occasions', () => {
    const fresh = { ...context, lastRecommended: [] };
    const weights = (message: string) => classifyTurn(message, fresh).refinement?.tagWeights ?? {};
    /** The tags a message moves toward (positive weights). */
    const toward = (message: string) =>
      Object.entries(weights(message))
        .filter(([, weight]) => weight > 0)
        .map(([tag]) => tag);

    it('reads each family of occasion and mood into the genres nearly everyone means', () => {
      // Before: each of these moved nothing (the list was the popular films).
      const families: [string, string][] = [
        ['something for date night', 'romance'],
        ['any good date night movies?', 'romance'],
        ["something to watch with my girlfriend on valentine's day", 'romance'],
        ['a tearjerker', 'drama'],
        ['I want a real tear-jerker', 'drama'],
        ['a sad movie', 'drama'],
        ['something to cry to', 'drama'],
        ['I need a good laugh', 'comed'],
        ['give me something hilarious', 'comed'],
        ['a cozy movie for a rainy sunday', 'comed'],
        ['something wholesome for the whole family', 'comed'],
        ['something mind-bending', 'sci'],
        ['a mind bender please', 'myster'],
        ['edge of my seat stuff', 'thriller'],
        ['a nail-biter from the 90s', 'thriller'],
        ['halloween movie night!', 'horror'],
      ];
      for (const [message, tag] of families) expect(toward(message), message).toContain(tag);
      // Date night is romance, not horror or war; a good cry is not a comedy.
      expect(weights('something for date night').horror ?? 0).toBeLessThanOrEqual(0);
      expect(weights('a tearjerker').comed).toBeLessThan(0);
    });

    it('moves nothing for occasions whose genre people do not agree on', () => {
      for (const message of ['a girls night movie', 'a christmas movie', 'something to watch with my wife', 'something thought-provoking', 'a movie for a rainy day']) {
        expect(weights(message), message).toEqual({});
      }
    });

    it('reads "not too violent", "nothing violent" and "I don\'t want anything violent" as steering away from violent genres', () => {
      // Before: only "non-violent", "less violent" and "no gore" were read.
      for (const message of ['I dont want anything violent', "I don't want anything too violent", 'nothing too violent tonight', 'not too violent please', 'without much gore', 'no gore please']) {
        const steered = weights(message);
        expect(steered.war, message).toBeLessThan(0);
        expect(steered.action, message).toBeLessThan(0);
      }
    });

    it('does not steer on moods in small talk: a clause telling what happened, or a mood word about an everyday thing', () => {
      // Before: "I had a scary dream" steered to horror, "a feel-good day at the beach" to comedies and cartoons.
      for (const talk of [
        'I had a scary dream last night',
        'it was a feel-good day at the beach',
        'date night went well last week, thanks',
        'we watched a funny movie yesterday',
        'That sounds like a fun job!',
        "It's a really funny book.",
        "Lasagna is one of my favorites too! It's so comforting.",
        "That's a really sad story.",
        'Me too! They are so suspenseful.',
        "It's hilarious! You should check it out.",
        'I cried so much at my sister\'s wedding',
      ]) {
        expect(weights(talk), talk).toEqual({});
      }
      // A request beside the story still steers.
      expect(toward('I had a rough week, something funny please')).toContain('comed');
      expect(toward('we watched a sad movie yesterday, I want another tearjerker')).toContain('drama');
    });

    it('reads misspelled genre words in a mood or steering', () => {
      expect(toward('somthing scarry')).toContain('horror');
      expect(toward('more comdy please')).toContain('comed');
    });

    it('names the moods it read, for the session to keep, apart from explicit steering', () => {
      expect(classifyTurn('something for date night', fresh).mood).toEqual({ names: ['date night'], tagWeights: { romance: 0.6, comed: 0.2, comedy: 0.2 } });
      // "No horror" steers the turn but is no mood: the constraints keep it.
      expect(classifyTurn('a tearjerker, no horror', fresh).mood).toEqual({ names: ['tearjerker'], tagWeights: { drama: 0.6, romance: 0.3, comed: -0.3, comedy: -0.3 } });
      expect(classifyTurn('something scary for halloween', fresh).mood?.names).toEqual(['scary', 'halloween']);
      for (const message of ['more like the second one', 'anything older?', 'no horror, more romance', "I'm in the mood for a comedy"]) expect(classifyTurn(message, context).mood, message).toBeUndefined();
    });

    it('reads asking for something else entirely, or a mood negated, as letting go of the mood', () => {
      for (const message of ['something completely different', 'something else entirely', 'can you suggest something different?', 'I need a change of pace', 'different mood tonight']) {
        expect(classifyTurn(message, context).dropsMood, message).toBe(true);
      }
      // "Anything else?" asks for more of the same kind.
      for (const message of ['anything else?', 'something else please', 'more like the second one']) expect(classifyTurn(message, context).dropsMood, message).toBeUndefined();
      expect(classifyTurn('not so dark please', context).negatedMoods).toEqual(['dark']);
      expect(classifyTurn('nothing scary', context).negatedMoods).toEqual(['scary']);
      expect(classifyTurn('something dark', context).negatedMoods).toBeUndefined();
    });

    it('reads no mood in the words of a title the message names', () => {
      // Before: "The Happy Cartoon" and "Dark Alley" steered toward light and dark films ("I loved Dark City" on MovieLens).
      expect(classifyTurn("I've already seen The Happy Cartoon", fresh).mood).toBeUndefined();
      expect(classifyTurn('I loved Dark Alley', fresh).mood).toBeUndefined();
      expect(classifyTurn('I loved Dark Alley', fresh).refinement).toBeUndefined();
      // A mood word outside the title still counts; a one-word title counts only written as one.
      expect(classifyTurn('something dark like Dark Alley', fresh).mood?.names).toEqual(['dark']);
      const heavy = [...tinyItems, { id: 'h1', title: 'Heavy (1995)', tags: ['Drama'], year: 1995 }];
      expect(classifyTurn('something heavy', { ...fresh, allItems: () => heavy }).mood?.names).toEqual(['dark']);
      expect(classifyTurn('I loved Heavy', { ...fresh, allItems: () => heavy }).mood).toBeUndefined();
    });

    it('reads no mood in a title written with its punctuation (review)', () => {
      // Before: a title's colon left two spaces where the catalogue's title has one, so "Under Siege 2: Dark Territory" was
      // not found and set the mood "dark" (as "Halloween: The Curse of Michael Myers" set "halloween"): the only MovieLens
      // titles to set a mood when named, with "Marlene Dietrich: Shadow and Light".
      const punctuated = [
        ...tinyItems,
        ...['Under Siege 2: Dark Territory (1995)', 'Halloween: The Curse of Michael Myers (1995)', 'Marlene Dietrich: Shadow and Light (1996)'].map((title, index) => ({ id: `p${index}`, title, tags: ['Action'], year: 1995 })),
      ];
      const withTitles = { ...fresh, allItems: () => punctuated };
      for (const message of [
        'I loved Under Siege 2: Dark Territory',
        'I loved Halloween: The Curse of Michael Myers, anything like it?',
        'I loved Marlene Dietrich: Shadow and Light',
        'Under Siege 2 -- Dark Territory was great, something like it please',
      ]) {
        expect(classifyTurn(message, withTitles).mood, message).toBeUndefined();
      }
      // A mood word beside the title still counts.
      expect(classifyTurn('I loved Under Siege 2: Dark Territory, something darker please', withTitles).mood?.names).toEqual(['dark']);
      expect(classifyTurn('something for Halloween please', withTitles).mood?.names).toEqual(['halloween']);
    });
  });
});

describe('moodInWords', () => {
  const byTitle = (title: string) => tinyItems.find((item) => item.title === title) ?? tinyItems[0];
  it('says what the list leans to only when most of it does', () => {
    const romantic = ['Love in Paris', 'Silly Summer', 'Wedding Mix-Up', 'Laugh Riot'].map(byTitle).filter((item) => item !== undefined);
    expect(moodInWords(['date night'], romantic)).toEqual({ heard: 'date night', lead: 'Romantic picks for date night' });
    const mixed = ['Love in Paris', 'Laugh Riot', 'Office Pranks', 'Blood Night'].map(byTitle).filter((item) => item !== undefined);
    expect(moodInWords(['date night'], mixed)).toEqual({ heard: 'date night', lead: 'Picks for date night' });
    expect(moodInWords(['scary', 'halloween'], mixed)?.lead).toBe('Picks for a scare and Halloween');
    expect(moodInWords(['gentle'], mixed)?.lead).toBe('Picks for something not too violent');
    expect(moodInWords(['gentle', 'scary'], mixed)?.lead).toBe('Picks for a scare and something not too violent');
    expect(moodInWords(['no such mood'], mixed)).toBeUndefined();
  });

  it('reads a question about a title the catalogue lacks as a question, not a request for films', () => {
    // Before: "tell me about The Matrix" and "what about Avatar?" were read as requests and answered with a list.
    expect(classifyTurn('tell me about The Matrix', context)).toMatchObject({ intent: 'explain', question: 'about', unknownTitle: 'The Matrix' });
    expect(classifyTurn('what about Avatar?', context)).toMatchObject({ intent: 'explain', question: 'about', unknownTitle: 'Avatar' });
    expect(classifyTurn('Why Inception?', context)).toMatchObject({ intent: 'explain', question: 'why', unknownTitle: 'Inception' });
    expect(classifyTurn('what do you think of Blade Runner 2049?', context).unknownTitle).toBe('Blade Runner 2049');
    // A catalogue title is still found, and what is not written as a title asks for films or refines.
    expect(classifyTurn('tell me about Zombie Street', context)).toMatchObject({ intent: 'explain', target: { title: 'Zombie Street' } });
    for (const message of ['what about something older?', 'what about comedies?', 'what about Comedies?', 'tell me about the kids movies', 'what about the 90s?', 'what about It?']) {
      expect(classifyTurn(message, context).unknownTitle, message).toBeUndefined();
    }
    expect(classifyTurn('why the first one?', { ...context, lastRecommended: [] }).unknownTitle).toBeUndefined();
  });

  it('reads goodbyes and thanks said with "cheers" or "see you" as small talk', () => {
    // Before: "cheers, bye" was read as a request and answered with a list.
    for (const message of ['cheers, bye', 'cheers!', 'see you later', 'thanks, bye', 'perfect, thanks']) expect(classifyTurn(message, context).intent, message).toBe('chitchat');
  });
});

describe('classifyTurn: questions about the user (second multi-turn QA pass)', () => {
  it('reads "what do you know about me?" and "what have I told you I like?" as asking about the user, not for films', () => {
    // Before: both were answered with a list of films, as requests.
    for (const message of ['what do you know about me?', 'What have I told you I like?', 'what have I told you so far?', 'what are my tastes?', 'remind me what I like']) {
      expect(classifyTurn(message, context), message).toEqual({ intent: 'chitchat', asksAboutSelf: true });
    }
    for (const message of ['what do you know about Zombie Street?', 'what did I tell you about the first one?', 'recommend me something']) expect(classifyTurn(message, context).asksAboutSelf, message).toBeUndefined();
  });
});

describe('classifyTurn: third multi-turn QA pass (what no film carries)', () => {
  it('notes studios, services, people, languages, age ratings and running times, and takes none for a missing title', () => {
    expect(classifyTurn('a movie with Tom Hanks', { ...context, lastRecommended: [] }).unsupported?.map((ask) => [ask.kind, ask.said])).toEqual([['person', 'Tom Hanks']]);
    expect(classifyTurn('something shorter', context).unsupported?.map((ask) => ask.kind)).toEqual(['length']);
    // "What about HBO?" had been "I cannot find HBO in my catalogue": a service to filter by, not a film.
    const hbo = classifyTurn('what about HBO?', context);
    expect(hbo).toMatchObject({ intent: 'refine', unsupported: [expect.objectContaining({ kind: 'streaming', said: 'HBO' })] });
    expect(hbo.unknownTitle).toBeUndefined();
    // A title named after "with" is the film ("something with Zombie Street vibes"), and a film the catalogue lacks is still one.
    expect(classifyTurn('something with Zombie Street vibes', context).unsupported).toBeUndefined();
    expect(classifyTurn('what about Avatar?', context)).toMatchObject({ intent: 'explain', unknownTitle: 'Avatar' });
    expect(classifyTurn('a comedy from the 90s', context).unsupported).toBeUndefined();
  });
});

describe('classifyTurn: fourth multi-turn QA pass (comparative requests)', () => {
  it('reads "what about something like X" as a request, and "what about X?" still as a question about X', () => {
    // Before: "what about something like Laugh Riot but for adults" was answered "About Laugh Riot? …".
    for (const message of ['what about something like Laugh Riot but for adults', 'how about a mix of Laugh Riot and Blood Night', 'what about something similar to Dark Alley?']) {
      expect(classifyTurn(message, { ...context, lastRecommended: [] }).intent, message).toBe('recommend');
    }
    const about = classifyTurn('what about Laugh Riot?', { ...context, lastRecommended: [] });
    expect(about.intent).toBe('explain');
    expect(about.target?.id).toBe('m1');
  });

  it('names a film a request by example asks for that the catalogue does not have', () => {
    const fresh = { ...context, lastRecommended: [] };
    expect(classifyTurn('something like The Matrix but funnier', fresh).unknownExample).toBe('The Matrix');
    expect(classifyTurn('a mix of Inception and Laugh Riot', fresh).unknownExample).toBe('Inception');
    for (const message of ['something like Laugh Riot but funnier', 'something like that but older', 'something like the first one', 'something like a comedy']) expect(classifyTurn(message, fresh).unknownExample, message).toBeUndefined();
    // Review: every film of a list is looked at ("a mix of Laugh Riot and The Matrix" had said nothing of The Matrix).
    expect(classifyTurn('a mix of Laugh Riot and The Matrix please', fresh).unknownExample).toBe('The Matrix');
    expect(classifyTurn('something like Laugh Riot, The Matrix or Inception', fresh).unknownExample).toBe('The Matrix and Inception');
    // The classifier reads the reader's words of a mix ("a fusion of", "a crossover of", "in the mold of": they had been a
    // question about the film after "what about", and no film missing after them).
    expect(classifyTurn('how about a fusion of Laugh Riot and The Matrix', fresh)).toMatchObject({ intent: 'recommend', unknownExample: 'The Matrix' });
    expect(classifyTurn('what about a crossover of Laugh Riot and Blood Night', fresh).intent).toBe('recommend');
    expect(classifyTurn('something in the mold of Laugh Riot and The Matrix', fresh).unknownExample).toBe('The Matrix');
  });

  it('reads "for adults" as a lean away from children\'s films, only in a request', () => {
    const adults = classifyTurn('a comedy for adults please', { ...context, lastRecommended: [] });
    expect(adults.mood?.names).toEqual(['grown-up']);
    expect(adults.refinement?.tagWeights.children).toBeLessThan(0);
    expect(classifyTurn('this film is for adults, I hear', { ...context, lastRecommended: [] }).mood).toBeUndefined();
  });

  it('reads "no kids" beside any mood asked for, whichever the mood list names first (second read, session 27)', () => {
    // Before: "a relaxing evening alone, no kids" read grown-up beside light, but "a scary evening …" only scary (grown-up is
    // checked before scary, and a mood counted beside another only when that one came earlier in the list).
    for (const [message, first] of [['a relaxing evening alone, no kids', 'light'], ['a scary evening alone, no kids', 'scary'], ['a dark evening alone, no kids', 'dark']] as const) {
      const names = classifyTurn(message, { ...context, lastRecommended: [] }).mood?.names ?? [];
      expect(names, message).toContain('grown-up');
      expect(names, message).toContain(first);
    }
    // Alone, "no kids" asks for nothing.
    expect(classifyTurn('I have no kids', { ...context, lastRecommended: [] }).mood).toBeUndefined();
  });

  it('keeps a change to examples within films like them: no spill-over, no push against their genres', () => {
    const funnier = classifyTurn('something like Dark Alley but funnier', { ...context, lastRecommended: [] });
    expect(funnier.mood?.names).toEqual(['light']);
    // The light mood lifts comedy and children's films and pushes crime and thrillers away; within films like a crime
    // thriller only its lift of comedy and its push against genres the example lacks (horror) are kept.
    const within = moodWithinExamples(funnier.mood?.names ?? [], funnier.mood?.tagWeights ?? {}, new Set(['crime', 'thriller']));
    expect(within.comed).toBeGreaterThan(0);
    expect(within.horror).toBeLessThan(0);
    for (const tag of ['children', 'animation', 'musical', 'crime', 'thriller']) expect(within[tag], tag).toBeUndefined();
    // "For grown-ups" is a push away from the example's own genres: it keeps it ("Aladdin but for grown-ups" had listed Disney films).
    const grownUp = classifyTurn('something like The Happy Cartoon but for grown-ups', { ...context, lastRecommended: [] });
    expect(moodWithinExamples(grownUp.mood?.names ?? [], grownUp.mood?.tagWeights ?? {}, new Set(['animation', 'children', 'comed'])).children).toBeLessThan(0);
    expect(moodCore(['scary'])).toEqual(['horror']);
    expect(moodCore(['gentle'])).toEqual([]);
  });
});

describe('classifyTurn: seventh QA pass (questions about films, choices between them)', () => {
  const extra: Item[] = [
    { id: 'a1', title: 'Alien (1979)', tags: ['Horror', 'Sci-Fi'], year: 1979 },
    { id: 'a2', title: 'Aliens (1986)', tags: ['Action', 'Sci-Fi'], year: 1986 },
    { id: 'p1', title: 'Paper, The (1994)', tags: ['Comedy', 'Drama'], year: 1994 },
  ];
  const items = [...tinyItems, ...extra];
  const catalogue = { lastRecommended: shown, knownTags: collectTagStems(items), allItems: () => items };

  it('reads a question about a named film as one about it, with what it asks (it had been a request: "is Alien scary?" listed horror films)', () => {
    expect(classifyTurn('is Zombie Street scary?', catalogue)).toMatchObject({ intent: 'explain', question: 'about', target: { title: 'Zombie Street' }, asked: { aspect: 'feel', word: 'scary' } });
    expect(classifyTurn('is alien any good', catalogue)).toMatchObject({ intent: 'explain', target: { id: 'a1' }, asked: { aspect: 'quality' } });
    expect(classifyTurn('how old is Quiet River?', catalogue)).toMatchObject({ intent: 'explain', target: { title: 'Quiet River' }, asked: { aspect: 'year' } });
    expect(classifyTurn('what is the third one about?', catalogue)).toMatchObject({ intent: 'explain', target: { id: shown[2]?.id }, asked: { aspect: 'plot' } });
    expect(classifyTurn('is Dark Alley a comedy?', catalogue)).toMatchObject({ intent: 'explain', target: { title: 'Dark Alley' }, asked: { aspect: 'genre', genres: ['comed'] } });
    // Words that name no genre are no yes-or-no question about one.
    expect(classifyTurn('is Dark Alley a masterpiece?', catalogue).asked).toBeUndefined();
  });

  it('reads "it" as the film the conversation is on, and a title the catalogue lacks as missing', () => {
    const zombie = tinyItems.find((item) => item.title === 'Zombie Street') as Item;
    expect(classifyTurn('is it scary?', { ...catalogue, discussed: [zombie] })).toMatchObject({ intent: 'explain', target: { id: zombie.id }, asked: { aspect: 'feel' } });
    // With no film discussed, "it" after a list of several is one of them, not said which: a question without a target (the
    // reply asks which one; a list of scary films had answered). With no list, it names no film.
    const amongShown = classifyTurn('is it scary?', catalogue);
    expect(amongShown).toMatchObject({ intent: 'explain', question: 'about', asked: { aspect: 'feel' } });
    expect(amongShown.target).toBeUndefined();
    expect(classifyTurn('is it scary?', { ...catalogue, lastRecommended: [] }).intent).not.toBe('explain');
    expect(classifyTurn('is it scary?', { ...catalogue, lastRecommended: [zombie] })).toMatchObject({ intent: 'explain', target: { id: zombie.id } });
    const matrix = classifyTurn('who is in The Matrix?', catalogue);
    expect(matrix).toMatchObject({ intent: 'explain', question: 'about', unknownTitle: 'The Matrix' });
    expect(matrix.target).toBeUndefined();
  });

  it('reads a one-word title after an article as a common noun unless capitalised', () => {
    expect(classifyTurn("oh, what's the paper about?", catalogue).asked).toBeUndefined();
    expect(classifyTurn("what's The Paper about?", catalogue)).toMatchObject({ intent: 'explain', target: { id: 'p1' }, asked: { aspect: 'plot' } });
  });

  it('reads a choice between named films, places in the list, or the whole list', () => {
    expect(classifyTurn('which is better, Alien or Aliens?', catalogue)).toMatchObject({ intent: 'explain', question: 'compare', compared: [{ id: 'a1' }, { id: 'a2' }] });
    expect(classifyTurn('should I watch the first or the second one?', catalogue).compared?.map((item) => item.id)).toEqual([shown[0]?.id, shown[1]?.id]);
    expect(classifyTurn('which of these is the best?', catalogue).compared?.map((item) => item.id)).toEqual(shown.map((item) => item.id));
    expect(classifyTurn('which is scarier, Alien or Aliens?', catalogue).comparedBy).toBe('scary');
    expect(classifyTurn('Alien or The Matrix?', catalogue)).toMatchObject({ intent: 'explain', question: 'compare', compared: [{ id: 'a1' }], unknownTitle: 'The Matrix' });
    // A title opening with "what's" is no question about the film named after it: "Hmm, What's Eating Gilbert Grape, maybe
    // not. I am not sure about …" (a simulated user's reaction) had been a question about Gilbert Grape.
    const grape = { id: 'wg', title: "What's Eating Gilbert Grape (1993)", tags: ['Comedy', 'Drama'] };
    const withGrape = { ...catalogue, allItems: () => [...items, grape], looseTitles: (text: string) => (/gilbert grape/i.test(text) ? [grape] : []) };
    const hmm = classifyTurn("Hmm, What's Eating Gilbert Grape, maybe not. I am not sure about Alien. Can you suggest something different?", withGrape);
    expect(hmm.intent).not.toBe('explain');
    expect(classifyTurn('what is Alien about?', withGrape)).toMatchObject({ intent: 'explain', target: { id: 'a1' } });
    // A title holding the joiner is one film: a simulated user's "The People vs. Larry Flynt does not really grab me." had
    // been a choice between "the people" and "larry flynt does not really grab me", neither in the catalogue.
    const people = { id: 'pv', title: 'People vs. Larry Flynt, The (1996)', tags: ['Drama'] };
    const reaction = classifyTurn('The People vs. Larry Flynt does not really grab me. Do you have anything else?', { ...catalogue, allItems: () => [...items, people] });
    expect(reaction.question).toBeUndefined();
    expect(reaction.unknownTitle).toBeUndefined();
    expect(classifyTurn('Alien vs. Aliens?', { ...catalogue, allItems: () => [...items, people] })).toMatchObject({ question: 'compare', compared: [{ id: 'a1' }, { id: 'a2' }] });
    // Two genres are a request, not a choice between films.
    const genres = classifyTurn('comedy or drama?', catalogue);
    expect(genres.intent).not.toBe('explain');
    expect(genres.compared).toBeUndefined();
  });

  it('reads films named before "which should I watch?" as the choice, and genres or films like others there as a request (the list shown had been compared)', () => {
    const named = classifyTurn('Alien or Aliens, which should I watch?', catalogue);
    expect(named).toMatchObject({ intent: 'explain', question: 'compare' });
    expect(named.compared?.map((item) => item.id)).toEqual(['a1', 'a2']);
    expect(classifyTurn('Aliens or Alien - which is scarier?', catalogue).compared?.map((item) => item.id)).toEqual(['a2', 'a1']);
    for (const message of ['comedy or drama, which should I watch?', 'westerns or war films, which is best?', 'any films like Alien or Aliens?']) {
      const turn = classifyTurn(message, catalogue);
      expect(turn.intent, message).not.toBe('explain');
      expect(turn.compared, message).toBeUndefined();
    }
  });
});

describe('classifyTurn: ninth QA pass', () => {
  const fresh = { lastRecommended: [], knownTags: collectTagStems(tinyItems), allItems: () => tinyItems };
  const toward = (message: string) =>
    Object.entries(classifyTurn(message, fresh).mood?.tagWeights ?? {})
      .filter(([, weight]) => weight > 0)
      .map(([tag]) => tag);

  it('reads "something to cheer me up" after a long day as a light mood (it had moved nothing: the most popular films answered)', () => {
    for (const message of ['I had a long day at work, something to cheer me up', 'rough week, need something to cheer me up', 'I need a pick-me-up', 'a movie to brighten my day']) {
      expect(classifyTurn(message, fresh).mood?.names, message).toEqual(['light']);
      expect(toward(message), message).toContain('comed');
    }
    // A day told of, with nothing asked, is still no mood.
    expect(classifyTurn('I had a long day at work', fresh).mood).toBeUndefined();
  });

  it('reads "cheer me up" negated as no light mood (review: "don\'t try to cheer me up, I want a sad drama" had asked for light films)', () => {
    for (const message of ["don't try to cheer me up, I want a sad drama", "don't cheer me up", 'no need to cheer me up, a war film', 'please do not try to cheer me up']) {
      expect(classifyTurn(message, fresh).mood?.names ?? [], message).not.toContain('light');
    }
    expect(classifyTurn("I don't want anything scary", fresh).mood?.names ?? []).not.toContain('scary');
  });

  it('reads a question about its own view of a film as a question about the film, and a name the catalogue lacks as none', () => {
    const zombie = tinyItems.find((item) => item.title === 'Zombie Street') as Item;
    expect(classifyTurn('have you seen Zombie Street?', fresh)).toMatchObject({ intent: 'explain', question: 'about', target: { id: zombie.id }, asked: { aspect: 'opinion' } });
    expect(classifyTurn('did you like Zombie Street?', fresh)).toMatchObject({ intent: 'explain', asked: { aspect: 'opinion' } });
    expect(classifyTurn('do you like Pixar?', fresh).asked).toBeUndefined();
  });
});

describe('classifyTurn: eleventh QA pass', () => {
  it('names a film the catalogue lacks told before "anything like it?" ("Kramer vs. Kramer, anything like it?" had got a plain list)', () => {
    const fresh = { ...context, lastRecommended: [] };
    expect(classifyTurn('Kramer vs. Kramer, anything like it?', fresh).unknownExample).toBe('Kramer vs. Kramer');
    expect(classifyTurn('The Matrix - anything similar?', fresh).unknownExample).toBe('The Matrix');
    // A film the catalogue has, or no film written as a title.
    for (const message of ['Laugh Riot, anything like it?', 'that was fun, anything similar?', 'ok, anything like it?']) expect(classifyTurn(message, fresh).unknownExample, message).toBeUndefined();
  });
});

describe('classifyTurn: the eleventh pass\'s review', () => {
  it('names no missing film for a reply word before "anything similar?" (the review: "Nice, anything similar?" had said the catalogue lacks Nice)', () => {
    for (const message of ['Nice, anything similar?', 'Yes, anything similar?', 'Cool, anything like it?', 'Perfect, thanks - anything similar?', 'Okay sure, anything similar?']) {
      expect(classifyTurn(message, context).unknownExample, message).toBeUndefined();
    }
    // A title the catalogue lacks is still named so.
    expect(classifyTurn('Kramer vs. Kramer, anything like it?', context).unknownExample).toBe('Kramer vs. Kramer');
  });
});

describe('classifyTurn: titles with a second title in parentheses (eleventh QA pass)', () => {
  const items = [
    { id: 'promise', title: 'Promise, The (Versprechen, Das) (1994)', tags: ['Romance'], year: 1994 },
    { id: 'seal', title: 'Seventh Seal, The (Sjunde inseglet, Det) (1957)', tags: ['Drama'], year: 1957 },
    { id: 'convent', title: 'Convent, The (Convento, O) (1995)', tags: ['Drama'], year: 1995 },
  ];
  // The titles the service's title reader finds, as the chat reads them.
  const reader = new TitleOpinionReader(items);
  const withAka = { lastRecommended: [], knownTags: collectTagStems(items), allItems: () => items, looseTitles: (text: string) => reader.titles(text, { aboutFilms: true }) };

  it('reads a one-word title with a second title as one word: in lower case after "the", a common noun ("is the promise any good?" had asked about The Promise)', () => {
    // As "what's the paper about?" is read (eighth QA pass); the second title had made "Promise, The (Versprechen, Das)" no one-word title.
    for (const message of ['is the promise any good?', 'is the convent scary?']) expect(classifyTurn(message, withAka).target, message).toBeUndefined();
    expect(classifyTurn('is The Promise any good?', withAka)).toMatchObject({ intent: 'explain', target: { id: 'promise' } });
    expect(classifyTurn('is the seventh seal scary?', withAka)).toMatchObject({ intent: 'explain', target: { id: 'seal' } });
  });
});

describe("classifyTurn: the twelfth pass's review", () => {
  const zombie = tinyItems.find((item) => item.title === 'Zombie Street') as Item;

  it('reads "is it a good night for a horror film?" as a request, not a question about a film shown or discussed (the review: "Which one do you mean?" had answered)', () => {
    for (const message of ['is it a good night for a horror film?', 'is it a good time for a comedy?', 'is it too late to watch a horror film?']) {
      for (const turnContext of [context, { ...context, discussed: [zombie] }]) {
        const turn = classifyTurn(message, turnContext);
        expect(turn.intent, message).toBe('recommend');
        expect(turn.asked, message).toBeUndefined();
      }
    }
    // A question whether the film is of a genre still is one.
    expect(classifyTurn('is it a horror film?', { ...context, discussed: [zombie] })).toMatchObject({ intent: 'explain', target: { id: zombie.id }, asked: { aspect: 'genre' } });
  });

  it('reads the place a question about "it" names after the list ("what\'s it rated, the second one?" had asked which one)', () => {
    expect(classifyTurn("what's it rated, the second one?", context)).toMatchObject({ intent: 'explain', question: 'about', target: { id: shown[1]?.id }, asked: { aspect: 'quality' } });
    expect(classifyTurn('the last one, is it any good?', context)).toMatchObject({ intent: 'explain', target: { id: shown[4]?.id } });
    // Not said which: still asked.
    expect(classifyTurn("what's it rated?", context).target).toBeUndefined();
  });
});

describe('classifyTurn: the fourteenth pass', () => {
  const fresh = { ...context, lastRecommended: [] };

  it('reads no mood from words said of a person or a pastime ("No, I\'m serious!" had got darker picks, "it\'s a lot of fun" feel-good ones)', () => {
    for (const message of ["No, I'm serious! I was born in 1922.", 'I am good. What do you like to do for fun?', "It's definitely a learning process, but it's a lot of fun.", 'Are you serious?', "I'm happy to hear that!", 'have fun tonight'])
      for (const turnContext of [context, fresh]) expect(classifyTurn(message, turnContext).mood, message).toBeUndefined();
    // Said of the film wanted, they still ask for one.
    expect(classifyTurn('something serious tonight', fresh).mood?.names).toEqual(['dark']);
    expect(classifyTurn('something fun for tonight', fresh).mood?.names).toEqual(['light']);
    expect(classifyTurn("I'm in the mood for something fun", fresh).mood?.names).toEqual(['light']);
  });

  it('reads a goodbye anywhere in the message as small talk ("it\'s been nice talking to you! … great day!" had got a list)', () => {
    for (const message of ["Well, it's been nice talking to you! I hope you have a great day!", 'I had fun chatting with you, bye!', 'Thanks, have a nice evening!', 'Gotta go, talk to you later'])
      for (const turnContext of [context, fresh]) expect(classifyTurn(message, turnContext).intent, message).toBe('chitchat');
    // A request before going is still one.
    expect(classifyTurn('It was nice talking to you. Can you recommend a comedy before I go?', fresh).intent).toBe('recommend');
  });
});

describe("classifyTurn: the fourteenth pass's review", () => {
  const fresh = { ...context, lastRecommended: [] };

  it('reads "a lot of fun" said of the film asked for as a light mood (the fourteenth pass had dropped it with "it\'s a lot of fun")', () => {
    for (const message of ["I want a movie that's a lot of fun", 'recommend something that is lots of fun', 'a film that is so much fun please'])
      expect(classifyTurn(message, fresh).mood?.names, message).toEqual(['light']);
    for (const message of ["It's a lot of fun, but it can be challenging.", "You should! It's so much fun.", 'What do you like to do for fun?'])
      expect(classifyTurn(message, fresh).mood, message).toBeUndefined();
  });

  it('reads no mood from a mood word said of someone named ("my brother is serious about films" had got darker picks)', () => {
    for (const message of ['my brother is very serious about films, recommend something', 'My kids are so happy today! Any comedies?', 'my wife was serious, any thrillers?'])
      expect(classifyTurn(message, fresh).mood, message).toBeUndefined();
    // The user's own mood or the film's still counts.
    expect(classifyTurn('my mood is dark tonight, recommend something', fresh).mood?.names).toEqual(['dark']);
    expect(classifyTurn('my pick tonight is something serious', fresh).mood?.names).toEqual(['dark']);
  });

  it('reads "goodnight" as a goodbye (a list had answered it)', () => {
    for (const message of ['goodnight', 'Goodnight!', 'night night', 'ok, good night!']) for (const turnContext of [context, fresh]) expect(classifyTurn(message, turnContext).intent, message).toBe('chitchat');
    expect(classifyTurn('a good night for a horror film', fresh).intent).toBe('recommend');
  });
});

describe('classifyTurn: the sixteenth pass', () => {
  const fresh = { ...context, lastRecommended: [] };

  it('reads "I need a laugh", "I need cheering up" and "something relaxing" as moods (they had set none)', () => {
    for (const message of ['I need a laugh', 'could use a laugh tonight', 'any films for a laugh?']) expect(classifyTurn(message, fresh).mood?.names, message).toEqual(['good laugh']);
    for (const message of ['I need cheering up', 'something for cheering me up', 'work is so stressful, something relaxing', 'a relaxing movie please', 'anything soothing?'])
      expect(classifyTurn(message, fresh).mood?.names, message).toEqual(['light']);
    // Small talk keeps no mood: a laugh had, relaxing of a pastime, cheering on a team.
    for (const message of ['We had a laugh about it yesterday.', 'I find gardening relaxing.', 'Reading is so relaxing.', "I'm cheering up my sister tomorrow.", 'I love cheering for my team.'])
      expect(classifyTurn(message, fresh).mood, message).toBeUndefined();
  });
});
