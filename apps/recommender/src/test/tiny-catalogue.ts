import type { Interaction, Item, User } from '@personalab/core';

/**
 * A small hand-made catalogue with known structure: comedy fans, horror fans and war-film fans,
 * so tests can assert what a sensible recommender must do.
 */
const titles: [string, string[], number][] = [
  ['Laugh Riot', ['Comedy'], 1995],
  ['Silly Summer', ['Comedy', 'Romance'], 1996],
  ['Giggle Town', ['Comedy', 'Children'], 1994],
  ['The Happy Cartoon', ['Animation', 'Children', 'Comedy'], 1995],
  ['Wedding Mix-Up', ['Comedy', 'Romance'], 1997],
  ['Office Pranks', ['Comedy'], 1998],
  ['Dance Party Musical', ['Musical', 'Comedy'], 1993],
  ['Toon Heroes', ['Animation', 'Children'], 1996],
  ['Blood Night', ['Horror'], 1994],
  ['The Haunting Hour', ['Horror', 'Thriller'], 1995],
  ['Zombie Street', ['Horror', 'Action'], 1996],
  ['Scream Cabin', ['Horror'], 1997],
  ['Night Stalker', ['Thriller', 'Crime'], 1995],
  ['Dark Alley', ['Crime', 'Thriller'], 1996],
  ['Beach Assault', ['War', 'Action'], 1994],
  ['Trench Lines', ['War', 'Drama'], 1995],
  ['Tank Command', ['War', 'Action'], 1996],
  ['Final Battle', ['War', 'Action', 'Drama'], 1998],
  ['Quiet River', ['Drama'], 1995],
  ['Space Quest', ['Sci-Fi', 'Adventure'], 1997],
  ['Robot Dawn', ['Sci-Fi', 'Action'], 1998],
  ['Ocean Deep', ['Documentary'], 1996],
  ['Love in Paris', ['Romance', 'Drama'], 1995],
  ['Sunny Side Up', ['Comedy', 'Family'], 1999],
];

export const tinyItems: Item[] = titles.map(([title, tags, year], index) => ({ id: `m${index + 1}`, title, tags, year, description: `${title}: a ${tags.join(' and ').toLowerCase()} film.` }));

const byTag = (tag: string) => tinyItems.filter((item) => item.tags.includes(tag)).map((item) => item.id);

/** Ten users in three taste groups; each rates most of their group's items high and a few others low. */
export function tinyWorld(): { users: User[]; items: Item[]; interactions: Interaction[] } {
  const groups: [string, string[], string[]][] = [
    ['comedy', byTag('Comedy'), byTag('Horror').slice(0, 2)],
    ['horror', [...byTag('Horror'), ...byTag('Thriller')], byTag('Comedy').slice(0, 2)],
    ['war', byTag('War'), byTag('Children').slice(0, 1)],
  ];
  const users: User[] = [];
  const interactions: Interaction[] = [];
  let time = 1_000;
  for (let index = 0; index < 10; index++) {
    const [name, liked, disliked] = groups[index % groups.length] as [string, string[], string[]];
    const id = `u${index + 1}`;
    users.push({ id, name: `${name} fan ${index + 1}` });
    // Each user leaves one liked item unrated, so there is something to recommend.
    for (const itemId of liked.filter((_, position) => position !== index % liked.length)) interactions.push({ kind: 'rating', userId: id, itemId, value: 5, timestamp: time++ });
    for (const itemId of disliked) interactions.push({ kind: 'rating', userId: id, itemId, value: 1, timestamp: time++ });
  }
  return { users, items: tinyItems, interactions };
}
