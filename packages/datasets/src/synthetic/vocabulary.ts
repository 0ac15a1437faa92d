/** Word banks of the synthetic world. Kept small and plain so generated text is easy to read and to parse. */
import { movieLensGenres } from '../movielens/movielens-100k.js';

/** Genres: MovieLens's vocabulary minus "unknown" (same order), so recommenders see the same tags on both. */
export const syntheticGenres = movieLensGenres.slice(1) as readonly Exclude<(typeof movieLensGenres)[number], 'unknown'>[];

export const titleAdjectives = ['Silent', 'Last', 'Broken', 'Golden', 'Hidden', 'Crimson', 'Endless', 'Lonely', 'Electric', 'Frozen', 'Wild', 'Midnight', 'Distant', 'Secret', 'Burning', 'Quiet', 'Lost', 'Bright', 'Iron', 'Paper'];
export const titleNouns = ['River', 'Garden', 'Empire', 'Signal', 'Harbor', 'Frontier', 'Kingdom', 'Mirror', 'Storm', 'Orchard', 'Station', 'Voyage', 'Letter', 'Machine', 'Island', 'Carnival', 'Shadow', 'Promise', 'Canyon', 'Lantern'];
export const titlePatterns = ['The {adjective} {noun}', '{adjective} {noun}', 'A {noun} in {place}', 'The {noun} of {place}', '{noun} and {noun2}'];
export const places = ['Paris', 'Tokyo', 'Cairo', 'Lima', 'Oslo', 'Havana', 'Seoul', 'Nairobi', 'Dublin', 'Quebec'];

export const femaleNames = ['Ana', 'Maria', 'Sofia', 'Emma', 'Olivia', 'Amara', 'Yuki', 'Priya', 'Fatima', 'Lena', 'Chloe', 'Ines', 'Zara', 'Mei', 'Nora'];
export const maleNames = ['Liam', 'Noah', 'Mateo', 'Kenji', 'Omar', 'Lucas', 'Ravi', 'Tomas', 'Ethan', 'Kwame', 'Diego', 'Felix', 'Arjun', 'Hugo', 'Samuel'];
export const neutralNames = ['Alex', 'Sam', 'Robin', 'Jordan', 'Kai', 'Riley'];

export const occupations = ['nurse', 'teacher', 'software engineer', 'chef', 'accountant', 'firefighter', 'graphic designer', 'electrician', 'librarian', 'pharmacist', 'journalist', 'architect', 'farmer', 'police officer', 'dentist', 'lawyer', 'mechanic', 'photographer', 'barista', 'veterinarian'];
export const cities = ['Lisbon', 'Toronto', 'Melbourne', 'Chicago', 'Berlin', 'Osaka', 'Denver', 'Manchester', 'Austin', 'Lyon', 'Seattle', 'Cape Town', 'Madrid', 'Boston', 'Auckland'];
export const pets = ['a dog named Rex', 'a cat named Miso', 'two cats', 'a parrot called Kiwi', 'a golden retriever', 'a rabbit named Clover'];
export const familyFacts = ['I have two kids', 'I have a teenage daughter', 'I live alone', 'I just got married', 'I have three older brothers', 'I take care of my elderly mother'];
export const hobbies = ['I play the guitar in my free time', 'I run marathons', 'I collect vinyl records', 'I go rock climbing on weekends', 'I knit a lot', 'I volunteer at an animal shelter'];
export const diets = ["I'm vegetarian", "I'm allergic to peanuts", "I'm vegan", "I don't drink alcohol", "I'm lactose intolerant"];

export const goals = [
  'I want to watch more classic films this year',
  "I'm looking for movies I can watch with my family on Friday nights",
  "I'm trying to find something relaxing to watch after work",
  'I want to explore films from other countries',
  "I'm planning a movie marathon for my birthday",
];

/** Reasons a liked genre becomes disliked; `{genre}` is the genre in lower case. */
export const reasonsToDislike = [
  'they started giving me nightmares',
  'they all feel the same to me now',
  'my kids are little and I cannot have that on at home anymore',
  'I watched a really bad one and it ruined them for me',
  'they make me too anxious these days',
];

/** Reasons a disliked or neutral genre becomes liked. */
export const reasonsToLike = [
  'my partner got me into them',
  'a friend showed me a really good one',
  'I started appreciating the craft behind them',
  'I watched a classic one and it changed my mind',
  'my book club started discussing them',
];

export const greetings = { formal: ['Hello.', 'Good evening.', 'Good afternoon.'], casual: ['hey', 'hi there', 'heyy', 'yo'] };
export const recommendationRequests = ['Can you recommend a movie for tonight?', 'Any movie suggestions?', 'What should I watch next?', 'Could you suggest something to watch?'];
export const fillers = ['It has been a long week.', 'Anyway.', 'I have a free evening.', 'Just thinking out loud.', 'Work has been busy.', 'The weekend is almost here.'];
export const emoji = ['🙂', '😂', '🎬', '🍿', '😍', '👍'];
export const assistantReplies = [
  'Thanks for telling me.',
  'Got it, I will keep that in mind.',
  'That is good to know.',
  'Understood.',
  'Thanks, noted.',
  'Here is an idea you might enjoy.',
];
