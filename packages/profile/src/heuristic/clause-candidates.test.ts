import { describe, expect, it } from 'vitest';
import { canonicalClause, clauseCandidates } from './clause-candidates.js';

const texts = (message: string) => clauseCandidates(message).map((candidate) => candidate.text);

describe('clauseCandidates', () => {
  it('splits clauses and strips fillers, tails and partner questions (pre-tokenised Persona-Chat text)', () => {
    expect(texts("yes ! i've two dogs , what about you ?")).toEqual(['i have two dogs']);
    expect(texts("lol that's cool . i like to ski in the winter")).toEqual(['i like to ski in the winter']);
    expect(texts('well i am a nurse , and i work nights lol')).toEqual(['i am a nurse', 'i work nights']);
    expect(texts('me too , i go to church every sunday .')).toEqual(['i go to church every sunday']);
    expect(texts("haha . i'm 25 so i still live with my parents")).toEqual(['i am 25', 'i live with my parents']);
  });

  it('leaves no dangling conjunction or pronoun verdict ("i loved it and" had been a fact)', () => {
    expect(texts('i loved it and now i love it even more')).toEqual([]);
    expect(texts('i liked them a lot')).toEqual([]);
  });

  it('rewrites tastes into the words persona sheets use', () => {
    expect(texts('I am really into hiking.')).toEqual(['i like hiking']);
    expect(texts("i'm a big fan of country music")).toEqual(['i like country music']);
    expect(texts('i do love a good horror movie')).toEqual(['i love a good horror movie']);
    expect(texts("i've got two sisters")).toEqual(['i have two sisters']);
  });

  it('completes list items with the subject and verb of the clause before them', () => {
    expect(texts('I like to dance at the club, run a dog obedience school, and eat a lot of sweets.')).toEqual([
      'i like to dance at the club',
      'i run a dog obedience school',
      'i eat a lot of sweets',
    ]);
    expect(texts('i like reading , especially paranormal romances')).toEqual(['i like reading', 'i like paranormal romances']);
    // A list item after a clause that is not about the speaker stays out.
    expect(texts('that sounds fun , especially paranormal romances')).toEqual([]);
  });

  it('keeps the statements of a question sentence but not the question', () => {
    expect(texts('i love dogs , do you ?')).toEqual(['i love dogs']);
    expect(texts('what do you do for work ?')).toEqual([]);
    expect(texts('do you have any pets ?')).toEqual([]);
  });

  it('drops chatter, hedges, reactions and statements about the partner', () => {
    for (const message of ['i am good , thanks .', 'i think you are right', 'i love your dog !', 'me too !', 'i love it', 'i guess so lol', 'i am sorry to hear that', 'i have to go now', 'i bet you can get hurt', 'same here .', 'if i had a dog i would walk it every day']) {
      expect(texts(message), message).toEqual([]);
    }
  });

  // Long, edited messages (PersonaMem's user turns): what stands before "i" or "my" decides whether it is the subject.
  it('drops clauses whose "i" is in a relative clause and whose "my" is an object', () => {
    for (const message of [
      'The teachings I received emphasized the importance of community, unity, and respect for our ancestors.',
      'Each poem I read told a story of resilience and hope.',
      'Additionally, I have been delving into how technology can enhance live performances, which is something I find particularly fascinating.',
      'Attending that workshop was truly an incredible experience for me, and it opened my eyes to the potential of using music in therapy.',
      "I've been playing instruments in group settings, which has really enhanced my collaboration and musical camaraderie.",
      'The judge seemed to drone on and on, and I couldn\'t help but notice how many people were absent or distracted.',
    ]) {
      expect(texts(message).filter((text) => /^(?:i (?:received|read|find|could)|my (?:eyes|collaboration))\b/.test(text)), message).toEqual([]);
    }
    // A short adverbial or consequence lead-in still leaves the subject.
    expect(canonicalClause("that's why i love teaching")).toBe('i love teaching');
    expect(canonicalClause('every day i walk my dog')).toBe('i walk my dog');
    expect(canonicalClause('and lately my son plays the drums')).toBe('my son plays the drums');
  });

  it('continues a perfect tense only into list items with a participle of their own', () => {
    expect(texts("I've always believed that creativity is like a muscle, and just like any muscle, it requires consistent exercise.")).not.toContain('i have just like any muscle');
    expect(texts('I have been to Italy, France, and Spain.')).not.toContain('i have france');
    expect(texts("I've been reflecting on my online shopping habits, especially related to music and my heritage.")).not.toContain('i have related to music');
    expect(texts("I've restored classic cars, built furniture, and even done some electrical work.")).toEqual(expect.arrayContaining(['i have built furniture']));
    // After a list item that is a verb phrase, the next one is a verb phrase too, not the first verb's object.
    expect(texts('I like to sing folk songs, make my own clothing, and adopt stray cats.')).toEqual(['i like to sing folk songs', 'i make my own clothing', 'i adopt stray cats']);
  });

  it('leaves a contrast after a taste to the miner, and reads no "not" into a list item', () => {
    // "i like but not so much musicals" and "i love not horror" had been clause facts.
    expect(texts('I like comedies, but not so much musicals')).toEqual(['i like comedies']);
    expect(texts('I love sci-fi and fantasy but not horror')).toEqual(['i love sci-fi', 'i love fantasy']);
    expect(texts('I like comedies but hate musicals')).toEqual(['i like comedies', 'i hate musicals']);
    expect(texts("i am single and don't have any kids")).toEqual(['i am single', 'i do not have any kids']);
  });

  it('quotes the clause each statement came from, once per statement', () => {
    expect(clauseCandidates('oh cool . i have two dogs . i have two dogs !')).toEqual([{ text: 'i have two dogs', quote: 'i have two dogs' }]);
  });
});

describe('canonicalClause', () => {
  it('accepts a short lead-in before the subject and refuses a conditional one', () => {
    expect(canonicalClause('in my spare time i sew quilts')).toBe('i sew quilts');
    expect(canonicalClause('when i was a kid i had a cat')).toBeUndefined();
    expect(canonicalClause('my dog')).toBeUndefined();
  });
});
