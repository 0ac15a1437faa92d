import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { FilmMentions } from './film-mentions.js';
import { testItems } from './test/fixtures.js';

const items: Item[] = [
  ...testItems,
  { id: 'g1', title: 'Game, The (1997)', tags: ['Mystery', 'Thriller'] },
  { id: 'g2', title: 'Mother (1996)', tags: ['Comedy'] },
  { id: 'g3', title: 'Star Wars (1977)', tags: ['Action', 'Sci-Fi'] },
  { id: 'g4', title: "Schindler's List (1993)", tags: ['Drama', 'War'] },
];
const films = new FilmMentions(new Map(items.map((item) => [item.id, item])));
const titles = (text: string) => films.titles(text).map(({ itemId }) => itemId);

describe('FilmMentions', () => {
  it('finds the catalogue titles a text writes as titles, each with its sentence', () => {
    expect(films.titles('Hi! My favorite movie is The Shawshank Redemption.')).toEqual([{ itemId: 'm5', sentence: 'My favorite movie is The Shawshank Redemption.' }]);
    expect(titles("Oh, I love Star Wars too! And Schindler's List.")).toEqual(['g3', 'g4']);
    expect(titles('Fargo aside, Alien is my favorite.')).toEqual(['m6']);
    // Everyday words that are titles too, written as words.
    expect(titles('I watched the game with my mother, it was heat stroke weather.')).toEqual([]);
    expect(titles('I love alien movies and star wars toys.')).toEqual([]);
  });

  // "Have you seen The People vs. Larry Flynt?" had named no film: "vs" counted as a word the title writes with a capital.
  it('reads "vs." in a title as one of its small words', () => {
    const versus = new FilmMentions(new Map([...items, { id: 'v1', title: 'People vs. Larry Flynt, The (1996)', tags: ['Drama'] }].map((item) => [item.id, item])));
    expect(versus.exactly('The People vs. Larry Flynt')).toEqual(['v1']);
    expect(versus.films('I loved The People vs. Larry Flynt.')).toEqual([['v1']]);
  });

  // "Scream is what I did when I saw the bill." had named the film Scream: "is what I did" makes the word a deed.
  it('reads a one-word title opening "… is what I did" as a deed, not the film', () => {
    const scream = new FilmMentions(new Map([...items, { id: 's1', title: 'Scream (1996)', tags: ['Horror'] }].map((item) => [item.id, item])));
    expect(scream.films('Scream is what I did when I saw the bill.')).toEqual([]);
    expect(scream.films('Scream was what we did all night at the movies.')).toEqual([]);
    expect(scream.films('Scream is what I watched last night.')).toEqual([['s1']]);
    expect(scream.films('Scream is a classic.')).toEqual([['s1']]);
  });

  // "Have you seen Dr. Strangelove?" had named no film: the catalogue writes "Dr. Strangelove or: How I Learned to Stop …".
  it('reads the part of a title before "or:" or ":" as the film when no other title has it', () => {
    const long = new FilmMentions(
      new Map(
        [
          ...items,
          { id: 'd1', title: 'Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb (1963)', tags: ['War'] },
          { id: 'w1', title: 'Free Willy 2: The Adventure Home (1995)', tags: ['Family'] },
          { id: 'c1', title: 'Three Colors: Red (1994)', tags: ['Drama'] },
          { id: 'c2', title: 'Three Colors: Blue (1993)', tags: ['Drama'] },
          { id: 'a1', title: 'Alien: Resurrection (1997)', tags: ['Sci-Fi'] },
          { id: 'h1', title: 'Halloween: The Curse of Michael Myers (1995)', tags: ['Horror'] },
          { id: 'r1', title: 'Ayn Rand: A Sense of Life (1997)', tags: ['Documentary'] },
        ].map((item) => [item.id, item]),
      ),
    );
    expect(long.films('Have you seen Dr. Strangelove?')).toEqual([['d1']]);
    expect(long.exactly('Dr. Strangelove')).toEqual(['d1']);
    expect(long.exactly('Free Willy 2')).toEqual(['w1']);
    expect(long.films('I loved Dr. Strangelove or: How I Learned to Stop Worrying and Love the Bomb.')).toEqual([['d1']]);
    // Shared by two titles, or a title itself ("Alien"): not read as the longer one.
    expect(long.exactly('Three Colors')).toEqual([]);
    expect(long.films('I loved Alien.')).toEqual([['m6']]);
    // One word, or a documentary's subject, is said of other things.
    expect(long.films('I love Halloween, and I watched a film about Ayn Rand.')).toEqual([]);
  });

  // "Have you seen The Lost World?" had named no film: the cut was taken from "Lost World: Jurassic Park, The", without its
  // article; and "I grew up on Gilligan's Island." named "Gilligan's Island: The Movie", a show's film, by the show's name.
  it('cuts a title as it is said, with its article, and not a title that is a show\'s "The Movie"', () => {
    const cut = new FilmMentions(
      new Map(
        [
          ...items,
          { id: 'l1', title: 'Lost World: Jurassic Park, The (1997)', tags: ['Action'] },
          { id: 'i1', title: "Gilligan's Island: The Movie (1998)", tags: ['Comedy'] },
          { id: 'p1', title: 'Mighty Morphin Power Rangers: The Movie (1995)', tags: ['Action'] },
        ].map((item) => [item.id, item]),
      ),
    );
    expect(cut.exactly('The Lost World')).toEqual(['l1']);
    expect(cut.films('Have you seen The Lost World?')).toEqual([['l1']]);
    expect(cut.titles("I grew up on reruns of Gilligan's Island.")).toEqual([]);
    expect(cut.exactly('Mighty Morphin Power Rangers')).toEqual([]);
    expect(cut.exactly("Gilligan's Island: The Movie")).toEqual(['i1']);
  });

  it('finds the films whose title, written as one, is a whole phrase: every id of a title listed twice', () => {
    const twins = new FilmMentions(new Map([...items, { id: 'g5', title: 'Star Wars (1997)', tags: ['Sci-Fi'] }].map((item) => [item.id, item])));
    expect(twins.exactly('Star Wars')).toEqual(['g3', 'g5']);
    expect(films.exactly('The Shawshank Redemption')).toEqual(['m5']);
    expect(films.exactly('Shawshank Redemption, The')).toEqual(['m5']);
    // A phrase holding a title, or a title written as everyday words, is none.
    expect(films.exactly('the new Star Wars movie')).toEqual([]);
    expect(films.exactly('the game')).toEqual([]);
    expect(films.exactly('The Game')).toEqual(['g1']);
  });

  // An assistant that writes catalogue titles asks "Have you seen Toy Story (1995)?": the year had hidden the title.
  it('reads a title written with its year, as the catalogue writes it', () => {
    expect(films.exactly('Game, The (1997)')).toEqual(['g1']);
    expect(films.exactly('The Game (1997)')).toEqual(['g1']);
    expect(films.exactly('Star Wars (1977)')).toEqual(['g3']);
    expect(films.exactly('the game (1997)')).toEqual([]);
    // Of a title listed twice, the film of that year ("Sabrina (1954)", not the 1995 remake).
    const twins = new FilmMentions(new Map([...items, { id: 'g5', title: 'Star Wars (1997)', tags: ['Sci-Fi'] }].map((item) => [item.id, item])));
    expect(twins.exactly('Star Wars (1997)')).toEqual(['g5']);
  });

  it('finds the films a text names, in order, each with every id of its title', () => {
    const twins = new FilmMentions(new Map([...items, { id: 'g5', title: 'Star Wars (1997)', tags: ['Sci-Fi'] }].map((item) => [item.id, item])));
    expect(twins.films('I was thinking of Star Wars, or maybe Heat. Star Wars is a classic.')).toEqual([['g3', 'g5'], ['m8']]);
    expect(films.films('I watched the game with my mother.')).toEqual([]);
    // In the order written, not longest title first: "I loved Heat and Alien." had given Alien, then Heat.
    expect(films.films('I loved Heat and Alien. Have you seen them?')).toEqual([['m8'], ['m6']]);
  });

  // "Speed matters. Did you watch it?" had been asked about Speed (1994): a capital that only starts a sentence.
  it('finds no one-word title that only opens a sentence not about films', () => {
    expect(films.films('Heat matters most. Did you watch it?')).toEqual([]);
    expect(films.films('Alien is a classic film.')).toEqual([['m6']]);
    expect(films.films('I think Heat matters most.')).toEqual([['m8']]);
    expect(films.films('Toy Story holds up.')).toEqual([['m3']]);
  });

  // "Fargo is a classic. It is dark and funny. Have you seen it?" had named no film, and "I loved Fargo. Speed matters
  // too." Speed: what the sentence says of the word tells a film from a sentence's first word.
  it('reads a one-word title opening a sentence as the film when the sentence says what the film is, or names it alone', () => {
    expect(films.films('Heat is a classic. It is dark and funny.')).toEqual([['m8']]);
    expect(films.films('Alien was amazing.')).toEqual([['m6']]);
    expect(films.films('Heat is one of my favorites.')).toEqual([['m8']]);
    expect(films.films('Heat matters.')).toEqual([]);
    expect(films.films('I loved Alien. Heat matters too.')).toEqual([['m6']]);
    expect(films.films('Heat matters too.', 'I loved Alien.')).toEqual([]);
    expect(films.films('I loved Alien. Heat is also great.')).toEqual([['m6'], ['m8']]);
    expect(films.films('I loved Alien. Heat too.')).toEqual([['m6'], ['m8']]);
  });

  // "Speed is great for cycling." and "Casino nights are fun." had named Speed and Casino: the predicate must be said of
  // the title itself (right after it, or after a list of titles), and end there, not go on to what it is good for.
  it('reads no film in a sentence whose predicate is of another word, or goes on to something else', () => {
    expect(films.films('Heat is great for cycling.')).toEqual([]);
    expect(films.films('Heat waves are terrible.')).toEqual([]);
    expect(films.films('Heat, in my town, is terrible in summer.')).toEqual([]);
    expect(films.films('Heat is great, and Alien too.')).toEqual([['m8'], ['m6']]);
    expect(films.films('Heat and Alien are great too.')).toEqual([['m8'], ['m6']]);
    expect(films.films('Heat is dark and funny.')).toEqual([['m8']]);
    expect(films.films('Heat is my favorite.')).toEqual([['m8']]);
  });

  it('finds the names of a text about films that are no catalogue title', () => {
    expect(films.unknownNames('I love Deadpool! That movie is so funny.')).toEqual(['Deadpool']);
    expect(films.unknownNames('I also like the Fast and Furious movies.')).toEqual(['Fast', 'Furious']);
    // Catalogue titles, sentence starts, "I" and abbreviations are no such names.
    expect(films.unknownNames("I watched Star Wars again. Honestly I'm a fan of comedy movies and TV shows.")).toEqual([]);
    // A text not about films names none.
    expect(films.unknownNames('I live near Austin with my dog Charlie.')).toEqual([]);
  });
});
