import { describe, expect, it } from 'vitest';
import { ContradictionChecker, findContradiction } from './contradiction.js';

const facts = [
  'I have two dogs.',
  'I love horror movies.',
  'My favorite color is blue.',
  'I am 32 years old.',
  'I have a turtle named timothy.',
  'I live in Texas.',
  'I am married.',
  'I am a vegan.',
  'I do not drink alcohol.',
];

describe('ContradictionChecker', () => {
  it.each([
    ["I don't have any dogs.", 'negation'],
    ['I have three dogs and a cat.', 'count'],
    ['I hate horror movies.', 'sentiment'],
    ['i am not a fan of horror movies', 'sentiment'],
    ['My favorite color is red.', 'favorite'],
    ['I am 45 years old', 'age'],
    ["my turtle's name is bob", 'name'],
    ['I live in Ohio.', 'home'],
    ['I am single.', 'state'],
    ['I love a good steak.', 'diet'],
    ['I drink alcohol every day', 'negation'],
    ['i ca n\'t stand horror movies .', 'sentiment'],
    ['I have never seen that one and I hate horror movies.', 'sentiment'],
  ])('flags "%s" (%s)', (text, rule) => {
    expect(findContradiction(text, facts)?.rule).toBe(rule);
  });

  it.each([
    'I have two dogs, they are great!',
    'I love horror films, especially old ones.',
    'My favorite color is blue too.',
    "I don't have a cat, but I love dogs.",
    'That sounds fun. What do you do?',
    'I do not like comedies much.',
    'I have a big sweet tooth',
    'I live in a small town.',
    'I have no time for that',
    'i do not love dogs',
    'My brother is 45 years old and lives in Ohio.',
  ])('accepts "%s"', (text) => {
    expect(findContradiction(text, facts)).toBeUndefined();
  });

  it('names the contradicted fact and the sentence', () => {
    const found = new ContradictionChecker(facts).find('Hi there. Honestly, I hate horror movies.');
    expect(found).toEqual({ rule: 'sentiment', fact: 'I love horror movies.', sentence: 'honestly, i hate horror movies.' });
  });
});
