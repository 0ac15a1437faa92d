import { describe, expect, it } from 'vitest';
import { distinctSpokenTitles, normalizeTitleText, spokenTitle, TitleMatcher, titleVariants, titleWithoutArticle } from './title-variants.js';

describe('MovieLens title forms', () => {
  it('says a title as people do: no year, the article in front', () => {
    expect(spokenTitle('Silence of the Lambs, The (1991)')).toBe('The Silence of the Lambs');
    expect(spokenTitle('Englishman Who Went Up a Hill, But Came Down a Mountain, An (1995)')).toBe('An Englishman Who Went Up a Hill, But Came Down a Mountain');
    expect(spokenTitle('Fargo (1996)')).toBe('Fargo');
    expect(spokenTitle('m42')).toBe('m42');
  });

  // Only The / A / An had been moved: "Postino, Il" was said as written.
  it('moves the foreign articles MovieLens writes last, and one before an other title', () => {
    expect(spokenTitle('Postino, Il (1994)')).toBe('Il Postino');
    expect(spokenTitle('Misérables, Les (1995)')).toBe('Les Misérables');
    expect(spokenTitle('Boot, Das (1981)')).toBe('Das Boot');
    expect(spokenTitle('Bewegte Mann, Der (1994)')).toBe('Der Bewegte Mann');
    expect(spokenTitle('Bonheur, Le (1965)')).toBe('Le Bonheur');
    expect(spokenTitle("Enfer, L' (1994)")).toBe("L'Enfer");
    expect(spokenTitle('Fille seule, La (A Single Girl) (1995)')).toBe('La Fille seule');
    expect(spokenTitle('City of Lost Children, The (Cité des enfants perdus, La) (1995)')).toBe('The City of Lost Children');
    // A last word that is no article stays.
    expect(spokenTitle('Bye Bye, Love (1995)')).toBe('Bye Bye, Love');
    expect(spokenTitle('Maybe, Maybe Not (Bewegte Mann, Der) (1994)')).toBe('Maybe, Maybe Not');
  });

  // Simulated users had said "Independence Day (ID4) does not really grab me." and "Mrs. Brown (Her Majesty, Mrs. Brown)".
  it('leaves out an other title in parentheses, as people do', () => {
    expect(spokenTitle('Independence Day (ID4) (1996)')).toBe('Independence Day');
    expect(spokenTitle('Like Water For Chocolate (Como agua para chocolate) (1992)')).toBe('Like Water For Chocolate');
    expect(spokenTitle('Mrs. Brown (Her Majesty, Mrs. Brown) (1997)')).toBe('Mrs. Brown');
    expect(spokenTitle('Double vie de Véronique, La (Double Life of Veronique, The) (1991)')).toBe('La Double vie de Véronique');
    // MovieLens writes one year before a "(V)" and one with a space after it.
    expect(spokenTitle('Land Before Time III: The Time of the Great Giving (1995) (V)')).toBe('Land Before Time III: The Time of the Great Giving');
    expect(spokenTitle('Heidi Fleiss: Hollywood Madam (1995) ')).toBe('Heidi Fleiss: Hollywood Madam');
    // A title that is parentheses alone has nothing else to say.
    expect(spokenTitle('(Untitled)')).toBe('(Untitled)');
    // What is said is one of the ways the title is written, so a reader finds the film from it.
    expect(titleVariants('Independence Day (ID4) (1996)')).toContain(normalizeTitleText(spokenTitle('Independence Day (ID4) (1996)')));
  });

  // Without its other title "Clean Slate (Coup de Torchon) (1981)" was said "Clean Slate", which names "Clean Slate (1994)".
  it('keeps the other title of a film that another film would be said alike without it', () => {
    const said = distinctSpokenTitles([
      { id: '999', title: 'Clean Slate (1994)' },
      { id: '1560', title: 'Clean Slate (Coup de Torchon) (1981)' },
      { id: '121', title: 'Independence Day (ID4) (1996)' },
      { id: '1412', title: 'Land Before Time III: The Time of the Great Giving (1995) (V)' },
      { id: '1', title: 'Sabrina (1954)' },
      { id: '2', title: 'Sabrina (1995)' },
    ]);
    expect(said.get('1560')).toBe('Clean Slate (Coup de Torchon)');
    expect(said.get('999')).toBe('Clean Slate (1994)');
    // No film said alike: the other title (and a video mark) still left out.
    expect(said.get('121')).toBe('Independence Day');
    expect(said.get('1412')).toBe('Land Before Time III: The Time of the Great Giving');
    // Remakes have no other title: their years tell them apart (said "Sabrina", the 1954 film was read as the 1995 one).
    expect([said.get('1'), said.get('2')]).toEqual(['Sabrina (1954)', 'Sabrina (1995)']);
    // What is said stays one of the ways the title is written.
    expect(titleVariants('Clean Slate (Coup de Torchon) (1981)')).toContain(normalizeTitleText(said.get('1560') ?? ''));
  });

  // MovieLens lists "Chasing Amy (1997)" twice: said "Chasing Amy (1997)", the year told nothing apart.
  it('says no year that every film said alike shares, and keeps it beside a remake', () => {
    const said = distinctSpokenTitles([
      { id: '246', title: 'Chasing Amy (1997)' },
      { id: '268', title: 'Chasing Amy (1997)' },
      { id: '1', title: 'That Darn Cat! (1965)' },
      { id: '2', title: 'That Darn Cat! (1997)' },
      { id: '3', title: 'That Darn Cat! (1997)' },
      { id: '4', title: 'Cape Fear (1962)' },
      { id: '5', title: 'Cape Fear (1991)' },
    ]);
    expect([said.get('246'), said.get('268')]).toEqual(['Chasing Amy', 'Chasing Amy']);
    // A duplicated remake keeps its year: it tells the 1997 copies from the 1965 film.
    expect([said.get('1'), said.get('2'), said.get('3')]).toEqual(['That Darn Cat! (1965)', 'That Darn Cat! (1997)', 'That Darn Cat! (1997)']);
    expect([said.get('4'), said.get('5')]).toEqual(['Cape Fear (1962)', 'Cape Fear (1991)']);
  });

  it('writes each title the ways people do, normalised', () => {
    expect(titleVariants('Shawshank Redemption, The (1994)')).toEqual(['shawshank redemption the', 'the shawshank redemption', 'shawshank redemption']);
    expect(titleVariants("Enfer, L' (1994)")).toEqual(['enfer l', 'l enfer', 'enfer']);
  });

  // "I loved The Seventh Seal" had named no film: the article was moved only in titles without an other title.
  it('moves the article of a title that has an other title in parentheses', () => {
    const variants = titleVariants('Seventh Seal, The (Sjunde inseglet, Det) (1957)');
    expect(variants).toContain('the seventh seal');
    expect(variants).toContain('seventh seal');
    expect(titleVariants('Fille seule, La (A Single Girl) (1995)')).toContain('la fille seule');
    expect(new TitleMatcher([{ id: 'm1', title: 'Seventh Seal, The (Sjunde inseglet, Det) (1957)' }]).match('I loved The Seventh Seal.')).toEqual(['m1']);
  });
});

describe('titleWithoutArticle', () => {
  it('leaves out the year, other titles and an article written last or an English one written first', () => {
    expect(titleWithoutArticle('War, The (1994)')).toBe('War');
    expect(titleWithoutArticle('Postino, Il (1994)')).toBe('Postino');
    expect(titleWithoutArticle('Independence Day (ID4) (1996)')).toBe('Independence Day');
    expect(titleWithoutArticle('The Silence of the Lambs')).toBe('Silence of the Lambs');
    // A first word that is an article elsewhere is kept.
    expect(titleWithoutArticle('Die Hard (1988)')).toBe('Die Hard');
    expect(titleWithoutArticle('La Bamba (1987)')).toBe('La Bamba');
  });
});
