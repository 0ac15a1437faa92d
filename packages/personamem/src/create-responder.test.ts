import { describe, expect, it } from 'vitest';
import { loadConfig } from '@personalab/core';
import { createResponder } from './create-responder.js';
import { RandomResponder } from './responders/random-responder.js';

describe('createResponder', () => {
  it("gives the random control the experiment's seed (1) unless told otherwise, so CLI and experiment agree", async () => {
    const config = loadConfig({});
    const cli = await createResponder({ responder: 'random' }, config);
    const experiment = new RandomResponder({ seed: 1 });
    const other = new RandomResponder({ seed: 0 });
    const questions = Array.from({ length: 40 }, (_, index) => ({ id: `q${index}`, type: 't', question: 'which?', options: ['a', 'b', 'c', 'd'], context: [] }));
    const replies = async (responder: { answer: RandomResponder['answer'] }) => Promise.all(questions.map(async (question) => (await responder.answer(question)).reply));
    expect(await replies(cli)).toEqual(await replies(experiment));
    // The seed matters (the check above could not pass by accident): seed 0 answers otherwise.
    expect(await replies(other)).not.toEqual(await replies(experiment));
  });
});
