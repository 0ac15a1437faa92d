import { describe, expect, it } from 'vitest';
import { genresOf } from './constraints.js';
import { offTopicQuestion } from './off-topic.js';
import { collectTagStems } from './taste.js';

const stems = collectTagStems([{ id: 'x', title: 'x', tags: ['Action', 'Comedy', 'Horror', 'Romance', 'Sci-Fi', 'Western'] }]);
const offTopic = (message: string) => offTopicQuestion(message, { namesGenre: (words) => genresOf(words, { stems }).length > 0 });

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
