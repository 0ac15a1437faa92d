import { describe, expect, it } from 'vitest';
import { answeredStatement, ContradictionChecker, findContradiction, parseClaims } from './contradiction.js';

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

  // A MovieLens profile likes "comedy movies" and dislikes "horror movies": "I love comedy movies!" had been flagged
  // against the dislike (the shared "movies"), so its users could never say what they like.
  it('reads opposite verdicts on different things of one kind as no contradiction', () => {
    const tastes = ['I like comedy movies.', 'I do not like horror movies.', 'I love rock music.'];
    for (const text of ['I love comedy movies!', 'I do not like horror movies at all.', 'I really like action movies.', 'I hate war movies.', 'I do not watch horror movies.', 'I do not like country music.']) {
      expect(findContradiction(text, tastes), text).toBeUndefined();
    }
    // The same thing still conflicts, named with or without its kind.
    expect(findContradiction('I love horror movies.', tastes)?.rule).toBe('sentiment');
    expect(findContradiction('I hate comedies.', tastes)?.rule).toBe('sentiment');
    expect(findContradiction('I do not like rock music.', tastes)?.rule).toBe('sentiment');
    expect(findContradiction('I do not like music.', tastes)?.rule).toBe('sentiment');
    expect(findContradiction('I watch horror movies every week.', ['I do not watch horror movies.'])?.rule).toBe('negation');
  });

  // On real SPC turns a bare yes read "I play some sports." had been flagged against "I don't really play with dolls
  // anymore": the denied scope stopped at "with", which left it only the verb.
  it('reads what a verb with "with" denies as the whole phrase, not the verb alone', () => {
    const dolls = ["I don't really play with dolls anymore."];
    expect(findContradiction('I play some sports.', dolls)).toBeUndefined();
    expect(findContradiction('I play video games with my friends.', dolls)).toBeUndefined();
    expect(findContradiction('I still play with dolls.', dolls)?.rule).toBe('negation');
    // With the whole phrase read, "zero" must read as "no": else "I have zero family that I am close to" is denied.
    expect(findContradiction('I am not really close with my family anyway.', ['I have zero family that I am close to.'])).toBeUndefined();
    // "with" after an object still ends what is denied: "a dog with me" denies a dog.
    expect(findContradiction('I have a dog.', ['I do not have a dog with me today.'])?.rule).toBe('negation');
  });

  // Asked what they do, a 7-year-old MovieLens user had said "I am a graduate student in psychology." (a student: the job
  // matched), and simulated users had said "I'm retired" and then "I'm still in high school".
  it('flags a life stage the age or another stage rules out', () => {
    expect(findContradiction('I am a graduate student in psychology.', ['I am 7 years old.', 'I am a student.'])?.rule).toBe('age');
    expect(findContradiction("I'm in high school.", ['I am 53 years old.'])?.rule).toBe('age');
    expect(findContradiction("I'm still in high school, so I don't have a job.", ['I am retired.'])?.rule).toBe('age');
    expect(findContradiction("I'm going to the concert with my husband and kids.", ["I'm four years old."])?.rule).toBe('age');
    expect(findContradiction('I am in the third grade.', ['I am happily married.'])?.rule).toBe('age');
    expect(findContradiction("I'm a student. I'm studying to be a lawyer.", ['I am 7 years old.'])?.rule).toBe('age');
    // What the age allows.
    for (const [text, fact] of [
      ['I am a student.', 'I am 7 years old.'],
      ["I'm in college.", 'I am 19 years old.'],
      ['I am a graduate student in psychology.', 'I am 28 years old.'],
      ["I'm a junior in high school.", 'I am 16 years old.'],
      ['I am retired.', 'I am 61 years old.'],
      ['My grandkids visit every summer.', 'I am 61 years old.'],
      ['I am not in college yet.', 'I am 12 years old.'],
    ] as const) {
      expect(findContradiction(text, [fact]), text).toBeUndefined();
    }
  });

  // "I'm four years old." and "I'm a 56 year old woman." had stated no age, so personas that state none said them freely.
  it('reads an age in words, and a height as no age', () => {
    const ageOf = (text: string) => parseClaims(text).flatMap(({ claim }) => (claim.kind === 'age' ? [claim.age] : []));
    expect(ageOf('I am a twenty eight year old male.')).toEqual([28]);
    expect(ageOf("I'm four years old.")).toEqual([4]);
    expect(ageOf("I'm a 56-year-old woman.")).toEqual([56]);
    expect(ageOf('I am 32')).toEqual([32]);
    expect(ageOf('I am 5 feet tall.')).toEqual([]);
    expect(ageOf('I am 100 percent sure.')).toEqual([]);
    expect(ageOf('I am a few years old.')).toEqual([]);
    expect(findContradiction("I'm a 56 year old woman.", ['I am a twenty year old male.'])?.rule).toBe('age');
  });

  // "I have a golden retriever named Buddy." from a persona whose golden retriever is Ginger: the name rule read one word only.
  it('reads the name of a thing named with more than one word', () => {
    expect(findContradiction('I have a golden retriever named Buddy.', ['I have a golden retriever named ginger.'])?.rule).toBe('name');
    expect(findContradiction('My golden retriever named Ginger is the best.', ['I have a golden retriever named ginger.'])).toBeUndefined();
  });

  it('reads "not a big fan of" as a dislike', () => {
    expect(findContradiction("I'm not a big fan of action movies, but I do enjoy some.", ['I love action movies.'])?.rule).toBe('sentiment');
    expect(findContradiction("I'm not a huge fan of horror.", ['I love comedies.'])).toBeUndefined();
  });

  // Against "I love sports." these had been read as no verdict at all.
  it('reads "zero interest in", "could not care less about" and "… are not my thing" as dislikes of what they name', () => {
    expect(findContradiction('I have zero interest in sports.', ['I love sports.'])?.rule).toBe('sentiment');
    expect(findContradiction('Sports are not my thing.', ['I love sports.'])?.rule).toBe('sentiment');
    expect(findContradiction('Honestly, horror movies are not really my cup of tea.', ['I like horror movies.'])?.rule).toBe('sentiment');
    expect(findContradiction("I couldn't care less about football.", ['I love football.'])?.rule).toBe('sentiment');
    // One sport is not all of them, and another thing is not the liked one.
    expect(findContradiction("I couldn't care less about football.", ['I love sports.'])).toBeUndefined();
    expect(findContradiction('Sports are not my thing, I love reading.', ['I love reading.'])).toBeUndefined();
  });

  // "I have zero interest in quitting sports." had contradicted "I love sports." (and "I hate losing my dog." "I love my dog.").
  it('reads a dislike of quitting, losing or leaving a thing as no verdict on the thing', () => {
    expect(findContradiction('I have zero interest in quitting sports.', ['I love sports.'])).toBeUndefined();
    expect(findContradiction("I couldn't care less about losing my job.", ['I love my job.'])).toBeUndefined();
    expect(findContradiction('I hate leaving my dog at home.', ['I love my dog.'])).toBeUndefined();
    expect(findContradiction('Giving up hiking is not my thing.', ['I love hiking.'])).toBeUndefined();
    expect(findContradiction('I have zero interest in hiking.', ['I love hiking.'])?.rule).toBe('sentiment');
  });

  // "I have zero interest in getting another dog." had contradicted "I love my dog.": wanting no more of a thing is no dislike of it.
  it('reads a dislike of getting more of a thing as no verdict on the thing', () => {
    expect(findContradiction('I have zero interest in getting another dog.', ['I love my dog.'])).toBeUndefined();
    expect(findContradiction('I have zero interest in getting more cats.', ['I love cats.'])).toBeUndefined();
    expect(findContradiction('I hate buying another car.', ['I love my car.'])).toBeUndefined();
    expect(findContradiction('I have zero interest in cats.', ['I love cats.'])?.rule).toBe('sentiment');
    expect(findContradiction('I hate getting dogs.', ['I love dogs.'])?.rule).toBe('sentiment');
  });

  // "I have zero interest in getting better at cooking." had contradicted "I love cooking.": wanting no more skill at a thing is no dislike of it.
  it('reads a dislike of getting better at a thing as no verdict on the thing', () => {
    expect(findContradiction('I have zero interest in getting better at cooking.', ['I love cooking.'])).toBeUndefined();
    expect(findContradiction('I hate improving my cooking.', ['I love cooking.'])).toBeUndefined();
    expect(findContradiction('I have zero interest in cooking.', ['I love cooking.'])?.rule).toBe('sentiment');
  });

  // "I have zero interest in another dog." had contradicted "I love my dog.", as "getting another dog" had before.
  it('reads a dislike of another or more of a thing, with no verb, as no verdict on the thing', () => {
    expect(findContradiction('I have zero interest in another dog.', ['I love my dog.'])).toBeUndefined();
    expect(findContradiction('I have no interest in more cats.', ['I love cats.'])).toBeUndefined();
    expect(findContradiction('I hate more than anything cats.', ['I love cats.'])?.rule).toBe('sentiment');
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
    // A persona's "I have been working as a real estate agent …" had stated no job, so its user said "I am a librarian."
    ['I have been working as a real estate agent for the past 12 years.', ['agent']],
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
    // Jobs the parser did not know had been what one is ("is stock broker"): the persona held no job to keep to.
    ['I am a stock broker.', ['broker']],
    ['I work as a stock broker downtown.', ['broker']],
    ["I'm a pediatrician.", ['pediatrician']],
  ])('"%s" states %j', (text, jobs) => {
    expect(jobOf(text)).toEqual(jobs);
  });

  it('flags a profession that is none of the persona\'s', () => {
    expect(findContradiction("Hi! I'm a nurse at the local hospital.", ['I am a teacher.', 'I love hiking.'])).toEqual({ rule: 'job', fact: 'I am a teacher.', sentence: 'i am a nurse at the local hospital.' });
    expect(findContradiction('I work as a lawyer.', ['I am a doctor.'])?.rule).toBe('job');
  });

  it.each([
    ['I am a teacher at the high school.', ['I am a teacher.']],
    // The same job in other words.
    ['I am a professor of history.', ['I am a teacher.']],
    // A persona with two jobs holds either.
    ['I am a nurse.', ['I am a teacher.', 'I work as a nurse on weekends.']],
    // Not a profession the rule knows: a hobby, a general word, or an identity.
    ['I am a writer.', ['I am a teacher.']],
    ['I am a great cook.', ['I am a nurse.']],
    ['I am a construction worker.', ['I am a teacher.']],
    ['I am a mother of two.', ['I am a teacher.']],
    // The persona states a job that is no profession of the list: the rule stands aside.
    ['I am a nurse.', ['I am a teacher.', 'I work in a shipyard.']],
    ['I am a nurse.', ['I am retired.']],
    // No job in the persona, or the turn does not state one of its own.
    ['I am a nurse.', ['I love hiking.']],
    ['I am not a nurse, I am a teacher.', ['I am a teacher.']],
    ['My mother is a nurse.', ['I am a teacher.']],
  ])('accepts the job in "%s" against %j', (text, persona) => {
    expect(findContradiction(text, persona)).toBeUndefined();
  });

  it('reads the family a sentence speaks of', () => {
    const familyOf = (text: string) => parseClaims(text).flatMap(({ claim }) => (claim.kind === 'family' ? [claim.noun] : []));
    expect(familyOf('No, just the one son.')).toEqual(['child']);
    expect(familyOf('My husband and I love hiking with our kids.')).toEqual(['husband', 'child']);
    expect(familyOf('I have two children.')).toEqual(['child']);
    expect(familyOf('I love kids.')).toEqual([]);
  });
});

describe('world knowledge of a few kinds', () => {
  // A user had answered "Do you have any pets?" with "No, I don't." and gone on to "My cats are named Tom and Jerry.".
  it('reads cats and dogs as pets, and the gym as exercise', () => {
    expect(findContradiction('My cats are named Tom and Jerry.', ['I do not have any pets.'])?.rule).toBe('negation');
    expect(findContradiction('I have two dogs and a parrot.', ['I have no pets.'])?.rule).toBe('negation');
    expect(findContradiction('I go to the gym every morning.', ['I never exercise.'])?.rule).toBe('negation');
    expect(findContradiction('I hate working out.', ['I work out at the gym five days a week.'])?.rule).toBe('negation');
    // Other people's pets, pet food and a liking are not one's own.
    for (const text of ["My sister's dog is cute.", 'I buy my pet food online.', 'I love dogs.', 'I do not have a cat, but I love dogs.']) {
      expect(findContradiction(text, ['I do not have any pets.']), text).toBeUndefined();
    }
  });

  // Read as pets or as exercise, these had contradicted "I have no pets" or "I go to the gym".
  it('reads no pet in a pet peeve, a hot dog, an allergy or a friend\'s dog, and nothing of now in the past or a day off', () => {
    for (const text of ['My pet peeve is people who chew loudly.', 'I love my hot dogs with mustard.', 'I have a dog allergy.', 'My neighbors dog barks all night.', 'My roommates dog is sweet.']) {
      expect(findContradiction(text, ['I do not have any pets.']), text).toBeUndefined();
    }
    expect(findContradiction('I did not have pets growing up.', ['I have two dogs.'])).toBeUndefined();
    expect(findContradiction('I never had a pet as a kid.', ['I have a dog.'])).toBeUndefined();
    expect(findContradiction("I can't go to the gym today, I am sick.", ['I go to the gym.'])).toBeUndefined();
    // Said of now, they still do.
    expect(findContradiction('I have never had a pet.', ['I have a dog.'])?.rule).toBe('negation');
    expect(findContradiction('I do not own any pets.', ['My dog is named Max.'])?.rule).toBe('negation');
    for (const text of ['I do not have a pet turtle.', 'I have never had a pet turtle before.']) expect(findContradiction(text, ['I have a cat named Spook.']), text).toBeUndefined();
  });

  // "I'm thinking about going into marketing" had come from a user who works in marketing.
  it('flags taking up a work one already holds', () => {
    expect(findContradiction("I'm thinking about going into marketing.", ['I work in marketing.'])?.rule).toBe('job');
    expect(findContradiction('I want to become a nurse.', ['I am a nurse.'])?.rule).toBe('job');
    expect(findContradiction('I want to be a professor one day.', ['I am a teacher.'])?.rule).toBe('job');
    expect(findContradiction('I want to become a better teacher.', ['I am a teacher.'])).toBeUndefined();
    expect(findContradiction('I want to become a nurse.', ['I am a teacher.'])).toBeUndefined();
  });

  // SPC personas who "want to be a chef" had said "I am a chef in training." (flagged as wanting a job already held).
  it('reads no held job in one still to come, nor an aspiration in a higher job', () => {
    expect(findContradiction('I am a chef in training.', ['I want to be a chef.'])).toBeUndefined();
    expect(findContradiction('I am an aspiring fashion designer.', ['I want to be a fashion designer.'])).toBeUndefined();
    expect(findContradiction('I am looking forward to starting my career as a physical therapist.', ['I want to be a physical therapist.'])).toBeUndefined();
    expect(findContradiction('I want to become a nurse practitioner.', ['I am a nurse.'])).toBeUndefined();
    // A job in training is still a job claim, held to the persona's work.
    expect(parseClaims('I am a chef in training.').some(({ claim }) => claim.kind === 'job')).toBe(true);
  });

  it('reads what a bare yes or no says of the "do you …?" it answers', () => {
    expect(answeredStatement("No, I don't.", 'Do you have any pets?')).toBe('I do not have any pets.');
    expect(answeredStatement('Yes!', 'Cool. Do you have any pets?')).toBe('I have some pets.');
    expect(answeredStatement('Nope, never.', 'Do you go to the gym?')).toBe('I do not go to the gym.');
    expect(answeredStatement('No, I have two cats.', 'Do you have a dog?')).toBe('I do not have a dog.');
    // Not a bare answer, or not a "do you" question.
    expect(answeredStatement('No, but I would love to get a dog someday when I move out.', 'Do you have any pets?')).toBeUndefined();
    expect(answeredStatement('No.', 'What pets do you have?')).toBeUndefined();
    expect(answeredStatement('Yes.', 'Do you like cats or dogs?')).toBeUndefined();
    // "Of course not" is a no, and "I don't know" no answer (they had been read "I have some pets.", "I do not like jazz.").
    expect(answeredStatement('Of course not!', 'Do you have any pets?')).toBe('I do not have any pets.');
    expect(answeredStatement("I don't know, maybe.", 'Do you like jazz?')).toBeUndefined();
    expect(answeredStatement('Not sure.', 'Do you like jazz?')).toBeUndefined();
  });
});
