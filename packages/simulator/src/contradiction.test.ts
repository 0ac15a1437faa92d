import { describe, expect, it } from 'vitest';
import { ContradictionChecker, findContradiction, parseClaims } from './contradiction.js';

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

describe('job claims', () => {
  const jobOf = (text: string) => parseClaims(text).flatMap(({ claim }) => (claim.kind === 'job' ? [claim.value] : []));
  it.each([
    ['I work as a technician.', ['technician']],
    ['I work as an actress in Ohio.', ['actress']],
    ["I'm a construction worker.", ['worker']],
    ['I just got a new job as a life coach.', ['coach']],
    ['I am a librarian.', ['librarian']],
    ['I am a graduate student in psychology.', ['student']],
    ["I'm in the third grade, how old are you?", ['schoolchild']],
    ['I am retired.', ['retired']],
    ['I am a big fan of horror.', []],
    ['I am not a teacher.', []],
    ['My mother was a nurse.', []],
    ['I work full-time in a shipyard.', ['works at shipyard']],
    ["I work on my parents' farm.", ["works at parents' farm"]],
    ["I'm a personal trainer.", ['trainer']],
    ["I'm currently looking for a job, but I'm hoping to work at a restaurant.", ['unemployed']],
    ["I'm in the army.", ['works at army']],
    ["I'm a stay at home dad.", ['is stay at home dad']],
    ['I am a man.', ['is man']],
    ["I'm an animal activist.", ['is animal activist']],
    ['I am not that old. I am just going to graduate soon.', ['student']],
    ["I'm a big fan of action movies.", []],
  ])('"%s" states %j', (text, jobs) => {
    expect(jobOf(text)).toEqual(jobs);
  });

  it('reads the family a sentence speaks of', () => {
    const familyOf = (text: string) => parseClaims(text).flatMap(({ claim }) => (claim.kind === 'family' ? [claim.noun] : []));
    expect(familyOf('No, just the one son.')).toEqual(['child']);
    expect(familyOf('My husband and I love hiking with our kids.')).toEqual(['husband', 'child']);
    expect(familyOf('I have two children.')).toEqual(['child']);
    expect(familyOf('I love kids.')).toEqual([]);
  });
});
