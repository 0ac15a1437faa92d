import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { alternateTitleVariants, TitleOpinionReader } from './title-opinions.js';

const items: Item[] = [
  'Alien (1979)',
  'Alien 3 (1992)',
  'Aliens (1986)',
  'Heat (1995)',
  'Twister (1996)',
  'Shawshank Redemption, The (1994)',
  'Star Wars (1977)',
  'Fargo (1996)',
  'Twelve Monkeys (1995)',
  'Good Will Hunting (1997)',
  'Seven (Se7en) (1995)',
  'Independence Day (ID4) (1996)',
  'Airplane! (1980)',
  'Mars Attacks! (1996)',
  'When Harry Met Sally... (1989)',
  'E.T. the Extra-Terrestrial (1982)',
  'L.A. Confidential (1997)',
  'M*A*S*H (1970)',
  "Schindler's List (1993)",
  'Batman & Robin (1997)',
  'Horseman on the Roof, The (Hussard sur le toit, Le) (1995)',
  'Shining, The (1980)',
  'Godfather, The (1972)',
  'Pulp Fiction (1994)',
  'North (1994)',
  'Georgia (1995)',
  'Game, The (1997)',
  'Die xue shuang xiong (Killer, The) (1989)',
  'Titanic (1997)',
  'Toy Story (1995)',
  'Jumanji (1995)',
  'Scream (1996)',
  'Crash (1996)',
  'Speed (1994)',
].map((title, index) => ({ id: `i${index}`, title, tags: [] }));
const reader = new TitleOpinionReader(items);
const read = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]);

describe('TitleOpinionReader', () => {
  it('reads liked and disliked titles with the strength of the words used', () => {
    expect(read('I loved The Matrix and Alien, recommend me something for tonight')).toEqual([['Alien (1979)', 'like', 5]]);
    expect(read('i really liked the shawshank redemption but Twister was boring.')).toEqual([
      ['Shawshank Redemption, The (1994)', 'like', 4],
      ['Twister (1996)', 'dislike', 2],
    ]);
    expect(read("I hated Alien 3. I didn't like star wars either")).toEqual([
      ['Alien 3 (1992)', 'dislike', 1],
      ['Star Wars (1977)', 'dislike', 2],
    ]);
  });

  it('takes "something like X" as a seed, and leaves titles without an opinion or in questions alone', () => {
    expect(read('give me something like Fargo')).toEqual([['Fargo (1996)', 'like', 4]]);
    expect(read('Have you seen Alien?')).toEqual([]);
    expect(read('I watched Star Wars yesterday')).toEqual([]);
    expect(read("I'd like to see Fargo, I love crime films")).toEqual([]);
  });

  it('reads a one-word title only when it is written as one', () => {
    expect(read('i love the heat of summer')).toEqual([]);
    expect(read('I love the Heat soundtrack')).toEqual([['Heat (1995)', 'like', 5]]);
    expect(read('I love "heat"')).toEqual([['Heat (1995)', 'like', 5]]);
    // Lower case, or a capitalised first word without an opinion said of it, is an ordinary word.
    expect(read('fargo is great')).toEqual([]);
    expect(read('Heat is awful today')).toEqual([]);
    expect(read('Speed is important when you drive')).toEqual([]);
    expect(read('Fargo is a great town to visit')).toEqual([]);
  });

  it('reads a one-word title that opens a message or sentence when an opinion of it follows', () => {
    expect(read('Twister was boring')).toEqual([['Twister (1996)', 'dislike', 2]]);
    expect(read('Fargo is great')).toEqual([['Fargo (1996)', 'like', 4]]);
    expect(read('Fargo was great. Heat was boring.')).toEqual([
      ['Fargo (1996)', 'like', 4],
      ['Heat (1995)', 'dislike', 2],
    ]);
    expect(read('Fargo was great, not like Scream which I hated').map(([title, polarity]) => [title, polarity])).toEqual([
      ['Fargo (1996)', 'like'],
      ['Scream (1996)', 'dislike'],
    ]);
    expect(read('Heat was not bad')).toEqual([['Heat (1995)', 'like', 4]]);
    expect(read('MASH was great')).toEqual([['M*A*S*H (1970)', 'like', 4]]);
    expect(read('Crash was boring')).toEqual([['Crash (1996)', 'dislike', 2]]);
    expect(read('Hi there. Fargo was great.')).toEqual([['Fargo (1996)', 'like', 4]]);
    expect(read('Titanic? Loved it.')).toEqual([['Titanic (1997)', 'like', 5]]);
    expect(read('Speed - hated it')).toEqual([['Speed (1994)', 'dislike', 1]]);
  });

  it('reads "nothing like X" as turning X down, and marks opinions read from a request by example', () => {
    for (const against of ['nothing like Titanic please', 'no more films like Titanic', 'something not like Titanic please', "don't show me anything like Titanic"]) {
      expect(reader.read(against).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating, opinion.byExample]), against).toEqual([['Titanic (1997)', 'dislike', 2, true]]);
    }
    const byExample = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating, opinion.byExample ?? false]);
    expect(byExample('something like Alien')).toEqual([['Alien (1979)', 'like', 4, true]]);
    expect(byExample('do you have anything like Heat?')).toEqual([['Heat (1995)', 'like', 4, true]]);
    expect(byExample('My son loved Toy Story, recommend something like it')).toEqual([['Toy Story (1995)', 'like', 4, true]]);
    // Stated opinions are not by example.
    expect(byExample('I loved Alien')).toEqual([['Alien (1979)', 'like', 5, false]]);
    expect(byExample('I hate movies like Alien')).toEqual([['Alien (1979)', 'dislike', 1, false]]);
  });

  it("reads only the user's own, current opinions: not someone else's, not hedged, not denied hatred, not a former one", () => {
    for (const none of [
      "I didn't hate Fargo",
      "I don't dislike Heat",
      'I never hated Alien',
      "I wouldn't say I loved Titanic",
      "I can't say I enjoyed Heat",
      "I wouldn't say Fargo was great",
      'she loved Toy Story',
      'my kids loved Jumanji',
      'My kids loved Jumanji and Toy Story',
      'My wife said Fargo was boring',
      'he thinks Heat is great',
      'My wife saw Titanic and loved it',
      'I used to love Star Wars',
    ]) {
      expect(read(none), none).toEqual([]);
    }
    expect(read('my son loved Toy Story but I hated it')).toEqual([['Toy Story (1995)', 'dislike', 1]]);
    expect(read('My son loved Toy Story. I hated it')).toEqual([['Toy Story (1995)', 'dislike', 1]]);
    expect(read('she loved Heat and I hated it')).toEqual([['Heat (1995)', 'dislike', 1]]);
    expect(read('Everyone loved Titanic except me')).toEqual([['Titanic (1997)', 'dislike', 2]]);
    expect(read('All my friends loved Heat, but not me')).toEqual([['Heat (1995)', 'dislike', 2]]);
    expect(read('everybody hated Alien except me')).toEqual([['Alien (1979)', 'like', 4]]);
    expect(read('I used to love Star Wars but now I find it boring')).toEqual([['Star Wars (1977)', 'dislike', 2]]);
    expect(read('I used to hate Fargo but now I love it')).toEqual([['Fargo (1996)', 'like', 5]]);
    // The user beside someone else is still the user.
    expect(read('my wife and I loved Titanic')).toEqual([['Titanic (1997)', 'like', 5]]);
    expect(read('me and my wife loved Fargo')).toEqual([['Fargo (1996)', 'like', 5]]);
    expect(read('I saw Heat with my wife and loved it')).toEqual([['Heat (1995)', 'like', 5]]);
    expect(read('I loved Alien and my wife hated Heat')).toEqual([['Alien (1979)', 'like', 5]]);
  });

  it('gives each opinion word to the nearest title when one sentence holds a like and a dislike', () => {
    expect(read('I loved Alien, Fargo was boring')).toEqual([
      ['Alien (1979)', 'like', 5],
      ['Fargo (1996)', 'dislike', 2],
    ]);
    expect(read('I loved Heat and hated Fargo')).toEqual([
      ['Heat (1995)', 'like', 5],
      ['Fargo (1996)', 'dislike', 1],
    ]);
    expect(read('I loved Twelve Monkeys and Heat was boring')).toEqual([
      ['Twelve Monkeys (1995)', 'like', 5],
      ['Heat (1995)', 'dislike', 2],
    ]);
    expect(read('Star Wars was great while Fargo was dull')).toEqual([
      ['Star Wars (1977)', 'like', 4],
      ['Fargo (1996)', 'dislike', 2],
    ]);
    expect(read('I enjoyed Heat whereas Alien bored me')).toEqual([
      ['Heat (1995)', 'like', 4],
      ['Alien (1979)', 'dislike', 2],
    ]);
    expect(read("Honestly I thought Alien was overrated and I adored Heat")).toEqual([
      ['Alien (1979)', 'dislike', 2],
      ['Heat (1995)', 'like', 5],
    ]);
    expect(read("I didn't like Heat, loved Alien though")).toEqual([
      ['Heat (1995)', 'dislike', 2],
      ['Alien (1979)', 'like', 5],
    ]);
    expect(read("I can't stand Alien, but I do like Fargo")).toEqual([
      ['Alien (1979)', 'dislike', 1],
      ['Fargo (1996)', 'like', 4],
    ]);
    // A title's own words are not opinions ("Good Will Hunting" is not "good").
    expect(read('I loved Fargo, Good Will Hunting was boring')).toEqual([
      ['Fargo (1996)', 'like', 5],
      ['Good Will Hunting (1997)', 'dislike', 2],
    ]);
    // "No, I loved …" corrects; it is no negation of "loved".
    expect(read('No, I loved Alien')).toEqual([['Alien (1979)', 'like', 5]]);
    // Within one message the later opinion of a title stands.
    expect(read('I hated Alien. No wait, I loved Alien')).toEqual([['Alien (1979)', 'like', 5]]);
  });

  it('shares an opinion across a list of titles, and reads "not X" and "it" against their neighbours', () => {
    expect(read('I loved Alien, Heat and Fargo')).toEqual([
      ['Alien (1979)', 'like', 5],
      ['Heat (1995)', 'like', 5],
      ['Fargo (1996)', 'like', 5],
    ]);
    expect(read('Both Alien and Heat were boring')).toEqual([
      ['Alien (1979)', 'dislike', 2],
      ['Heat (1995)', 'dislike', 2],
    ]);
    expect(read('I loved Alien, Heat and Fargo were boring')).toEqual([
      ['Alien (1979)', 'like', 5],
      ['Heat (1995)', 'dislike', 2],
      ['Fargo (1996)', 'dislike', 2],
    ]);
    expect(read('My favourites: Alien, Heat and Fargo').map(([, polarity]) => polarity)).toEqual(['like', 'like', 'like']);
    expect(read('I loved Alien but not Aliens')).toEqual([
      ['Alien (1979)', 'like', 5],
      ['Aliens (1986)', 'dislike', 2],
    ]);
    expect(read('I saw Heat yesterday and loved it')).toEqual([['Heat (1995)', 'like', 5]]);
    expect(read('I saw Heat yesterday. Loved it!')).toEqual([['Heat (1995)', 'like', 5]]);
    // A title with its own verb and no opinion stays unread; a wish to watch is no opinion.
    expect(read('I watched Star Wars and Heat was boring')).toEqual([['Heat (1995)', 'dislike', 2]]);
    expect(read('I want to watch Alien and Heat')).toEqual([]);
    expect(read('I loved Heat and would like to see Fargo')).toEqual([['Heat (1995)', 'like', 5]]);
  });

  it('reads the statement before a question, and a question asking for more like a title', () => {
    expect(read('I loved Alien, can you suggest something similar?')).toEqual([['Alien (1979)', 'like', 5]]);
    expect(read('do you have anything like Heat?')).toEqual([['Heat (1995)', 'like', 4]]);
    expect(read('is it anything like Heat?')).toEqual([]);
    expect(read('So you loved Alien?')).toEqual([]);
    expect(read('why not Star Wars?')).toEqual([]);
  });

  it('matches alternative titles in parentheses and titles written with or without their punctuation', () => {
    expect(read('I loved Se7en')).toEqual([['Seven (Se7en) (1995)', 'like', 5]]);
    expect(read('i loved se7en and id4')).toEqual([
      ['Seven (Se7en) (1995)', 'like', 5],
      ['Independence Day (ID4) (1996)', 'like', 5],
    ]);
    expect(read('I hated Airplane!')).toEqual([['Airplane! (1980)', 'dislike', 1]]);
    expect(read('I hated Airplane! It was dumb. Heat was great')).toEqual([
      ['Airplane! (1980)', 'dislike', 1],
      ['Heat (1995)', 'like', 4],
    ]);
    expect(read('I loved E.T.')).toEqual([['E.T. the Extra-Terrestrial (1982)', 'like', 5]]);
    expect(read('I loved E.T. and hated Fargo')).toEqual([
      ['E.T. the Extra-Terrestrial (1982)', 'like', 5],
      ['Fargo (1996)', 'dislike', 1],
    ]);
    expect(read('I loved L.A. Confidential')).toEqual([['L.A. Confidential (1997)', 'like', 5]]);
    // A title's closing "!" or "..." ends no sentence.
    expect(read('I loved When Harry Met Sally... and Mars Attacks! was awful')).toEqual([
      ['When Harry Met Sally... (1989)', 'like', 5],
      ['Mars Attacks! (1996)', 'dislike', 1],
    ]);
    expect(read('I loved MASH and Schindlers List')).toEqual([
      ['M*A*S*H (1970)', 'like', 5],
      ["Schindler's List (1993)", 'like', 5],
    ]);
    expect(read('I thought Batman and Robin was awful')).toEqual([['Batman & Robin (1997)', 'dislike', 1]]);
    expect(read('I liked The Horseman on the Roof')).toEqual([['Horseman on the Roof, The (Hussard sur le toit, Le) (1995)', 'like', 4]]);
    expect(read('I liked Le Hussard sur le toit')).toEqual([['Horseman on the Roof, The (Hussard sur le toit, Le) (1995)', 'like', 4]]);
    expect(alternateTitleVariants('Seven (Se7en) (1995)')).toEqual(['se7en']);
    expect(alternateTitleVariants('Heat (1995)')).toEqual([]);
  });

  it('reads lists that pass through titles outside the catalogue, and leaves names that only contain a title alone', () => {
    expect(read('I love The Conjuring, The Exorcist, and The Shining.')).toEqual([['Shining, The (1980)', 'like', 5]]);
    expect(read('some of my favorites are The Shawshank Redemption, The Godfather, and Pulp Fiction.').map(([title]) => title)).toEqual([
      'Shawshank Redemption, The (1994)',
      'Godfather, The (1972)',
      'Pulp Fiction (1994)',
    ]);
    // One-word titles inside longer names, alternative titles as ordinary words, "it" about a place.
    expect(read('It was really good, we drove through North Carolina.')).toEqual([]);
    expect(read('I\'m reading "The Hating Game" by Sally Thorne.')).toEqual([]);
    expect(read('I love trying to figure out who the killer is.')).toEqual([]);
    expect(read('I hiked from Georgia to Maine and loved it')).toEqual([]);
  });
});

describe('TitleOpinionReader: titles named loosely, and titles seen', () => {
  // Real MovieLens titles, with ordinary words that open or resemble titles ("Christmas", "New York", "Spain" / "Spawn").
  const loose = new TitleOpinionReader(
    [
      'Godfather, The (1972)',
      'Godfather: Part II, The (1974)',
      'Shawshank Redemption, The (1994)',
      'Terminator, The (1984)',
      'Terminator 2: Judgment Day (1991)',
      'Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)',
      'Titanic (1997)',
      'Toy Story (1995)',
      'Casablanca (1942)',
      'Aliens (1986)',
      'Christmas Carol, A (1938)',
      'Nightmare Before Christmas, The (1993)',
      'English Patient, The (1996)',
      'New York Cop (1996)',
      'Spawn (1997)',
      'Giant (1956)',
      'This Is Spinal Tap (1984)',
      'Lord of Illusions (1995)',
      'Assassins (1995)',
      'Halloween: The Curse of Michael Myers (1995)',
      'Speed (1994)',
      'Speed 2: Cruise Control (1997)',
      'Heat (1995)',
    ].map((title, index) => ({ id: `l${index}`, title, tags: [] })),
  );
  const readLoose = (message: string) => loose.read(message).map((opinion) => [opinion.item.title, opinion.rating]);

  it('reads a misspelled title: a letter or two off in a word of five letters or more', () => {
    // Before: nothing was noted, and "the godfater" was searched for as text.
    expect(readLoose('I really liked star wars and the godfater')).toEqual([['Godfather, The (1972)', 4]]);
    expect(readLoose('I hated Titanc')).toEqual([['Titanic (1997)', 1]]);
    expect(readLoose('we loved Casablanka')).toEqual([['Casablanca (1942)', 5]]);
    expect(readLoose('i really liked the shawshank redemtion')).toEqual([['Shawshank Redemption, The (1994)', 4]]);
    // A five-letter word only beside an exact word of the title.
    expect(readLoose('Toy Stroy was fun')).toEqual([['Toy Story (1995)', 4]]);
    expect(readLoose('I loved Alien and Terminater 2')).toEqual([['Terminator 2: Judgment Day (1991)', 5]]);
  });

  it('reads a title shortened to its main name, or to one long word only it has, where the message speaks of a film', () => {
    expect(readLoose('I loved Shawshank')).toEqual([['Shawshank Redemption, The (1994)', 5]]);
    expect(readLoose('we watched the Shawshank and loved it')).toEqual([['Shawshank Redemption, The (1994)', 5]]);
    expect(readLoose('I liked Dr Strangelove')).toEqual([['Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)', 4]]);
    expect(readLoose('Terminator 2 was great')).toEqual([['Terminator 2: Judgment Day (1991)', 4]]);
    // Named loosely in a question about a film ("why …?", "tell me about …").
    expect(loose.titles('tell me about Shawshank', { aboutFilms: true }).map((item) => item.title)).toEqual(['Shawshank Redemption, The (1994)']);
    expect(loose.titles('why the godfater?', { aboutFilms: true }).map((item) => item.title)).toEqual(['Godfather, The (1972)']);
  });

  it('reads a title with a sequel number as the sequel, never as the first film', () => {
    // Before: "Speed 2" was read as Speed (1994), disliked.
    expect(readLoose('I hated Speed 2')).toEqual([['Speed 2: Cruise Control (1997)', 1]]);
    expect(readLoose('I loved Speed')).toEqual([['Speed (1994)', 5]]);
    // A sequel the catalogue lacks names no film; a count or a score after a title is no sequel.
    expect(readLoose('I loved Toy Story 2')).toEqual([]);
    expect(readLoose('I watched Heat 2 times and loved it')).toEqual([['Heat (1995)', 5]]);
  });

  it('leaves ordinary words that open or resemble a title alone (chit-chat lines of Synthetic-Persona-Chat)', () => {
    for (const message of [
      'My favorite holiday is Christmas. I love spending time with my family.',
      'I love Christmas',
      "I'm from New York and I love it there.",
      "I've been to Italy, France, and Spain.",
      "Oh, that's cool! I'm a fan of the Giants.",
      'I know, right? This is why I love hiking.',
      'I really enjoyed the Lord of the Rings trilogy.',
      "I love games like Skyrim and Assassin's Creed.",
      'I love the original Halloween, The Exorcist, and The Shining.',
      'Oh, that is awesome! I love English.',
    ]) {
      expect(readLoose(message), message).toEqual([]);
      expect(loose.titles(message).map((item) => item.title), message).toEqual([]);
    }
    // "Shawshank" alone, with no word of seeing or judging it before, is read only in a question about a film.
    expect(loose.titles('Shawshank is a prison')).toEqual([]);
  });

  it('reads the titles the user says they have seen, not those wished for, denied, asked about or seen by someone else', () => {
    const seen = (message: string) => loose.watched(message).map((item) => item.title);
    expect(seen("I've already seen Aliens")).toEqual(['Aliens (1986)']);
    expect(seen('I saw Titanic last week')).toEqual(['Titanic (1997)']);
    expect(seen('Seen Casablanca already')).toEqual(['Casablanca (1942)']);
    expect(seen('we watched the godfater yesterday')).toEqual(['Godfather, The (1972)']);
    for (const message of ['Have you seen Aliens?', 'I never saw Titanic', "I haven't seen Casablanca yet", 'I want to see Aliens', 'my son saw Toy Story', 'I loved Aliens']) {
      expect(seen(message), message).toEqual([]);
    }
  });

  it('reads a year written after a title as which of the films of that name is meant', () => {
    // MovieLens has Sabrina (1954) and Sabrina (1995); "I've seen Sabrina (1954)" had been read as the 1995 film.
    const sabrinas = new TitleOpinionReader([
      { id: 's54', title: 'Sabrina (1954)', tags: ['Comedy', 'Romance'], year: 1954 },
      { id: 's95', title: 'Sabrina (1995)', tags: ['Comedy', 'Romance'], year: 1995 },
      { id: 'lh', title: 'Local Hero (1983)', tags: ['Comedy'], year: 1983 },
    ]);
    expect(sabrinas.watched("I've seen Local Hero (1983) and Sabrina (1954)").map((item) => item.id)).toEqual(['lh', 's54']);
    expect(sabrinas.read('I loved Sabrina (1954)').map((opinion) => opinion.item.id)).toEqual(['s54']);
    expect(sabrinas.read('I loved Sabrina (1995)').map((opinion) => opinion.item.id)).toEqual(['s95']);
    // A title's own closing punctuation before the year ends no sentence: the titles after it are seen too.
    const listed = new TitleOpinionReader([
      { id: 'wh', title: 'When Harry Met Sally... (1989)', tags: ['Comedy'], year: 1989 },
      { id: 'ct', title: 'Contact (1997)', tags: ['Drama'], year: 1997 },
    ]);
    expect(listed.watched("I've seen When Harry Met Sally... (1989) and Contact (1997)").map((item) => item.id)).toEqual(['wh', 'ct']);
    // A year no film of that name has changes nothing.
    expect(sabrinas.read('I loved Sabrina (2001)')).toHaveLength(1);
  });
});

describe('TitleOpinionReader: second multi-turn QA pass', () => {
  it('takes every film of a list asked for by example as an example, not a new liking', () => {
    // Before: "Reservoir Dogs" after "something like Pulp Fiction and" was read as liked (4), replacing a "loved" (5).
    expect(reader.read('something like Pulp Fiction (1994), Fargo (1996) and Heat (1995) but older').map((opinion) => [opinion.item.title, opinion.byExample])).toEqual([
      ['Pulp Fiction (1994)', true],
      ['Fargo (1996)', true],
      ['Heat (1995)', true],
    ]);
  });

  it('does not give the titles said to be seen the opinion of the title after them', () => {
    // Before: "I've seen Fargo and Heat, loved Alien" liked Heat too.
    expect(read("I've seen Fargo and Twister, loved Alien")).toEqual([['Alien (1979)', 'like', 5]]);
  });

  it('reads "was too dark" as a complaint', () => {
    expect(read('actually Seven was too dark, I did not enjoy it')).toEqual([['Seven (Se7en) (1995)', 'dislike', 2]]);
    expect(read('Heat was not too long')).toEqual([]);
  });

  it('names a sequel without its "Part"', () => {
    expect(alternateTitleVariants('Godfather: Part II, The (1974)')).toContain('godfather ii');
  });
});

describe('TitleOpinionReader: third multi-turn QA pass (lukewarm verdicts)', () => {
  it('reads a lukewarm verdict as neutral, rated 3: neither a liking nor a dislike', () => {
    // Before: "Alien was ok", "Fargo was fine I guess", "Toy Story was so-so" were not read at all, and "Titanic was meh" was a dislike (2).
    expect(read('Alien was ok')).toEqual([['Alien (1979)', 'neutral', 3]]);
    expect(read('I loved Star Wars. Fargo was fine I guess')).toEqual([
      ['Star Wars (1977)', 'like', 5],
      ['Fargo (1996)', 'neutral', 3],
    ]);
    expect(read('Titanic was meh')).toEqual([['Titanic (1997)', 'neutral', 3]]);
    expect(read('Toy Story was so-so')).toEqual([['Toy Story (1995)', 'neutral', 3]]);
    expect(read('I thought Heat was alright, nothing special')).toEqual([['Heat (1995)', 'neutral', 3]]);
    expect(read('I found Twister so-so')).toEqual([['Twister (1996)', 'neutral', 3]]);
  });

  it('reads a mild verdict turned toward the middle by a "but" as lukewarm', () => {
    expect(read("I didn't love Titanic but it was fine")).toEqual([['Titanic (1997)', 'neutral', 3]]);
    expect(read('I liked Heat but it was nothing special')).toEqual([['Heat (1995)', 'neutral', 3]]);
    // Stronger words stand: a hated film whose ending was fine is still hated.
    expect(read('I hated Scream but the ending was fine')).toEqual([['Scream (1996)', 'dislike', 1]]);
  });

  it('reads "was better" as a liking, and leaves suitability and acceptance alone', () => {
    expect(read('Alien was ok but Aliens was better')).toEqual([
      ['Alien (1979)', 'neutral', 3],
      ['Aliens (1986)', 'like', 4],
    ]);
    expect(read('Alien was better than Aliens')).toEqual([]);
    // Taking a suggestion, asking whether it suits, or saying it suits someone: no verdict.
    expect(read('Fargo is fine, thanks')).toEqual([]);
    expect(read('Is Alien ok for kids?')).toEqual([]);
    expect(read('Toy Story was fine for my kids')).toEqual([]);
  });
});

describe('TitleOpinionReader: fourth multi-turn QA pass (comparative requests)', () => {
  const more = new TitleOpinionReader([
    ...items,
    ...['Jaws (1975)', 'Casablanca (1942)', 'Die Hard (1988)', 'Clueless (1995)', 'Men in Black (1997)'].map((title, index) => ({ id: `j${index}`, title, tags: [] })),
  ]);
  const examples = (message: string) => more.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.byExample ?? false]);

  it('takes the films of a comparative request as examples, however it is worded', () => {
    // Before: "similar to" and "in the vein of" counted only beside an opinion word, and the mixes, "meets", "-style",
    // "if I liked" and a title opening "X but …" named no example (the film was offered back or ignored).
    expect(examples('similar to Se7en please')).toEqual([['Seven (Se7en) (1995)', 'like', true]]);
    expect(examples('in the vein of Casablanca')).toEqual([['Casablanca (1942)', 'like', true]]);
    expect(examples('a mix of Star Wars and Toy Story')).toEqual([
      ['Star Wars (1977)', 'like', true],
      ['Toy Story (1995)', 'like', true],
    ]);
    expect(examples('a cross between Heat and Fargo')).toEqual([
      ['Heat (1995)', 'like', true],
      ['Fargo (1996)', 'like', true],
    ]);
    expect(examples('a cross between Fargo and Pulp Fiction please')).toEqual([
      ['Fargo (1996)', 'like', true],
      ['Pulp Fiction (1994)', 'like', true],
    ]);
    expect(examples('Alien meets Jaws')).toEqual([
      ['Alien (1979)', 'like', true],
      ['Jaws (1975)', 'like', true],
    ]);
    expect(examples('a Die Hard-style movie')).toEqual([['Die Hard (1988)', 'like', true]]);
    expect(examples('if I liked Titanic what else would I like?')).toEqual([['Titanic (1997)', 'like', true]]);
    expect(examples('The Godfather but in the 80s')).toEqual([['Godfather, The (1972)', 'like', true]]);
    expect(examples('Fargo but funnier')).toEqual([['Fargo (1996)', 'like', true]]);
    expect(examples('what about something like Clueless but for adults')).toEqual([['Clueless (1995)', 'like', true]]);
    expect(examples('ok then just like Alien')).toEqual([['Alien (1979)', 'like', true]]);
  });

  it('leaves opinions and titles that are no example as they were', () => {
    expect(examples('I hate movies like Alien')).toEqual([['Alien (1979)', 'dislike', false]]);
    expect(examples('nothing like Titanic please')).toEqual([['Titanic (1997)', 'dislike', true]]);
    expect(examples('I loved Alien and Heat')).toEqual([
      ['Alien (1979)', 'like', false],
      ['Heat (1995)', 'like', false],
    ]);
    expect(examples('it was just like Alien')).toEqual([['Alien (1979)', 'like', false]]);
    expect(examples('Alien was great but Heat was boring')).toEqual([
      ['Alien (1979)', 'like', false],
      ['Heat (1995)', 'dislike', false],
    ]);
    // A first word is a title only with an opinion or a comparison after it: "Heat but I hated it" names none.
    expect(examples('Heat but I hated it')).toEqual([]);
    expect(examples('Speed but funnier')).toEqual([['Speed (1994)', 'like', true]]);
    expect(examples('speed but funnier')).toEqual([]);
  });

  it('reads a verdict after a title\'s "but" as no change, and every change word at the message\'s start (review)', () => {
    // Before: "Fargo, but in the end it was boring" and "Scream, but for me it dragged" named their film as an example (a
    // liking, rated 4), and a message opening "Alien, but with better acting" or "Alien but sillier" named no film (the
    // first word's list of changes was shorter than the one after "but").
    expect(examples('Fargo, but in the end it was boring')).toEqual([['Fargo (1996)', 'dislike', false]]);
    expect(examples('Scream, but for me it dragged')).toEqual([]);
    expect(examples('Fargo, but not for me')).toEqual([['Fargo (1996)', 'dislike', false]]);
    expect(examples('Alien, but with better acting')).toEqual([['Alien (1979)', 'like', true]]);
    expect(examples('Alien but sillier')).toEqual([['Alien (1979)', 'like', true]]);
    expect(examples('Pulp Fiction but not so violent')).toEqual([['Pulp Fiction (1994)', 'like', true]]);
    expect(examples('Twister but less boring')).toEqual([['Twister (1996)', 'like', true]]);
  });

  it('reads "X, but not for me" as a dislike of X (review)', () => {
    // Before: no opinion at all ("not for me" had no title before it to fall on, and "Titanic" opening a message was no
    // title), so the chat listed Star Wars back to the user who had turned it down.
    for (const [message, title] of [
      ['Star Wars, but not for me', 'Star Wars (1977)'],
      ['Titanic, but not for me', 'Titanic (1997)'],
      ["Fargo but it's not my thing", 'Fargo (1996)'],
      ["Titanic, but it wasn't my cup of tea", 'Titanic (1997)'],
      ['Fargo, but not for me. Something with action?', 'Fargo (1996)'],
    ]) {
      expect(more.read(message as string).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]), message).toEqual([[title, 'dislike', 2]]);
    }
    // A change after "but" still asks for films like it; "not for kids" is no verdict of the user's.
    expect(examples('Fargo, but for adults')).toEqual([['Fargo (1996)', 'like', true]]);
    expect(examples('Titanic, but not for kids')).toEqual([]);
  });

  it('reads "Fargo is not my thing" with the title opening the message as a dislike of it (fifth QA pass)', () => {
    // Before: no title read (a capitalised first word was a title only with "but" or an opinion word after it), and the
    // chat listed Fargo first.
    for (const message of ['Fargo is not my thing', "Fargo isn't my thing", 'Fargo? Not my thing', 'Fargo, not for me', 'Titanic was not my cup of tea', 'Fargo is not my thing, something else please']) {
      const title = message.startsWith('Titanic') ? 'Titanic (1997)' : 'Fargo (1996)';
      expect(more.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating]), message).toEqual([[title, 'dislike', 2]]);
    }
    // A capitalised first word with anything else after it is still no title.
    expect(more.read('Fargo is what I want')).toEqual([]);
  });
});

describe('TitleOpinionReader: review of the eighth QA pass', () => {
  const stated = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.byExample ?? false, opinion.stated ?? false]);

  it('marks a title asked for by example that the message also gave the same opinion of', () => {
    expect(stated('I loved Fargo! anything like Fargo?')).toEqual([['Fargo (1996)', 'like', true, true]]);
    expect(stated('I really liked Heat. Something similar to Heat please')).toEqual([['Heat (1995)', 'like', true, true]]);
    // An example alone, or after another opinion, is no liking said.
    expect(stated('anything like Fargo?')).toEqual([['Fargo (1996)', 'like', true, false]]);
    expect(stated('I hated Fargo! anything like Fargo?')).toEqual([['Fargo (1996)', 'like', true, false]]);
  });
});

describe('TitleOpinionReader: ninth QA pass', () => {
  const withBabe = new TitleOpinionReader([
    ...items,
    { id: 'babe', title: 'Babe (1995)', tags: [] },
    { id: 'mother', title: 'Mother (1996)', tags: [] },
    // The later Sabrina first: a year must choose, not the catalogue's order.
    { id: 's95', title: 'Sabrina (1995)', tags: [], year: 1995 },
    { id: 's54', title: 'Sabrina (1954)', tags: [], year: 1954 },
  ]);
  const readIn = (message: string) => withBabe.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating, opinion.byExample ?? false]);

  it('reads a one-word title in lower case as the film where a past verdict, a viewing or a request by example takes it (it had been no title)', () => {
    expect(readIn('I loved heat')).toEqual([['Heat (1995)', 'like', 5, false]]);
    expect(readIn('I really liked babe')).toEqual([['Babe (1995)', 'like', 4, false]]);
    expect(readIn('i enjoyed fargo, what else?')).toEqual([['Fargo (1996)', 'like', 4, false]]);
    expect(readIn('anything like shawshank?')).toEqual([['Shawshank Redemption, The (1994)', 'like', 4, true]]);
    expect(readIn('something like heat please')).toEqual([['Heat (1995)', 'like', 4, true]]);
    expect(withBabe.watched('we watched crash yesterday').map((item) => item.title)).toEqual(['Crash (1996)']);
  });

  it('reads no film in a standing taste, the word with an article, a longer phrase or an everyday word', () => {
    for (const talk of ['I love speed, what else?', 'I like heat', 'I loved the heat', 'I loved heat waves', 'I loved mother', 'we watched football', 'i watched speed skating', 'I loved it']) {
      expect(readIn(talk), talk).toEqual([]);
    }
  });

  it('names the film of the year written after its title without brackets ("Sabrina 1954" had named Sabrina (1995))', () => {
    expect(readIn('something like Sabrina 1954')).toEqual([['Sabrina (1954)', 'like', 4, true]]);
    expect(readIn('I loved sabrina 1995')).toEqual([['Sabrina (1995)', 'like', 5, false]]);
    // A number that is no year of the title leaves the title as it was.
    expect(readIn('I loved Heat 2 times')).toEqual([['Heat (1995)', 'like', 5, false]]);
  });

  it('reads every lower-case title of a list after a verdict (tenth QA pass: "I liked casablanca and heat" read only the first)', () => {
    expect(readIn('I liked fargo and babe')).toEqual([['Fargo (1996)', 'like', 4, false], ['Babe (1995)', 'like', 4, false]]);
    expect(readIn('i enjoyed heat and fargo, what next?')).toEqual([['Heat (1995)', 'like', 4, false], ['Fargo (1996)', 'like', 4, false]]);
    expect(readIn('I liked fargo, babe and heat').map(([title]) => title)).toEqual(['Fargo (1996)', 'Babe (1995)', 'Heat (1995)']);
    // Only after titles: "the beach" is none, so "heat" after it is the weather.
    expect(readIn('I loved the beach and heat')).toEqual([]);
    expect(readIn('I loved fargo and heat waves')).toEqual([['Fargo (1996)', 'like', 5, false]]);
  });

  it('takes a title told before "anything similar?" as the example (tenth QA pass: the question had dropped it)', () => {
    expect(readIn('I watched heat on tv last night, anything similar?')).toEqual([['Heat (1995)', 'like', 4, true]]);
    expect(readIn('Sabrina 1954, anything similar?')).toEqual([['Sabrina (1954)', 'like', 4, true]]);
    expect(readIn('Fargo, anything like it?')).toEqual([['Fargo (1996)', 'like', 4, false]]);
    // A verdict told is kept; a question about the film is no example.
    expect(readIn('I hated Heat, anything like it?')).toEqual([['Heat (1995)', 'dislike', 1, false]]);
    expect(readIn('is Heat, anything like it?')).toEqual([]);
  });
});

describe('TitleOpinionReader: tenth QA pass, reviewed', () => {
  const reader = new TitleOpinionReader([...items, { id: 'babe', title: 'Babe (1995)', tags: [] }]);
  const readIn = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating, opinion.byExample ?? false]);

  it('notes no liking of a title the user has not seen before "anything similar?" ("I haven\'t seen heat" had been noted as liked)', () => {
    for (const message of ["I haven't seen heat, anything similar?", "I've never watched fargo, anything like it?", 'I have not seen Heat, anything similar?']) {
      expect(readIn(message), message).toEqual([]);
    }
    expect(readIn('I saw heat last night, anything similar?')).toEqual([['Heat (1995)', 'like', 4, true]]);
  });

  it('reads a lower-case list after the last verdict or viewing of the text before it (one earlier in the message had hidden it)', () => {
    expect(readIn('I hated the ending, but I liked heat and fargo')).toEqual([['Heat (1995)', 'like', 4, false], ['Fargo (1996)', 'like', 4, false]]);
    expect(reader.watched('I liked the ending, then we watched heat and fargo').map((item) => item.title)).toEqual(['Heat (1995)', 'Fargo (1996)']);
  });
});

describe('TitleOpinionReader: eleventh QA pass', () => {
  const reader = new TitleOpinionReader([...items, { id: 'babe', title: 'Babe (1995)', tags: [] }]);
  const readIn = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.polarity, opinion.rating, opinion.byExample ?? false, opinion.unrated ?? false]);

  it('reads a lower-case list after "didn\'t like" ("I didn\'t like heat and fargo" had read nothing)', () => {
    expect(readIn("I didn't like heat and fargo")).toEqual([['Heat (1995)', 'dislike', 2, false, false], ['Fargo (1996)', 'dislike', 2, false, false]]);
    expect(readIn('i did not enjoy babe')).toEqual([['Babe (1995)', 'dislike', 2, false, false]]);
    // A standing taste in the present names no film, as before.
    expect(readIn("I don't like heat")).toEqual([]);
  });

  it('takes a lower-case list opening the message before "anything similar?" as the examples ("heat and fargo, anything similar?" had read nothing)', () => {
    expect(readIn('heat and fargo, anything similar?')).toEqual([['Heat (1995)', 'like', 4, true, false], ['Fargo (1996)', 'like', 4, true, false]]);
    // As "Fargo, anything like it?" is read.
    expect(readIn('babe, anything like it?')).toEqual([['Babe (1995)', 'like', 4, false, false]]);
    // Not a title opening the message: the weather.
    expect(readIn('the heat and the rain, anything similar?')).toEqual([]);
  });

  it('takes a title someone else watched before "anything similar?" as an example the user gave no opinion of (it had been noted as liked)', () => {
    expect(readIn('my wife watched heat, anything similar?')).toEqual([['Heat (1995)', 'like', 4, true, true]]);
    expect(readIn('my son saw Babe yesterday, anything like it?')).toEqual([['Babe (1995)', 'like', 4, true, true]]);
    expect(readIn('I watched heat on tv last night, anything similar?')).toEqual([['Heat (1995)', 'like', 4, true, false]]);
  });
});

describe("TitleOpinionReader: the twelfth pass's review and leftovers", () => {
  const reader = new TitleOpinionReader([...items, { id: 'babe', title: 'Babe (1995)', tags: [] }]);
  const readIn = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.rating, opinion.byExample ?? false, opinion.unrated ?? false]);

  it('takes every title of a list joined by commas before "anything similar?" ("heat, fargo and babe" had read only Fargo and Babe)', () => {
    const all = [['Heat (1995)', 4, true, false], ['Fargo (1996)', 4, true, false], ['Babe (1995)', 4, true, false]];
    for (const message of ['heat, fargo and babe, anything similar?', 'Heat, Fargo and Babe, anything similar?', 'heat, fargo, babe, anything similar?']) expect(readIn(message), message).toEqual(all);
    expect(readIn('my wife watched heat, fargo and babe, anything similar?')).toEqual(all.map(([title]) => [title, 4, true, true]));
    // A word before the list that names no film is no part of it; the user's own verdict is read as before.
    expect(readIn('Hi, Fargo, anything similar?')).toEqual([['Fargo (1996)', 4, true, false]]);
    expect(readIn('I loved alien, fargo, anything similar?')).toEqual([['Alien (1979)', 5, false, false], ['Fargo (1996)', 5, false, false]]);
  });

  it('keeps a title someone else judged as the example of a question in the next sentence ("my wife watched heat and hated it. anything like it?" had read nothing)', () => {
    expect(readIn('my wife watched heat and hated it. anything like it?')).toEqual([['Heat (1995)', 4, true, true]]);
    expect(readIn('My wife watched Heat and loved it. Anything similar?')).toEqual([['Heat (1995)', 4, true, true]]);
    // Someone else's liking is no liking of the user's ("my wife loved heat. anything like it?" had noted Heat liked).
    expect(readIn('my wife loved heat. anything like it?')).toEqual([['Heat (1995)', 4, true, true]]);
    // The user's own verdict stands.
    expect(readIn('I watched heat and hated it. anything like it?')).toEqual([['Heat (1995)', 1, false, false]]);
  });
});

describe('TitleOpinionReader: thirteenth chat QA pass', () => {
  const reader = new TitleOpinionReader([...items, { id: 'dumb', title: 'Dumb & Dumber (1994)', tags: [] }]);
  const readIn = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.rating, opinion.byExample ?? false]);

  it('reads a title\'s "&" written "and" in lower case ("dumb and dumber was hilarious" had read no film)', () => {
    expect(readIn('dumb and dumber, anything similar?')).toEqual([['Dumb & Dumber (1994)', 4, true]]);
    expect(readIn('dumb and dumber was hilarious')).toEqual([['Dumb & Dumber (1994)', 4, false]]);
    expect(readIn('I loved batman and robin')).toEqual([['Batman & Robin (1997)', 5, false]]);
    // "Hilarious" praises the film it is said of only.
    expect(readIn('my day was hilarious')).toEqual([]);
  });
});

describe("TitleOpinionReader: the thirteenth pass's review", () => {
  const reader = new TitleOpinionReader([
    ...items,
    { id: 'dumb', title: 'Dumb & Dumber (1994)', tags: [] },
    { id: 'in-out', title: 'In & Out (1997)', tags: [] },
    { id: 'heaven', title: 'Heaven & Earth (1993)', tags: [] },
    { id: 'sense', title: 'Sense and Sensibility (1995)', tags: [] },
  ]);
  const readIn = (message: string) => reader.read(message).map((opinion) => [opinion.item.title, opinion.rating, opinion.byExample ?? false]);

  it('reads a lower-case "&" spelled "and" only where a film stands ("I loved going in and out of the shops" had rated In & Out)', () => {
    expect(readIn('I loved going in and out of the shops')).toEqual([]);
    expect(readIn('I love a good heaven and earth story')).toEqual([]);
    expect(reader.titles("I'm in and out all week but I love comedies")).toEqual([]);
    // Where a film stands: after a verdict or viewing, asked for by example, or opening the message with an opinion after it.
    expect(readIn('I loved in and out')).toEqual([['In & Out (1997)', 5, false]]);
    expect(readIn('something like dumb and dumber')).toEqual([['Dumb & Dumber (1994)', 4, true]]);
    expect(readIn('heaven and earth was boring')).toEqual([['Heaven & Earth (1993)', 2, false]]);
    expect(readIn('I loved Going In and Out')).toEqual([]);
    expect(readIn('I loved In and Out')).toEqual([['In & Out (1997)', 5, false]]);
  });

  it('reads a title\'s "and" written "&" ("sense & sensibility, anything similar?" had read no film)', () => {
    expect(readIn('sense & sensibility, anything similar?')).toEqual([['Sense and Sensibility (1995)', 4, true]]);
    expect(readIn('I loved Sense & Sensibility')).toEqual([['Sense and Sensibility (1995)', 5, false]]);
    // Only where an "&" is written: the words without "and" are no title.
    expect(readIn('I loved sense, sensibility and style')).toEqual([]);
  });
});

describe('TitleOpinionReader: the fourteenth pass', () => {
  it('reads a guess turning a film down ("I do not think I would like Heat", "Star Wars does not really grab me") as a weak dislike, never a liking', () => {
    // "I do not think I would like Jerry Maguire" had been "Noted: you like Jerry Maguire (1996)", rated 4.
    for (const message of ['I do not think I would like Heat.', "I don't think I'd like Heat", 'I doubt I would enjoy Heat', "I'm not sure I'd like Heat", 'Heat does not really grab me.', "Heat doesn't really appeal to me.", 'Heat never grabbed me', "I don't think we'd love Heat"]) {
      expect(read(message), message).toEqual([['Heat (1995)', 'dislike', 2]]);
    }
    // Beside a liking, each film keeps its own opinion.
    expect(read('I love Star Wars. Titanic never grabbed me.')).toEqual([
      ['Star Wars (1977)', 'like', 5],
      ['Titanic (1997)', 'dislike', 2],
    ]);
    // A verdict of a film seen that the hedge does not reach stands: "I think I would like Fargo" is a liking.
    expect(read('I think I would like Fargo')).toEqual([['Fargo (1996)', 'like', 4]]);
  });
});

describe("TitleOpinionReader: the fourteenth pass's review", () => {
  it('reads no weak dislike from a hedge that praises by comparison, nor from a guess proved wrong', () => {
    // "I don't think I would like anything more than Fargo" had been a dislike of Fargo, rated 2 (it had been a liking).
    for (const message of ['I don’t think I would like anything more than Fargo', "I don't think I could love a film more than Heat", "I doubt I'll ever enjoy anything as much as Heat"]) {
      expect(read(message).filter(([, polarity]) => polarity === 'dislike'), message).toEqual([]);
    }
    // "I didn't think I'd like Titanic, but I loved it": the guess came before the film (it had been lukewarm, rated 3).
    expect(read("I didn't think I'd like Titanic, but I loved it").map(([title, polarity]) => [title, polarity])).toEqual([['Titanic (1997)', 'like']]);
    // The film set as the measure is not turned down ("I'm not sure I'd like Heat as much as Fargo" had been a dislike of both).
    expect(read("I'm not sure I'd like Heat as much as Fargo").filter(([title]) => title === 'Fargo (1996)')).toEqual([['Fargo (1996)', 'like', 4]]);
  });

  it('reads "I don\'t think I\'ve seen Fargo" as not seen (it had been "you have seen Fargo (1996)")', () => {
    for (const message of ["I don't think I've seen Fargo", 'I do not think I have ever seen Fargo', "I'm not sure I've seen Fargo", "I doubt I've watched Fargo"]) {
      expect(reader.watched(message).map((item) => item.title), message).toEqual([]);
    }
    expect(reader.watched("I think I've seen Fargo").map((item) => item.title)).toEqual(['Fargo (1996)']);
  });
});

describe('TitleOpinionReader: the sixteenth pass', () => {
  const family = new TitleOpinionReader(['My Family (1995)', 'My Crazy Life (Mi vida loca) (1993)', 'Toy Story (1995)', 'Home Alone (1990)'].map((title, index) => ({ id: `f${index}`, title, tags: [] })));
  const readIn = (message: string) => family.read(message).map((opinion) => [opinion.item.title, opinion.polarity]);

  it('reads "my family" in lower case as the user\'s family, not the film My Family ("Noted: you like My Family (1995)")', () => {
    for (const message of ['I love my family', 'I love spending time with my family', 'we loved watching it with my family', 'I enjoy movies with my family', 'My family and I love comedies', 'Watching with my family tonight. We liked it.', 'I love my crazy life']) {
      expect(readIn(message), message).toEqual([]);
    }
    expect(readIn('my family loved Toy Story')).toEqual([]);
    // Written as a title, or where a film stands, it is the film; other titles of everyday words are read as before.
    expect(readIn('I loved My Family')).toEqual([['My Family (1995)', 'like']]);
    expect(readIn('I really liked "my family"')).toEqual([['My Family (1995)', 'like']]);
    expect(readIn('I watched my family last week and loved it')).toEqual([['My Family (1995)', 'like']]);
    expect(readIn('something like my crazy life')).toEqual([['My Crazy Life (Mi vida loca) (1993)', 'like']]);
    expect(readIn('I loved home alone')).toEqual([['Home Alone (1990)', 'like']]);
  });
});
