import { describe, expect, it } from 'vitest';
import { extractPreferenceClaims } from './preference-claims.js';
import { UserMemory } from './user-memory.js';
import { HeuristicProfileExtractor } from '@personalab/profile';
import { MemoryResponder } from '../responders/memory-responder.js';

describe('preference claims', () => {
  it('reads likes, dislikes, recollections, pronouns and reasons', () => {
    const claims = extractPreferenceClaims('I used to love horror films, but now I can\'t stand them because the noise started giving me headaches.');
    expect(claims).toEqual([
      { subject: 'horror films', subjectWords: ['horror', 'film'], polarity: 1, past: true },
      { subject: 'horror films', subjectWords: ['horror', 'film'], polarity: -1, past: false, reason: 'the noise started giving me headaches' },
    ]);
    expect(extractPreferenceClaims('I never used to enjoy jazz records, but now I really love them.').map((claim) => [claim.polarity, claim.past])).toEqual([
      [-1, true],
      [1, false],
    ]);
    expect(extractPreferenceClaims("Since you are not a fan of road trips, I'll plan around that.")[0]).toMatchObject({ subject: 'road trips', polarity: -1, past: false });
  });

  it('reads fronted subjects and subject-less phrases that refer back', () => {
    expect(extractPreferenceClaims('Cruise vacations bore me to tears.')[0]).toMatchObject({ subjectWords: ['cruis', 'vacation'], polarity: -1 });
    expect(extractPreferenceClaims('I find heavy metal pretty unbearable.')[0]).toMatchObject({ subjectWords: ['heavy', 'metal'], polarity: -1 });
    const change = extractPreferenceClaims("I wasn't into road trips at all before, but I've come around to them because it sparks my creativity.");
    expect(change.map((claim) => [claim.subject, claim.polarity, claim.past])).toEqual([
      ['road trips', -1, true],
      ['road trips', 1, false],
    ]);
    expect(change[1]?.reason).toBe('it sparks my creativity');
  });

  it('ignores "like" used as a comparison', () => {
    expect(extractPreferenceClaims('It looks like a storm is coming.')).toEqual([]);
  });
});

describe('user memory', () => {
  const messages = [
    { role: 'system' as const, content: 'persona' },
    { role: 'user' as const, content: 'I really love jazz records.' },
    { role: 'assistant' as const, content: 'Noted.' },
    { role: 'user' as const, content: 'By the way, I work as an accountant.' },
    { role: 'user' as const, content: 'I used to love jazz records, but now I really dislike them because it got far too expensive for my budget.' },
    { role: 'user' as const, content: 'Quick update: I used to work as an accountant, but now I work as a pilot.' },
  ];
  const memory = new UserMemory(messages);

  it('answers for any prefix: the latest state before the end index', () => {
    const timeline = memory.timelines[0];
    expect(timeline?.subject).toBe('jazz records');
    expect(memory.view(3).latest(timeline!)?.polarity).toBe(1);
    expect(memory.view(6).latest(timeline!)?.polarity).toBe(-1);
    expect(memory.view(6).history(timeline!)).toEqual([1, -1]);
    expect(memory.view(6).reasons()).toEqual(['it got far too expensive for my budget']);
  });

  it('marks a fact outdated once the user says it used to be true', () => {
    const outdated = (end: number) => memory.view(end).segments().find((entry) => entry.segment.words.has('accountant') && !entry.segment.past)?.outdated;
    expect(outdated(5)).toBe(false);
    expect(outdated(6)).toBe(true);
  });

  it('picks the latest preference over the outdated one, an unmentioned one and a generic reply', async () => {
    const responder = new MemoryResponder();
    const question = (options: string[]) => ({ id: 'q', type: 'acknowledge_latest_preferences', question: 'Music tonight?', options, context: messages });
    const options = ['(a) Since you love jazz records, enjoy.', '(b) Since you really dislike jazz records, enjoy.', '(c) Since you love heavy metal, enjoy.', '(d) Music is great, enjoy.'];
    expect((await responder.answer(question(options))).reply).toContain('<final_answer>(b)');
    const facts = ['(a) Since you work as an accountant, rest.', '(b) Since you work as a pilot, rest.', '(c) Since you work as a chef, rest.', '(d) Rest is good.'];
    expect((await responder.answer({ ...question(facts), type: 'recall_user_shared_facts' })).reply).toContain('<final_answer>(b)');
  });
});

describe('memory from the profile package', () => {
  it('takes preference timelines from an incremental profile', async () => {
    const messages = [
      { role: 'user' as const, content: 'I really love jazz records.' },
      { role: 'assistant' as const, content: 'Noted.' },
      { role: 'user' as const, content: 'I used to love jazz records, but now I really dislike them because it got far too expensive for my budget.' },
    ];
    const responder = new MemoryResponder({ extractor: new HeuristicProfileExtractor() });
    expect(responder.name).toBe('memory-profile-heuristic');
    const options = ['(a) Since you love jazz records, enjoy.', '(b) Since you really dislike jazz records, enjoy.', '(c) Since you love heavy metal, enjoy.', '(d) Music is great, enjoy.'];
    const question = { id: 'q', type: 'acknowledge_latest_preferences', question: 'Music?', options, context: messages };
    expect((await responder.answer(question)).reply).toContain('<final_answer>(b)');
    expect((await responder.answer({ ...question, id: 'early', context: messages.slice(0, 2) })).reply).toContain('<final_answer>(a)');
  });
});
