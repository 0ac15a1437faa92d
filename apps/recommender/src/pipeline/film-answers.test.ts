import { describe, expect, it } from 'vitest';
import type { Item } from '@personalab/core';
import { answerFilmQuestion, compareFilms, type FilmFacts } from './film-answers.js';

const film = (id: string, title: string, tags: string[], year: number): Item => ({ id, title, tags, year });
const alien = film('183', 'Alien (1979)', ['Action', 'Horror', 'Sci-Fi', 'Thriller'], 1979);
const aliens = film('176', 'Aliens (1986)', ['Action', 'Sci-Fi', 'Thriller', 'War'], 1986);
const toyStory = film('1', 'Toy Story (1995)', ['Animation', "Children's", 'Comedy'], 1995);
const fargo = film('100', 'Fargo (1996)', ['Crime', 'Drama', 'Thriller'], 1996);
const godfather = film('127', 'Godfather, The (1972)', ['Action', 'Crime', 'Drama'], 1972);
const rated = (count: number, mean: number, rank?: number) => ({ likes: count, ...(rank === undefined ? {} : { rank }), ratings: { count, mean } });
const facts = (item: Item, reception = rated(200, 3.8), more: Partial<FilmFacts> = {}): FilmFacts => ({ item, reception, ...more });
const newUser = { personal: false, year: 2026 };

describe('answerFilmQuestion (seventh QA pass)', () => {
  it('says plainly that it cannot tell a story or a cast, and gives what it knows with films like it', () => {
    const plot = answerFilmQuestion({ aspect: 'plot' }, facts(fargo, rated(508, 4.16, 3)), { ...newUser, similar: [godfather] });
    expect(plot).toMatch(/^I cannot tell you what Fargo \(1996\) is about: I know only the titles, years, genres and ratings of films, not their stories\./);
    expect(plot).toContain('It is listed as Crime, Drama and Thriller, made in 1996.');
    expect(plot).toContain('508 people here rated it, 4.2 of 5 on average. It is among the 10 most liked titles here.');
    expect(plot).toContain('Films like it here: The Godfather (1972).');
    expect(answerFilmQuestion({ aspect: 'people' }, facts(alien), newUser)).toMatch(/^I cannot tell you who is in Alien \(1979\) or who made it: .*not their cast or crew\./);
    expect(answerFilmQuestion({ aspect: 'length' }, facts(alien), newUser)).toMatch(/^I cannot tell you how long Alien \(1979\) is: I do not know films' running times\./);
  });

  it('gives a film with a description its own words rather than saying its story is unknown', () => {
    const described = { ...fargo, description: 'A pregnant police chief investigates a botched kidnapping.' };
    const plot = answerFilmQuestion({ aspect: 'plot' }, facts(described), newUser);
    expect(plot).toMatch(/^Here is what I have on Fargo \(1996\): A pregnant police chief investigates a botched kidnapping\./);
    expect(plot).not.toContain('cannot');
  });

  it('answers age, genre and yes-or-no genre questions from the catalogue', () => {
    expect(answerFilmQuestion({ aspect: 'year' }, facts(godfather), newUser)).toBe('The Godfather (1972) was made in 1972, 54 years ago. It is listed as Action, Crime and Drama.');
    expect(answerFilmQuestion({ aspect: 'genre' }, facts(toyStory), newUser)).toBe('Toy Story (1995) is listed as Animation, Children\'s and Comedy, made in 1995.');
    expect(answerFilmQuestion({ aspect: 'genre', word: 'comedy', genres: ['comed'] }, facts(fargo), { ...newUser, genreName: () => 'Comedy' })).toBe(
      'No: Fargo (1996) is not listed as Comedy; it is listed as Crime, Drama and Thriller.',
    );
    expect(answerFilmQuestion({ aspect: 'genre', word: 'kids movie', genres: ['children'] }, facts(toyStory), newUser)).toBe("Yes: Toy Story (1995) is listed as Animation, Children's and Comedy.");
  });

  it('says whether a film is scary or for children only as far as its genres tell', () => {
    expect(answerFilmQuestion({ aspect: 'feel', word: 'scary' }, facts(alien), newUser)).toMatch(/^Alien \(1979\) is listed as Horror, so expect it to be scary; I cannot tell you how scary/);
    expect(answerFilmQuestion({ aspect: 'feel', word: 'scary' }, facts(toyStory), newUser)).toMatch(/^Nothing in its genres suggests Toy Story \(1995\) is scary/);
    // No genre tells sadness: the answer says so, with how the film is liked.
    const sad = answerFilmQuestion({ aspect: 'feel', word: 'sad' }, facts(fargo), newUser);
    expect(sad).toMatch(/^I cannot tell how sad Fargo \(1996\) is: I know only its genres \(Crime, Drama and Thriller\) and ratings\./);
    expect(sad).toContain('200 people here rated it');
    expect(answerFilmQuestion({ aspect: 'children' }, facts(toyStory), newUser)).toMatch(/^Toy Story \(1995\) is listed as a children's film .*I do not know its age rating/);
    expect(answerFilmQuestion({ aspect: 'children' }, facts(alien), newUser)).toMatch(/^Alien \(1979\) is not listed as a children's film: it is Action, Horror, Sci-Fi and Thriller\. I do not know its age rating/);
  });

  it('says how well a film is liked, and what the user rated or would rate it', () => {
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(508, 4.16, 3)), newUser)).toBe(
      'Fargo (1996): People here like it a lot. 508 people here rated it, 4.2 of 5 on average. It is among the 10 most liked titles here.',
    );
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(508, 4.16), { rated: 4, expected: 4.4 }), { personal: true })).toMatch(/You rated it 4 of 5 yourself\.$/);
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(508, 4.16), { expected: 4.44 }), { personal: true })).toMatch(/From your ratings I would expect you to rate it about 4\.4 of 5\.$/);
    // A new user's expectation is the film's own mean: not said as theirs.
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(508, 4.16), { expected: 4.1 }), newUser)).not.toContain('your ratings');
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(3, 1.5)), newUser)).toBe('Fargo (1996): 3 people here rated it, 1.5 of 5 on average.');
    expect(answerFilmQuestion({ aspect: 'quality' }, facts(fargo, rated(40, 2.5)), newUser)).toMatch(/^Fargo \(1996\): People here mostly do not like it\./);
  });
});

describe('compareFilms (seventh QA pass)', () => {
  it('picks by how people here rate the films, with a near tie said to be close', () => {
    const answer = compareFilms([facts(alien, rated(291, 4.03), { expected: 4.0 }), facts(aliens, rated(284, 3.95), { expected: 3.93 })], undefined, newUser);
    expect(answer).toMatch(/^It is close, but by how people here rate them I would pick Alien \(1979\)\./);
    // 4.03 and 3.95 are both "4.0" to one decimal: two tell them apart.
    expect(answer).toContain('Alien (1979) 4.03 of 5 from 291 ratings and Aliens (1986) 3.95 of 5 from 284 ratings');
    expect(answer).toContain('Alien (1979) is Action, Horror, Sci-Fi and Thriller; Aliens (1986) is Action, Sci-Fi, Thriller and War.');
    const clear = compareFilms([facts(fargo, rated(100, 3.2), { expected: 3.2 }), facts(godfather, rated(413, 4.28), { expected: 4.2 })], undefined, newUser);
    expect(clear).toMatch(/^I would pick The Godfather \(1972\)\. People here rate them: The Godfather \(1972\) 4\.3 of 5 from 413 ratings and Fargo/);
  });

  it("goes by the user's own ratings when they rated every film, else by what it expects of them", () => {
    const both = compareFilms([facts(toyStory, rated(452, 3.88), { rated: 5 }), facts(alien, rated(291, 4.03), { rated: 4 })], undefined, { personal: true });
    expect(both).toMatch(/^You have rated both \(Toy Story \(1995\) 5 and Alien \(1979\) 4 of 5\), so Toy Story \(1995\) is the one you liked most\./);
    const expected = compareFilms([facts(fargo, rated(508, 4.16), { expected: 3.6 }), facts(godfather, rated(413, 4.28), { expected: 3.4, rated: 3 })], undefined, { personal: true });
    expect(expected).toMatch(/^I would pick Fargo \(1996\)\./);
    expect(expected).toContain('From your ratings I expect Fargo (1996) about 3.6 of 5 from you.');
    expect(expected).toContain('You have seen The Godfather (1972) (you rated it 3).');
  });

  it('compares by a feel its genres tell, and by age', () => {
    expect(compareFilms([facts(alien), facts(aliens)], 'scary', newUser)).toMatch(/^Alien \(1979\) is listed as Horror and Aliens \(1986\) is not, so I would expect Alien \(1979\) to be more scary\./);
    expect(compareFilms([facts(fargo, rated(10, 3), { expected: 3 }), facts(godfather, rated(10, 4), { expected: 4 })], 'scary', newUser)).toMatch(
      /^I cannot tell which is more scary from what I know: none is listed as Horror\. I would pick The Godfather/,
    );
    expect(compareFilms([facts(aliens), facts(alien)], 'older', newUser)).toBe('Of Aliens (1986) and Alien (1979), Alien (1979) is the older.');
    expect(compareFilms([facts(aliens), facts(alien), facts(fargo)], 'newer', newUser)).toBe('Of Aliens (1986), Alien (1979) and Fargo (1996), Fargo (1996) is the newest.');
  });
});

describe('answerFilmQuestion: ninth QA pass', () => {
  it('answers a question about its own view with how people here rate the film, owning that it watches none', () => {
    const answer = answerFilmQuestion({ aspect: 'opinion' }, facts(fargo, rated(508, 4.16, 3)), newUser);
    expect(answer).toMatch(/^I do not watch films myself, but I know how people here rate them\. Fargo \(1996\): People here like it a lot\./);
    expect(answer).toContain('508 people here rated it, 4.2 of 5 on average.');
    // And what "tell me about" says of it: its genres and year, films like it ("what do you think of the second one?" had lost them).
    const withSimilar = answerFilmQuestion({ aspect: 'opinion' }, facts(fargo, rated(508, 4.16, 3)), { ...newUser, similar: [alien] });
    expect(withSimilar).toContain('It is listed as ');
    expect(withSimilar).toContain('Films like it here: Alien (1979).');
  });
});
