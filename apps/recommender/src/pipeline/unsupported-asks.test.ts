import { describe, expect, it } from 'vitest';
import { unsupportedAsks, unsupportedNote, withoutUnsupportedAsks } from './unsupported-asks.js';

const titles = ['alien', 'star wars', 'tom', 'toy story', 'fargo'];
const options = {
  isTitle: (name: string) => titles.some((title) => title === name.toLowerCase() || title.startsWith(`${name.toLowerCase()} `)),
  isGenre: (words: string) => /^(?:horror|western|comedy|sci-fi)$/.test(words),
};
const asked = (message: string) => unsupportedAsks(message, options).map((ask) => [ask.kind, ask.said, ask.negated]);

describe('unsupportedAsks (third multi-turn QA pass)', () => {
  it('reads studios, streaming services, people, languages, age ratings and running times', () => {
    expect(asked('no Disney please, something for the kids')).toEqual([['studio', 'Disney', true]]);
    expect(asked('something from Pixar')).toEqual([['studio', 'Pixar', false]]);
    expect(asked('a Warner Bros movie')).toEqual([['studio', 'Warner Bros', false]]);
    expect(asked("what's good on Netflix?")).toEqual([['streaming', 'Netflix', false]]);
    expect(asked('something on Amazon Prime')).toEqual([['streaming', 'Amazon Prime', false]]);
    expect(asked('anything on Disney+?')).toEqual([['streaming', 'Disney+', false]]);
    expect(asked('a movie with Tom Hanks')).toEqual([['person', 'Tom Hanks', false]]);
    expect(asked('something starring Harrison Ford')).toEqual([['person', 'Harrison Ford', false]]);
    expect(asked('something by Spielberg')).toEqual([['person', 'Spielberg', false]]);
    expect(asked('a Hitchcock film')).toEqual([['person', 'Hitchcock', false]]);
    expect(asked("I'm a big Tarantino fan")).toEqual([['person', 'Tarantino', false]]);
    expect(asked('what about a French film?')).toEqual([['language', 'French', false]]);
    expect(asked('something in Spanish')).toEqual([['language', 'Spanish', false]]);
    expect(asked('any korean movies?')).toEqual([['language', 'Korean', false]]);
    expect(asked('a movie with subtitles')).toEqual([['language', 'subtitles', false]]);
    expect(asked('movies from Japan')).toEqual([['language', 'Japan', false]]);
    expect(asked('something rated PG for family night')).toEqual([['age rating', 'PG', false]]);
    expect(asked('nothing R rated please')).toEqual([['age rating', 'R', true]]);
    expect(asked('a thriller under 90 minutes')).toEqual([['length', 'under 90 minutes', false]]);
  });

  it('leaves family, holidays, titles, genres, everyday words and the speaker alone', () => {
    for (const message of [
      'something to watch with Mom tonight',
      'a Christmas movie',
      'a big Star Wars fan',
      'something with Alien vibes',
      'I am watching with Sarah',
      'done by Friday',
      'a universal story about love',
      'I marvel at how good Fargo is',
      'I love Horror movies',
      'highly rated comedies',
      'I speak French at home',
      "I'm from Germany, recommend something",
      'a comedy from the 90s',
      'I loved Toy Story',
      // Lines of Synthetic-Persona-Chat test whose capitalised words had read as people.
      'I really like the Lord of the Rings movies.',
      "I'm a big fan of the Fast and Furious movies.",
      // Where a film the user has in mind streams is no filter asked for.
      "thanks, I'll watch it on Netflix",
      "I'm so glad it's finally on Netflix.",
    ]) {
      expect(asked(message), message).toEqual([]);
    }
  });

  it('blanks the whole phrase, its negation included, so a request reads without it', () => {
    const message = 'I want an animated movie, but no Disney';
    const blanked = withoutUnsupportedAsks(message, unsupportedAsks(message, options));
    // A bare "no" left behind had ruled animation out.
    expect(blanked.trim()).toBe('I want an animated movie, but');
    expect(blanked).toHaveLength(message.length);
    expect(withoutUnsupportedAsks('a comedy on Netflix', unsupportedAsks('a comedy on Netflix', options)).trim()).toBe('a comedy');
  });

  it('says what it cannot choose by, and what it cannot promise to leave out', () => {
    // The running-time sentence is the one the chat has said since the first QA pass.
    expect(unsupportedNote(unsupportedAsks('something shorter', options))).toBe('I cannot choose films by running time, so these go by the rest of what you asked.');
    expect(unsupportedNote(unsupportedAsks('a comedy with Tom Hanks on Netflix', options))).toBe(
      'I cannot choose films by who is in them or who made them (Tom Hanks) or where they stream (Netflix), so these go by the rest of what you asked.',
    );
    expect(unsupportedNote(unsupportedAsks('no Disney please', options))).toBe('I cannot choose films by studio (Disney), so I cannot promise to leave out Disney films; these go by the rest of what you asked.');
    expect(unsupportedNote(unsupportedAsks('nothing R rated', options))).toContain('I cannot promise to leave out R-rated films');
    expect(unsupportedNote([])).toBeUndefined();
  });
});

describe('unsupportedAsks (fourth multi-turn QA pass)', () => {
  it('reads a film named as a kind ("a Fargo-style movie") as the film, and a person so named as a person', () => {
    // Before: "a Die Hard-style movie" was read as a person, "Die Hard-style", and the reply said it could not choose by cast.
    expect(asked('a Fargo-style movie')).toEqual([]);
    expect(asked('an Alien-esque film')).toEqual([]);
    expect(asked('a Tarantino-style movie')).toEqual([['person', 'Tarantino', false]]);
  });

  it('reads asks for how well a film is made, and not praise of one', () => {
    // Before: "in the spirit of Forrest Gump but with better acting" was answered as if the list had better acting.
    expect(asked('in the spirit of Forrest Gump but with better acting')).toEqual([['quality', 'better acting', false]]);
    expect(asked('something with a great story please')).toEqual([['quality', 'great story', false]]);
    expect(asked('like Heat but more realistic')).toEqual([['quality', 'more realistic', false]]);
    expect(asked('something less predictable')).toEqual([['quality', 'less predictable', false]]);
    expect(unsupportedNote(unsupportedAsks('like Alien but with better acting'))).toBe('I cannot choose films by how well they are made (better acting), so these go by the rest of what you asked.');
    for (const message of ["They're so well-written.", 'Practical effects always look more realistic and believable.', 'I love coming up with a great story in a short time.']) expect(asked(message), message).toEqual([]);
  });
});

describe('unsupportedAsks (review of the third and fourth passes)', () => {
  it('reads no studio in a theme park, and no person in a series named by its title', () => {
    // Before: 40 Synthetic-Persona-Chat turns naming Disney World read as a studio ask ("I cannot choose films by studio
    // (Disney)"), and "the Conjuring movies", "the new Hobbit movie" as a person ("who is in them or who made them (Conjuring)").
    for (const message of [
      'We just got back from Disney World, something fun for the kids tonight',
      "I've never been to Disneyland or Disney World",
      'I love the Conjuring movies. Anything scary?',
      'I love the Fast and Furious movies, the Hangover movies, and the Marvel Cinematic Universe movies.',
      "We're going to see the new Frozen movie.",
      'I was thinking about seeing the new James Bond movie.',
    ]) {
      expect(asked(message).filter(([kind]) => kind !== 'studio' || !/Disney/.test(message)), message).toEqual(message.includes('Marvel') ? [['studio', 'Marvel', false]] : []);
    }
    expect(asked('We just got back from Disney World, something fun for the kids tonight')).toEqual([]);
    // A studio, and a person before "film" or "fan", are still read.
    expect(asked('something from Disney, not Pixar')).toEqual([['studio', 'Disney', false], ['studio', 'Pixar', true]]);
    expect(asked('I love Judd Apatow movies')).toEqual([['person', 'Judd Apatow', false]]);
    expect(asked('a Hitchcock film')).toEqual([['person', 'Hitchcock', false]]);
  });
});

describe('unsupportedAsks (review of the offline chat pipeline)', () => {
  it('reads a number of minutes as a running time only where it qualifies a film', () => {
    // Before: any "N minutes" was a length ask, so "I have 30 minutes before my bus" was answered "I cannot choose films by running time".
    for (const message of [
      'I have 30 minutes before my bus, anything good?',
      'meet you in 30 minutes, pick a comedy for tonight',
      'I watched for 20 minutes and got bored. Something else, a thriller?',
      'back in about 20 minutes, something fun',
      'I can sometimes work up to 100 hours a week.',
      'a two hour movie night with friends',
      // Time the user has, not a film's length, and no film is named (the pipeline had not read it before either).
      'I only have an hour and a half, something funny',
    ]) {
      expect(asked(message), message).toEqual([]);
    }
    expect(asked('a 90 minute movie please')).toEqual([['length', '90 minute', false]]);
    expect(asked('a 90-minute film')).toEqual([['length', '90-minute', false]]);
    expect(asked('a two-hour comedy')).toEqual([['length', 'two-hour', false]]);
    expect(asked('a comedy under 90 minutes')).toEqual([['length', 'under 90 minutes', false]]);
    expect(asked('a thriller no longer than 100 minutes')).toEqual([['length', 'no longer than 100 minutes', false]]);
    expect(asked('movies around 90 minutes')).toEqual([['length', 'around 90 minutes', false]]);
    expect(asked('something about 90 minutes long')).toEqual([['length', 'about 90 minutes long', false]]);
    expect(asked('anything 90 mins max')).toEqual([['length', '90 mins max', false]]);
    expect(asked('90 minutes or less please')).toEqual([['length', '90 minutes or less', false]]);
    // The film word stays for the readers: "a two-hour comedy" still asks for comedies.
    expect(withoutUnsupportedAsks('a two-hour comedy', unsupportedAsks('a two-hour comedy', options)).trim()).toBe('a          comedy');
  });
});

describe('unsupportedAsks: thirteenth chat QA pass', () => {
  it('reads what a film is about as a topic the catalogue cannot choose by ("space films" had led with Space Jam)', () => {
    expect(asked('films about nature')).toEqual([['topic', 'nature', false]]);
    expect(asked('space films')).toEqual([['topic', 'space', false]]);
    expect(asked('films about dogs')).toEqual([['topic', 'dogs', false]]);
    expect(asked('anything with robots?')).toEqual([['topic', 'robots', false]]);
    expect(asked('man vs nature films')).toEqual([['topic', 'man vs nature', false]]);
    expect(asked('no movies about sharks please')).toEqual([['topic', 'sharks', true]]);
    // Asked by its story: the asking words go too ("called" had found A Fish Called Wanda).
    const shark = "what's it called, the one with the shark?";
    expect(asked(shark)).toEqual([['topic', 'shark', false]]);
    expect(withoutUnsupportedAsks(shark, unsupportedAsks(shark, options)).trim()).toBe('?');
    // A genre asked this way, a title written as one, and a topic told of no film are no topic asks.
    for (const message of ['films about the war', 'anything with Alien?', 'I love my dogs', 'we went to space camp']) expect(asked(message), message).toEqual([]);
    expect(unsupportedNote(unsupportedAsks('films about dogs', options))).toBe('I cannot choose films by what they are about (dogs), so these go by the rest of what you asked.');
  });

  it('reads "who is tom hanks?" in lower case as a question about a person ("who is tom hanks?" had got the off-topic reply)', () => {
    expect(asked('who is tom hanks?')).toEqual([['person', 'Tom Hanks', false]]);
    expect(asked("who's meryl streep")).toEqual([['person', 'Meryl Streep', false]]);
    for (const message of ['who is your favourite?', 'who is playing tonight?', 'who is star wars?', 'who is it?', 'who is that guy?']) expect(asked(message), message).toEqual([]);
  });

  it('reads "something long" as a running time ("is it too late for something long?" had been answered as if kept)', () => {
    expect(asked('is it too late for something long?')).toEqual([['length', 'something long', false]]);
    expect(asked('something longer')).toEqual([['length', 'longer', false]]);
  });
});

describe("unsupportedAsks: the thirteenth pass's review", () => {
  it('reads no name in "who is" before a verb in "-ing" or an everyday word ("who\'s winning tonight?" had been asked as a person)', () => {
    for (const message of ["who's winning tonight?", 'who is joining us?', 'who is hungry now?']) expect(asked(message), message).toEqual([]);
    expect(asked('who is will smith?')).toEqual([['person', 'Will Smith', false]]);
    expect(asked('Who is Harrison Ford?')).toEqual([['person', 'Harrison Ford', false]]);
  });

  it('reads "something long" as a running time, not "something long ago" ("I saw something long ago" had been noted as one)', () => {
    expect(asked('I saw something long ago that I loved, recommend a comedy')).toEqual([]);
    expect(asked('something long and funny')).toEqual([['length', 'something long', false]]);
  });

  it('reads a topic before a genre as what the films are about ("sports comedies" had read only comedy)', () => {
    expect(asked('sports comedies')).toEqual([['topic', 'sports', false]]);
    expect(asked('a dog comedy please')).toEqual([['topic', 'dog', false]]);
    expect(asked('a space adventure')).toEqual([['topic', 'space', false]]);
  });
});

describe('unsupportedAsks: the sixteenth pass', () => {
  it('reads "a long film" as a running time ("a long film please" had listed The Long Kiss Goodnight)', () => {
    expect(asked('a long film please')).toEqual([['length', 'long film', false]]);
    expect(asked('any long movies?')).toEqual([['length', 'long movies', false]]);
    expect(asked('a nice long one tonight')).toEqual([['length', 'long one', false]]);
    // A long night of films is no running time.
    expect(asked('a long movie night with friends')).toEqual([]);
    expect(asked("You should. It's a long movie, but it's worth it.")).toEqual([]);
  });
});
