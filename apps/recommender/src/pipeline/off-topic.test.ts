import { describe, expect, it } from 'vitest';
import { genresOf } from './constraints.js';
import { offTopicQuestion } from './off-topic.js';
import { collectTagStems } from './taste.js';

const stems = collectTagStems([{ id: 'x', title: 'x', tags: ['Action', 'Comedy', 'Horror', 'Romance', 'Sci-Fi', 'Western'] }]);
const offTopic = (message: string) => offTopicQuestion(message, { namesGenre: (words) => genresOf(words, { stems }).length > 0, namesTitle: () => false });

describe('offTopicQuestion (tenth QA pass)', () => {
  it('finds questions about something other than films (each had been answered with a list)', () => {
    for (const message of ['do you like pizza?', 'have you seen my keys?', "what's the weather like today?", 'can you order me a pizza?', 'Do you have any pets?', 'where are my glasses']) {
      expect(offTopic(message), message).toBe(true);
    }
  });

  it('leaves questions about films, genres, years, names and requests alone', () => {
    for (const message of [
      'do you like horror movies?',
      'anything funny?',
      'what should I watch tonight?',
      'any comedies?',
      'do you like Pixar?',
      'what about 1995?',
      'i enjoyed heat and casablanca, what next?',
      'what do you have?',
      'I like pizza',
      'can you recommend something like it?',
    ]) {
      expect(offTopic(message), message).toBe(false);
    }
  });
});

describe('offTopicQuestion (tenth QA pass, reviewed)', () => {
  it('leaves film asks written without a film word alone (each had got the off-topic answer)', () => {
    for (const message of [
      'any good ones for a rainy day?',
      'got any good ones?',
      'do you have one about pirates?',
      'is there one with robots?',
      'are there any with dinosaurs?',
      "what's the best one ever made?",
      'what about dinosaurs?',
      'how about pirates?',
      "what's popular right now?",
      'what do people like?',
      "what's everyone into lately?",
    ]) {
      expect(offTopic(message), message).toBe(false);
    }
    for (const message of ['what time is it?', 'can you help me with my homework?', 'do you have any pets?']) expect(offTopic(message), message).toBe(true);
  });

  it('takes "it" and "they" for the films just shown or talked of ("is it in english?" after a list is about the film)', () => {
    const afterFilms = (message: string) => offTopicQuestion(message, { namesGenre: () => false, namesTitle: () => false, filmsShown: true });
    for (const message of ['is it in english?', 'are they long?', 'is it black and white?']) {
      expect(afterFilms(message), message).toBe(false);
      expect(offTopic(message), message).toBe(true);
    }
    expect(afterFilms('have you seen my keys?')).toBe(true);
  });
});
