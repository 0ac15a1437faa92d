import { describe, expect, it } from 'vitest';
import { tinyItems } from '../test/tiny-catalogue.js';
import { classifyTurn } from './intent.js';
import { collectTagStems } from './taste.js';

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
});
