import { describe, expect, it } from 'vitest';
import { FilmMentions } from './film-mentions.js';
import { readTasteQuestion, type TasteQuestion, type TitleReader } from './taste-question.js';
import { testItems } from './test/fixtures.js';

/** MovieLens' genres, lower-cased, as the simulator passes them. */
const genres = ['action', 'adventure', 'animation', "children's", 'comedy', 'crime', 'documentary', 'drama', 'fantasy', 'film-noir', 'horror', 'musical', 'mystery', 'romance', 'sci-fi', 'thriller', 'war', 'western'];

/** A title reader over a few titles, each its own id, written as they are given. */
function titleReader(known: readonly string[]): TitleReader {
  return {
    exactly: (phrase) => (known.includes(phrase) ? [phrase] : []),
    films: (text) =>
      known
        .filter((title) => text.includes(title))
        .sort((left, right) => text.indexOf(left) - text.indexOf(right))
        .map((title) => [title]),
  };
}

describe('readTasteQuestion', () => {
  it('reads the questions an assistant asks about film tastes before it recommends', () => {
    const cases: Array<[string, TasteQuestion]> = [
      ['What kind of movies do you like?', { kind: 'genres' }],
      ['Hi! Happy to help. What genres are you into?', { kind: 'genres' }],
      ['What are you in the mood for tonight?', { kind: 'genres', mood: true }],
      ['What do you like to watch?', { kind: 'genres' }],
      ['Any favourite films?', { kind: 'favorite' }],
      ['What did you watch lately that you enjoyed?', { kind: 'favorite' }],
      ['What has been your favourite film so far?', { kind: 'favorite' }],
      ["What's your favorite horror movie?", { kind: 'favorite', genre: 'horror' }],
      ["Anything you don't like?", { kind: 'dislikes' }],
      ['Are there any genres you can not stand?', { kind: 'dislikes' }],
      ['Do you prefer action or comedy?', { kind: 'choice', genres: ['action', 'comedy'] }],
      ['Something light and funny, or something more serious?', { kind: 'choice', genres: ['comedy', 'drama'] }],
      ['Are you more into science fiction or westerns?', { kind: 'choice', genres: ['sci-fi', 'western'] }],
      ['Do you like horror movies?', { kind: 'genre', genre: 'horror' }],
      ['Are you a fan of documentaries?', { kind: 'genre', genre: 'documentary' }],
      ['Something recent or a classic?', { kind: 'era', eras: ['recent', 'classic'] }],
      ['Do you like older classics or newer releases?', { kind: 'era', eras: ['classic', 'recent'] }],
      ['Do you like 80s movies?', { kind: 'era', eras: [1980] }],
      // Decades other than old and new had been answered as classics or recent ones ("80s or recent?": "Classics, usually.").
      ['80s or recent?', { kind: 'era', eras: [1980, 'recent'] }],
      ['Do you like 70s films?', { kind: 'era', eras: [1970] }],
      ['Do you prefer 1950s movies or 1990s movies?', { kind: 'era', eras: [1950, 1990] }],
      ['Old movies or new ones?', { kind: 'era', eras: ['classic', 'recent'] }],
      ['Any favourite decade for movies?', { kind: 'era', eras: ['classic', 'recent'] }],
      // Decades written with an apostrophe or in words had gone to the corpus ("I am! I love it here.").
      ["Do you prefer 80's or 90's movies?", { kind: 'era', eras: [1980, 1990] }],
      ['Do you like movies from the nineties?', { kind: 'era', eras: [1990] }],
      ['Seventies or eighties films?', { kind: 'era', eras: [1970, 1980] }],
      // Three genres had been read as the first two.
      ['Comedy, drama or horror?', { kind: 'choice', genres: ['comedy', 'drama', 'horror'] }],
      ['Would you rather watch a comedy, an action movie or a thriller?', { kind: 'choice', genres: ['comedy', 'action', 'thriller'] }],
    ];
    for (const [message, expected] of cases) expect(readTasteQuestion(message, genres), message).toEqual(expected);
  });

  it('leaves ordinary chit-chat and questions about other things to the corpus', () => {
    const chat = [
      'Do you like it here?',
      'What do you do?',
      'What do you do for a living?',
      'Do you like music?',
      'What kind of music do you like?',
      'Do you like classic rock or something more recent?',
      "What's your favorite mystery book?",
      'What kind of adventures do you like to go on?',
      'Do you watch movies with your family?',
      'Are you serious?',
      'What movie are you going to see?',
      'Are you watching alone or with family?',
      'Are you in your thirties?',
      'Did you enjoy your twenties or your thirties more?',
      // Read in the partner's and the personas' own turns of Synthetic-Persona-Chat.
      "Me too! What's your favorite watch?",
      "It looks like you're a fan of watches. What's your favorite type of watch?",
      'So, how do you avoid them?',
      'Why do you hate it?',
      'So, what do you like about film?',
      // A statement is no question, and a question about one film is not about tastes.
      'I like comedies a lot.',
      'Have you seen the new Star Wars movie?',
    ];
    for (const message of chat) expect(readTasteQuestion(message, genres), message).toBeUndefined();
  });

  it('reads only the genres it is given', () => {
    expect(readTasteQuestion('Do you prefer action or comedy?', ['drama'])).toBeUndefined();
    expect(readTasteQuestion('Do you prefer hiking or swimming?', ['hiking', 'swimming'])).toEqual({ kind: 'choice', genres: ['hiking', 'swimming'] });
  });

  // "Have you seen Fargo?" had gone to the corpus ("Thanks! I'm glad you like it.", "I am.").
  it('reads "have you seen <title>?" when the rest of the question is a catalogue title written as one', () => {
    const titles = titleReader(['Fargo', 'The Godfather']);
    expect(readTasteQuestion('Have you seen Fargo?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['Fargo'] });
    expect(readTasteQuestion('Great. Did you ever watch The Godfather?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['The Godfather'] });
    expect(readTasteQuestion('Have you seen Fargo yet?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['Fargo'] });
    for (const message of ['Have you seen the new Star Wars movie?', 'Have you seen my keys?', 'Fargo?', 'Have you been to Fargo?']) {
      expect(readTasteQuestion(message, genres, titles), message).toBeUndefined();
    }
    // Without a title reader no title is read.
    expect(readTasteQuestion('Have you seen Fargo?', genres)).toBeUndefined();
  });

  // "I was thinking of Fargo. Have you seen it?" and "Have you seen Fargo or Heat?" had gone to the corpus.
  it('reads "have you seen it?" of the films the sentence before names, and a list of films in one question', () => {
    const titles = titleReader(['Fargo', 'Heat', 'The Godfather', 'Sense and Sensibility']);
    const read = (message: string) => readTasteQuestion(message, genres, titles);
    expect(read('I was thinking of Fargo. Have you seen it?')).toEqual({ kind: 'seen', itemIds: ['Fargo'] });
    // The nearest sentence before that names a film.
    expect(read('Heat is fine. I was thinking of Fargo though! It is a classic. Have you seen that one?')).toEqual({ kind: 'seen', itemIds: ['Fargo'] });
    expect(read('I was thinking of Fargo or Heat. Have you seen either of them?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    expect(read('Have you seen Fargo or Heat?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    expect(read('Did you watch Fargo, Heat, or The Godfather?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat'], ['The Godfather']] });
    expect(read('Any of these: Fargo, Heat?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    // A title with "and" in it stays one film.
    expect(read('Have you seen any of these: Sense and Sensibility, Heat?')).toEqual({ kind: 'seenList', films: [['Sense and Sensibility'], ['Heat']] });
    expect(read('Have you seen Sense and Sensibility and Fargo?')).toEqual({ kind: 'seenList', films: [['Sense and Sensibility'], ['Fargo']] });
    // Nothing to point at, or a list that holds something else: left to the corpus.
    for (const message of ['Have you seen it?', 'I was thinking of something fun. Have you seen it?', 'Have you seen Fargo or the game?', 'Any of these: my keys, Heat?', 'Any of these?']) {
      expect(read(message), message).toBeUndefined();
    }
  });

  // With the catalogue's reader: "I loved Heat and Alien. Have you seen them?" had been asked of Alien, then Heat, and
  // "Speed matters. Did you watch it?" of Speed (1994).
  it('reads "have you seen them?" with the catalogue titles in the order written, and no sentence opening as a title', () => {
    const titles = new FilmMentions(new Map(testItems.map((item) => [item.id, item])));
    expect(readTasteQuestion('I loved Heat and Alien. Have you seen them?', genres, titles)).toEqual({ kind: 'seenList', films: [['m8'], ['m6']] });
    expect(readTasteQuestion('Heat matters most. Did you watch it?', genres, titles)).toBeUndefined();
    expect(readTasteQuestion('Heat is a long film. Did you watch it?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['m8'] });
  });

  // "Which one have you seen, Fargo or Heat?", "Fargo or Heat, which have you seen?", "Seen Fargo?" had gone to the corpus.
  it('reads "which one have you seen?" with its list before or after it, or of the films named before, and "seen <title>?"', () => {
    const titles = titleReader(['Fargo', 'Heat', 'Casino']);
    const read = (message: string) => readTasteQuestion(message, genres, titles);
    expect(read('Which one have you seen, Fargo or Heat?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    expect(read('Fargo or Heat, which have you seen?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    expect(read('I can suggest Fargo, Heat or Casino. Which of them have you seen?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat'], ['Casino']] });
    expect(read('Which of these three: Fargo, Heat or Casino?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat'], ['Casino']] });
    expect(read('Seen Fargo?')).toEqual({ kind: 'seen', itemIds: ['Fargo'] });
    for (const message of ['Which one have you seen?', 'Which one have you seen, my keys or Heat?', 'Seen my keys?']) expect(read(message), message).toBeUndefined();
  });

  // "Which have you seen: Fargo, Heat or Casino?", "Fargo or Heat: which have you seen?" had gone to the corpus.
  it('reads a which-question whose list a colon or a dash sets off', () => {
    const titles = titleReader(['Fargo', 'Heat', 'Casino']);
    const read = (message: string) => readTasteQuestion(message, genres, titles);
    const three = { kind: 'seenList', films: [['Fargo'], ['Heat'], ['Casino']] };
    expect(read('Which have you seen: Fargo, Heat or Casino?')).toEqual(three);
    expect(read('Fargo, Heat or Casino - which have you seen?')).toEqual(three);
    expect(read('Fargo or Heat: which have you seen?')).toEqual({ kind: 'seenList', films: [['Fargo'], ['Heat']] });
    expect(read('Which have you seen: my keys or Heat?')).toBeUndefined();
  });

  // "How about a comedy?", "What about thrillers?", "And dramas?", "How about something older?" had gone to the corpus.
  it('reads a follow-up that names a genre or an era, and "which of these three" genres', () => {
    const cases: Array<[string, TasteQuestion]> = [
      ['How about a comedy?', { kind: 'genre', genre: 'comedy' }],
      ['What about thrillers?', { kind: 'genre', genre: 'thriller' }],
      ['And dramas?', { kind: 'genre', genre: 'drama' }],
      ['How about something older?', { kind: 'era', eras: ['classic'] }],
      ['Are you in the mood for a comedy tonight?', { kind: 'genre', genre: 'comedy' }],
      ['Which of these three do you like best: comedy, drama or horror?', { kind: 'choice', genres: ['comedy', 'drama', 'horror'] }],
    ];
    for (const [message, expected] of cases) expect(readTasteQuestion(message, genres), message).toEqual(expected);
    for (const message of ['How about you?', 'What about your family?', 'How do you like your comedy?', 'And you?', 'What about the war?', 'And your drama at work?', 'How about that drama?']) expect(readTasteQuestion(message, genres), message).toBeUndefined();
  });

  // "Have you seen Mr. Holland's Opus?" had been cut at "Mr." into two sentences, and "I loved Alien. Heat is also great.
  // Have you seen it?" asked of Alien (Heat, opening its sentence, had not counted as a title).
  it('reads a title with an abbreviation whole, and "it" of the nearest film named, a sentence-opening title after a named film', () => {
    const catalog = new Map([...testItems, { id: 'h1', title: "Mr. Holland's Opus (1995)", tags: ['Drama'] }].map((item) => [item.id, item]));
    const titles = new FilmMentions(catalog);
    expect(readTasteQuestion("Have you seen Mr. Holland's Opus?", genres, titles)).toEqual({ kind: 'seen', itemIds: ['h1'] });
    expect(readTasteQuestion('I loved Alien. Heat is also great. Have you seen it?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['m8'] });
    expect(readTasteQuestion('I loved Alien. It is scary. Have you seen it?', genres, titles)).toEqual({ kind: 'seen', itemIds: ['m6'] });
  });

  // "Fargo is dark. Emma is light. Which one have you seen?" had been asked of Emma alone, the nearest sentence's film.
  it('reads "which one" and "them" of every film named before, "it" of the nearest', () => {
    const titles = new FilmMentions(new Map(testItems.map((item) => [item.id, item])));
    const read = (message: string) => readTasteQuestion(message, genres, titles);
    const both = { kind: 'seenList', films: [['m8'], ['m6']] };
    expect(read('Heat is dark. Alien is scary. Which one have you seen?')).toEqual(both);
    expect(read('I loved Heat. Alien is also great. Have you seen them?')).toEqual(both);
    expect(read('Heat is dark. Alien is long. Have you seen either of them?')).toEqual(both);
    expect(read('Heat is dark. Alien is scary. Have you seen it?')).toEqual({ kind: 'seen', itemIds: ['m6'] });
  });

  // "I love comedies. How about you?" had gone to the corpus ("I'm not a big fan of horror movies, but I do like some of them.").
  it('reads "how about you?" after a sentence of the speaker\'s film tastes as that question asked back', () => {
    const titles = new FilmMentions(new Map(testItems.map((item) => [item.id, item])));
    const cases: Array<[string, TasteQuestion]> = [
      ['I love comedies. How about you?', { kind: 'genre', genre: 'comedy' }],
      ["I'm a big fan of horror. And you?", { kind: 'genre', genre: 'horror' }],
      ['I really like older films. What about you?', { kind: 'era', eras: ['classic'] }],
      ['I mostly watch dramas. You?', { kind: 'genre', genre: 'drama' }],
      ['I loved Heat. How about you?', { kind: 'seen', itemIds: ['m8'] }],
    ];
    for (const [message, expected] of cases) expect(readTasteQuestion(message, genres, titles), message).toEqual(expected);
    for (const message of ['I love hiking. How about you?', 'Comedies are great. How about you?', 'How about you?']) expect(readTasteQuestion(message, genres, titles), message).toBeUndefined();
  });

  // "Did you like the last one I suggested?", "How did you like it?" after a list had gone to the corpus ("Yeah, I loved it.
  // I was pretty good too.", of a film the user had rated 1).
  it('reads a question on the films offered last as a verdict on them, or on the film the message names before it', () => {
    const titles = new FilmMentions(new Map(testItems.map((item) => [item.id, item])));
    const read = (message: string, offered: readonly string[]) => readTasteQuestion(message, genres, titles, offered);
    for (const message of ['Did you like the last one I suggested?', 'How did you like it?', 'Was that one any good?', 'So, did you enjoy them?', 'What did you think of my suggestions?']) {
      expect(read(message, ['m1', 'm3']), message).toEqual({ kind: 'verdict', itemIds: ['m1', 'm3'] });
      expect(read(message, []), message).toBeUndefined();
    }
    expect(read('Heat is a classic. Did you like it?', ['m1'])).toEqual({ kind: 'seen', itemIds: ['m8'] });
    expect(read('Have you seen any of them?', ['m1', 'm3'])).toEqual({ kind: 'seenList', films: [['m1'], ['m3']] });
    expect(read('How was your weekend?', ['m1'])).toBeUndefined();
  });

  // "I went hiking. Did you like it?" and "I went to Paris and Rome. Have you seen them?" after a list had been read as a
  // verdict on, or a question about, the films offered: "it" and "them" point at what the message spoke of.
  it('reads "did you like it?" and "have you seen them?" of the films offered only when the message speaks of nothing before', () => {
    const titles = new FilmMentions(new Map(testItems.map((item) => [item.id, item])));
    const read = (message: string) => readTasteQuestion(message, genres, titles, ['m1', 'm3']);
    for (const message of ['I went hiking. Did you like it?', 'How was the concert? Did you like it?', 'I made lasagna last night. How did you like it?', 'I went to Paris and Rome. Have you seen them?']) {
      expect(read(message), message).toBeUndefined();
    }
    expect(read('Thanks for waiting. Did you like the last one I suggested?')).toEqual({ kind: 'verdict', itemIds: ['m1', 'm3'] });
    expect(read('Did you like it?')).toEqual({ kind: 'verdict', itemIds: ['m1', 'm3'] });
    expect(read('Have you seen any of them?')).toEqual({ kind: 'seenList', films: [['m1'], ['m3']] });
  });

  it('reads the first question of a message that asks about tastes', () => {
    expect(readTasteQuestion('Nice to meet you. What do you do for work? And what kind of films are you into?', genres)).toEqual({ kind: 'genres' });
  });
});
