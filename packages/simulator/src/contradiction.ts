import { contentWords, normalizeText, sentences, singular, words } from './text.js';

/**
 * An offline contradiction detector for first-person persona statements ("I have two dogs",
 * "my favorite color is blue"). It parses each sentence into claims and compares claims
 * pairwise with a handful of rules: negation of the same statement, opposite sentiment about
 * the same thing, a different count, age, name, favourite, home or mutually exclusive state.
 * High precision matters more than recall here: it vetoes candidate turns and counts
 * contradictions, so a false alarm costs a good turn while a miss only loses a rare catch.
 */

/** Which rule found a contradiction. */
export type ContradictionRule = 'negation' | 'sentiment' | 'count' | 'age' | 'favorite' | 'name' | 'home' | 'state' | 'diet' | 'job';

/** The youngest and oldest age, in years, at which one can say a claim of oneself. */
export type AgeRange = readonly [youngest: number, oldest: number];

export type Claim =
  | { kind: 'polar'; negated: boolean; sentiment: -1 | 0 | 1; words: ReadonlySet<string>; scope: ReadonlySet<string>; verb: string | undefined; tokens: ReadonlySet<string> }
  | { kind: 'count'; noun: string; count: number }
  | { kind: 'age'; age: number }
  | { kind: 'favorite'; slot: string; value: ReadonlySet<string> }
  | { kind: 'name'; noun: string; name: string }
  | { kind: 'home'; value: ReadonlySet<string> }
  | { kind: 'state'; group: string; value: string }
  | { kind: 'diet'; value: 'vegan' | 'vegetarian' | 'eats-meat' }
  /**
   * What the speaker is or does for a living ("technician", "student", "retired", "works at shipyard", "is stay at home dad",
   * "is man", "becoming chef": a chef in training). The checker compares professions against the facts' as a set
   * (`professionOf`); the retrieval simulator checks every job.
   */
  | { kind: 'job'; value: string }
  /** A family member the speaker speaks of as theirs ("my son", "my husband", "just the one son"); the retrieval simulator checks it. */
  | { kind: 'family'; noun: string }
  /** A stage of schooling ("high school", "graduate school") and the ages it allows; only compared with ages and other stages. */
  | { kind: 'stage'; stage: string; ages: AgeRange }
  /**
   * Whether the speaker has or does a kind of thing (`holdingKinds`: "my cats" has pets, "I go to the gym" does exercise);
   * compared with the same kind only, where the words differ ("I do not have any pets" against "My cats are named …").
   */
  | { kind: 'holds'; thing: string; yes: boolean }
  /** A work the speaker means to take up ("I'm thinking about going into marketing"): one it already holds contradicts it. */
  | { kind: 'aspiration'; value: string };

export interface Contradiction {
  rule: ContradictionRule;
  /** The given fact that is contradicted. */
  fact: string;
  /** The sentence that contradicts it. */
  sentence: string;
}

const numberWords: Record<string, number> = {
  no: 0, zero: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, twenty: 20,
};
const countNounStop = new Set(['and', 'but', 'or', 'who', 'that', 'which', 'with', 'in', 'at', 'of', 'for', 'to', 'named', 'called', 'from', 'because', 'so']);
const genericPlaces = new Set(['town', 'city', 'house', 'home', 'apartment', 'country', 'area', 'village', 'farm', 'state', 'place', 'small', 'big', 'new', 'nice', 'suburb', 'street', 'neighborhood', 'condo', 'building']);
const exclusiveStates: Record<string, readonly string[]> = {
  marital: ['married', 'single', 'divorced', 'widowed'],
  handedness: ['left handed', 'right handed'],
};
/** Occupations said as "I am a …" (MovieLens's and common Persona-Chat ones); "I work as a …" takes any noun. */
const occupations = new Set([
  'accountant', 'actor', 'actress', 'administrator', 'analyst', 'architect', 'artist', 'attorney', 'author', 'baker', 'banker', 'barista', 'bartender',
  'butcher', 'carpenter', 'cashier', 'chef', 'clerk', 'coach', 'consultant', 'cook', 'cop', 'dancer', 'dentist', 'designer', 'developer', 'doctor',
  'driver', 'editor', 'educator', 'electrician', 'engineer', 'executive', 'farmer', 'firefighter', 'fisherman', 'hairdresser', 'homemaker',
  'instructor', 'janitor', 'journalist', 'lawyer', 'librarian', 'manager', 'mechanic', 'miner', 'model', 'musician', 'novelist', 'nurse', 'officer',
  'painter', 'paramedic', 'pharmacist', 'photographer', 'pilot', 'plumber', 'poet', 'policeman', 'producer', 'professor', 'programmer',
  'psychologist', 'realtor', 'receptionist', 'reporter', 'salesman', 'scientist', 'secretary', 'singer', 'soldier', 'surgeon', 'teacher',
  'technician', 'therapist', 'tutor', 'veterinarian', 'waiter', 'waitress', 'worker', 'writer', 'trainer', 'nanny', 'housekeeper', 'guard',
  'sailor', 'pastor', 'priest', 'intern', 'assistant', 'cleaner', 'gardener', 'welder', 'builder', 'contractor', 'lifeguard', 'stylist', 'tailor',
  'chemist', 'biologist', 'physicist', 'historian', 'economist', 'translator', 'ranger', 'mailman', 'postman', 'courier', 'housewife',
  'babysitter', 'caregiver', 'counselor', 'entrepreneur', 'freelancer', 'blogger', 'athlete', 'ceo', 'owner', 'salesperson', 'cashier',
  // Persona jobs read as what one is ("is stock broker"), which left the persona without a job to hold to.
  'broker', 'stockbroker', 'trader', 'pediatrician', 'handyman', 'marketer', 'optometrist', 'dietitian', 'mortician', 'hygienist',
  'bookkeeper', 'auditor', 'investor',
]);
/**
 * Professions one holds as one's work, grouped by what counts as the same job ("teacher", "professor", "tutor"). Left
 * out: what people are besides a job ("writer", "singer", "artist", "athlete", "owner", "a great cook", "a baker"), and jobs too general to exclude
 * another ("worker", "assistant", "manager", "officer", "consultant", "engineer", "driver").
 */
const professionGroups: Record<string, readonly string[]> = {
  teacher: ['teacher', 'educator', 'professor', 'instructor', 'tutor'],
  nurse: ['nurse'],
  doctor: ['doctor', 'surgeon', 'dentist', 'psychologist', 'therapist'],
  lawyer: ['lawyer', 'attorney'],
  accountant: ['accountant', 'banker'],
  chef: ['chef'],
  butcher: ['butcher'],
  waiter: ['waiter', 'waitress', 'barista', 'bartender'],
  police: ['cop', 'policeman'],
  firefighter: ['firefighter'],
  paramedic: ['paramedic'],
  pharmacist: ['pharmacist'],
  veterinarian: ['veterinarian'],
  pilot: ['pilot'],
  mechanic: ['mechanic'],
  trade: ['carpenter', 'electrician', 'plumber', 'welder'],
  farmer: ['farmer'],
  librarian: ['librarian'],
  journalist: ['journalist', 'reporter'],
  programmer: ['programmer'],
  soldier: ['soldier'],
  clergy: ['pastor', 'priest'],
  realtor: ['realtor'],
  cashier: ['cashier', 'clerk'],
  receptionist: ['receptionist', 'secretary'],
  hairdresser: ['hairdresser'],
  mail: ['mailman', 'postman'],
  lifeguard: ['lifeguard'],
  janitor: ['janitor'],
  miner: ['miner'],
};
const professionOfNoun = new Map(Object.entries(professionGroups).flatMap(([group, nouns]) => nouns.map((noun) => [noun, group] as const)));

/** The profession group of a job claim's value ("professor" -> "teacher"), or undefined when it is no profession above. */
export function professionOf(job: string): string | undefined {
  return professionOfNoun.get(job);
}

const jobStop = new Set(['in', 'at', 'for', 'with', 'and', 'but', 'or', 'on', 'from', 'to', 'who', 'that', 'so', 'because', 'by', 'of']);

/**
 * A work one is on the way to ("a chef in training", "an aspiring fashion designer", "starting my career as a physical
 * therapist"): a job claim "becoming chef", which is no work already held (SPC personas who want to be chefs say so).
 */
const workToCome =
  /\bi am (?:a |an )?(?:aspiring|future|trainee) ((?:[a-z]+ ){0,2}[a-z]+)|\bi am (?:a |an )?((?:[a-z]+ ){0,2}[a-z]+) in training\b|\b(?:start|starting|begin|beginning) (?:my |a |the )?(?:new )?(?:job|career) as (?:a |an )?((?:[a-z]+ ){0,2}[a-z]+)/;

/** The words of a run up to the first stop word ("lawyer in new york": lawyer). */
function wordsBeforeStop(text: string): string[] {
  const run: string[] = [];
  for (const word of text.trim().split(' ')) {
    if (jobStop.has(word)) break;
    run.push(word);
  }
  return run;
}

/** The job a sentence states, if it states one in the present: "technician", "student", "retired". */
function jobClaim(sentence: string): string | undefined {
  if (/\bi am in (?:the [a-z]+ grade|elementary school|middle school)\b/.test(sentence)) return 'schoolchild';
  if (/\bi am (?:a |an )?(?:[a-z]+ )?student\b|\bi am in (?:high school|college|grad school)\b|\bi am (?:just )?(?:about to|going to) graduate\b/.test(sentence)) return 'student';
  const service = /\bi am (?:serving )?in the (army|navy|military|air force|marines|police)\b/.exec(sentence);
  if (service) return `works at ${service[1]}`;
  if (/\bi am (?:now |recently )?retired\b/.test(sentence)) return 'retired';
  if (/\bi am (?:currently |still )?(?:looking for (?:a )?(?:new )?(?:job|work)|unemployed|between jobs|out of work)\b/.test(sentence)) return 'unemployed';
  const toCome = workToCome.exec(sentence);
  if (toCome) {
    const run = wordsBeforeStop(toCome[1] ?? toCome[2] ?? toCome[3] ?? '');
    return `becoming ${run.find((word) => occupations.has(word)) ?? singular(run.at(-1) ?? '')}`;
  }
  const explicit = /\b(?:i work as|i am working as|i have been working as|job as|career as) (?:a |an )?((?:[a-z]+ ?){1,3})/.exec(sentence);
  if (explicit) {
    const run = wordsBeforeStop(explicit[1] ?? '');
    // The occupation among the words, else the last: "a stock broker downtown" is a broker.
    const known = run.find((word) => occupations.has(word));
    if (known !== undefined) return known;
    const noun = run.at(-1);
    if (noun !== undefined) return singular(noun);
  }
  for (const match of sentence.matchAll(/\bi am (?:a|an) ((?:[a-z]+ ){0,2}[a-z]+)/g)) {
    const noun = (match[1] ?? '').split(' ').find((word) => occupations.has(word));
    if (noun !== undefined) return noun;
  }
  // What else one says one is: "a man", "a stay at home dad", "an animal activist", "a buddhist monk" (not "a big fan of …").
  const identity = /\bi am (?:a|an) ((?:[a-z]+ ?){1,5})/.exec(sentence);
  if (identity) {
    const run: string[] = [];
    for (const word of (identity[1] ?? '').trim().split(' ')) {
      if (word !== 'at' && jobStop.has(word)) break;
      run.push(word);
    }
    if (run.length > 0 && !run.some((word) => /^(?:fan|lot|bit|little|few|couple|huge|big|real|total)$/.test(word))) return `is ${run.join(' ')}`;
  }
  // A workplace is a job too: "I work full-time in a shipyard", "I work on my parents' farm", "I work from home".
  const place = /\bi (?:work|am working) (?:full time |full-time |part time |part-time |hard )?(?:in|at|on|for|from) (?:a |an |the |my )?((?:[a-z']+ ?){1,3})/.exec(sentence);
  if (place) return `works at ${(place[1] ?? '').trim()}`;
  return undefined;
}

/** "sons", "kids", "children" → "child"; "husband", "wife" as they are. */
function familyNoun(noun: string): string {
  if (/^(?:son|sons|daughter|daughters|kid|kids|child|children)$/.test(noun)) return 'child';
  if (/^grand/.test(noun)) return 'grandchild';
  return noun;
}

/** Pets by kind: a small explicit list (no "fish" or "bird": "fish tacos", "a bird feeder"). */
const pets = '(?:pets?|cats?|dogs?|kittens?|kitty|puppy|puppies|hamsters?|parrots?|rabbits?|bunny|bunnies|turtles?|snakes?|lizards?|goldfish|horses?|ferrets?|guinea pigs?)';
const counted = '(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\\d+|some|several|many|lots of)';
/** Not a pet of one's own: a hot dog, a friend's dog ("my neighbors dog"), or what a pet word names ("my pet peeve", "a dog allergy"). */
const notOwnPet = '(?!(?:hot|corn) dogs?\\b)(?!(?:neighbou?rs?|friends?|roommates?|boyfriends?|girlfriends?|customers?)\'? )';
const notAPet = '(?! (?:food|store|shop|sitter|sitting|allergy|allergies|hair|peeves?|rescue|shelter)\\b)';

/**
 * Kinds of thing one has or does, each with the sentences that say one does and one does not: cats and dogs are pets, the
 * gym and running are exercise. Kept small and explicit: a kind read wrongly vetoes good turns.
 */
const holdingKinds: ReadonlyArray<{ thing: string; yes: RegExp; no: RegExp }> = [
  {
    thing: 'pet',
    yes: new RegExp(`\\b(?:my|our) ${notOwnPet}(?:[a-z]+ )?${pets}\\b${notAPet}|\\bi (?:have|own) ${counted} ${notOwnPet}(?:[a-z]+ ){0,2}?${pets}\\b${notAPet}`),
    // Only pets as such, and now: "I do not have a cat" says nothing of a dog, "I did not have pets growing up" nothing of
    // now, "I have never had a pet turtle" nothing of a cat.
    no: new RegExp(`\\bi (?:do not|never) (?:have|own) (?:a |any )?pets?\\b(?! ${pets})|\\bi have (?:never had|no) (?:a |any )?pets?\\b(?! ${pets})|\\bno pets\\b`),
  },
  {
    thing: 'exercise',
    yes: /\bi (?:go to|hit|love going to|work out at) the gym\b|\bi (?:work out|exercise|lift weights|go running|go jogging)\b/,
    // Not "can not": "I can't go to the gym today" is a day off.
    no: /\bi (?:do not|never) (?:go to the gym|work out|exercise|like to exercise|like working out)\b|\bi hate (?:the gym|exercising|working out)\b|\bi am not (?:a gym person|into fitness)\b/,
  },
];

/** Words that make the occupation before them part of another work ("nurse practitioner", "teacher assistant"). */
const workHeads = new Set(['practitioner', 'assistant', 'aide', 'technician', 'tech', 'manager', 'supervisor']);

/** "I'm thinking about going into marketing", "I want to become a nurse": the work one means to take up. */
const aspirationPattern =
  /\bi (?:am thinking (?:about|of)|want to|would like to|hope to|plan to|am planning to|dream of|would love to) (?:going into|go into|getting into|get into|becoming|become|be|being|starting a career in|a career in) (?:a |an )?((?:[a-z]+ ?){1,3})/;

/** A yes or no that answers a question without repeating it ("No, I don't.", "Yes, two."; "Of course not!" is a no). */
const bareAnswer = /^(?:(no|nope|not really|i do not|i have not|not at all|(?:of course|certainly|absolutely|definitely) not)|(yes|yeah|yep|i do|sure|of course))\b[^?]{0,30}$/i;
/** Words that answer neither yes nor no ("I don't know, maybe.", "No idea."). */
const noVerdict = /^(?:i do not know|i am not sure|not sure|i do not remember|no idea)\b/;

/**
 * What a bare yes or no says when it answers "do you …?": "No, I don't." to "Do you have any pets?" is "I do not have
 * any pets." (and the user who said it had gone on to "My cats are named …"). Undefined for any other answer or question.
 */
export function answeredStatement(answer: string, question: string): string | undefined {
  const said = normalizeText(answer).replace(/[.!]+$/, '');
  const verdict = noVerdict.test(said) ? null : bareAnswer.exec(said);
  const asked = sentences(normalizeText(question))
    .map((sentence) => /^(?:(?:so|and|but|well|oh|cool)\b,? )*do you ((?:[a-z']+ ?){1,6})\?$/.exec(sentence)?.[1]?.trim())
    .find((predicate) => predicate !== undefined);
  if (!verdict || asked === undefined || / or /.test(asked)) return undefined;
  const predicate = asked.replace(/\byour\b/g, 'my');
  return verdict[1] !== undefined ? `I do not ${predicate}.` : `I ${predicate.replace(/\bany\b/, 'some')}.`;
}

const meatWords = /\bi (?:love|eat|ate|like|enjoy|had|cook|grill)\b[a-z ]{0,20}\b(?:meat|steak|steaks|burger|burgers|bacon|chicken|beef|pork|ham|sausage|sausages|hamburger|hamburgers|ribs)\b/;
const negationPattern = /\bi (?:(?:do|does|did|am|was|have|had|can|could|will|would|should|really|just|also|still)\s)*(?:not|never)\b|\bi have (?:no|zero)\b|\bi am no longer\b|\bnot anymore\b/;
const positivePattern = /\bi (?:really |absolutely |also |just |totally |still )?(?:love|like|enjoy|adore|am into|am a fan of|prefer|am passionate about)\b/;
const negativePattern =
  /\bi (?:really |absolutely |also |just |totally |still )?(?:hate|dislike|detest|loathe|can not stand|do not like|do not enjoy|do not love|am not (?:a |much of a )?(?:big |huge |great )?fan of|am not into|never liked|never enjoy|have (?:no|zero) interest in|am not (?:at all |really )?interested in|could not care less about)\b/;
/** A dislike whose subject comes first ("sports are not my thing", "horror is not my cup of tea"): the subject is the words before. */
const notMyThing = /\b(?:is|are) (?:not|never) (?:really )?my (?:thing|cup of tea|style)\b/;
/**
 * A (dis)like of ending or parting with a thing ("zero interest in quitting sports", "I hate losing my dog"), of having
 * more of it ("zero interest in getting another dog", "in another dog", "I hate buying another car") or of getting better
 * at it ("zero interest in getting better at cooking", "I hate improving my cooking"): no verdict on the thing.
 */
const endingOrMoreOf =
  /^\s*(?:quitting|losing|leaving|missing|giving up|stopping|selling|getting rid of|being away from|(?:(?:getting|having|buying|adopting|owning) )?(?:another|more(?! than)|any more|one more|a second|a third)|(?:getting|becoming) (?:any )?(?:better|good) at|improving)\b/;

// Sentiment verbs say how, not what: they must not count as shared subject matter.
const sentimentWords = new Set(['love', 'like', 'enjoy', 'hate', 'dislike', 'adore', 'prefer', 'fan', 'stand', 'detest', 'loathe', 'into', 'passionate', 'absolutely', 'totally', 'still']);
const subjectWords = (text: string) => new Set(contentWords(text).filter((word) => !sentimentWords.has(word)));

function firstPerson(sentence: string): boolean {
  return /\b(?:i|my|me)\b/.test(sentence);
}

function countOf(token: string): number | undefined {
  if (/^\d+$/.test(token)) return Number(token);
  return numberWords[token];
}

const unitWords: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12, thirteen: 13,
  fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const tensWords: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };

/** A number from 1 to 99 in digits or words ("28", "twenty eight", "twenty-eight", "four"). */
function numberOf(text: string): number | undefined {
  if (/^\d{1,3}$/.test(text)) return Number(text);
  const [first = '', second, ...rest] = text.split(/[- ]/);
  if (rest.length > 0) return undefined;
  if (second === undefined) return unitWords[first] ?? tensWords[first];
  const tens = tensWords[first];
  const unit = unitWords[second];
  return tens !== undefined && unit !== undefined && unit < 10 ? tens + unit : undefined;
}

/**
 * The age a sentence states of its speaker: "i am 32", "i am 32 years old", "i am a twenty eight year old male", "i am four
 * years old". A number with a unit is no age ("i am 5 feet tall", "i am 100 percent sure").
 */
function ageOf(sentence: string): number | undefined {
  const spelled = /\bi am (?:a |an )?((?:\d{1,3}|[a-z]+(?:[- ][a-z]+)?))[- ]years?[- ]old\b/.exec(sentence);
  const age = spelled ? numberOf(spelled[1] ?? '') : undefined;
  if (age !== undefined) return age;
  const bare = /\bi am (\d{1,3})(?![ -]?(?:feet|foot|ft|inch|inches|cm|meters|pounds|lbs|lb|kg|kilos|percent|minutes|hours|miles|times|degrees)\b)(?:$|[ ,.!])/.exec(sentence);
  return bare ? Number(bare[1]) : undefined;
}

/**
 * Stages of schooling and the ages they allow, kept wide (a 19-year-old in high school, a 20-year-old graduate student),
 * so that only what an age rules out conflicts: a 7-year-old "graduate student in psychology", a third grader with a husband.
 */
const schoolStages: ReadonlyArray<{ stage: string; pattern: RegExp; ages: AgeRange }> = [
  { stage: 'grade school', pattern: /\bi am in (?:the [a-z]+ grade|elementary school|middle school|kindergarten)\b/, ages: [4, 15] },
  {
    stage: 'high school',
    pattern: /\bi am (?:still |currently )?(?:in high school|a high school (?:student|senior|junior|sophomore|freshman)|a (?:senior|junior|sophomore|freshman) in high school)\b/,
    ages: [12, 20],
  },
  {
    stage: 'college',
    pattern: /\bi am (?:still |currently )?(?:in college|a (?:college|university) student|an? (?:undergrad|undergraduate)|a (?:senior|junior|sophomore|freshman) in college|studying to become|studying to be an? )/,
    ages: [16, 120],
  },
  { stage: 'graduate school', pattern: /\bi am (?:still |currently )?(?:in (?:grad|graduate|law|medical|med) school|an? (?:grad|graduate|phd|doctoral|law|medical|med) student)\b/, ages: [20, 120] },
];

const adult: AgeRange = [16, 120];

/**
 * The ages a claim allows its speaker, when it says something of them: an age itself, a stage of schooling, retirement,
 * a spouse or marriage, grandchildren. Undefined for claims any age can make.
 */
function agesOf(claim: Claim): AgeRange | undefined {
  switch (claim.kind) {
    case 'age':
      return [claim.age, claim.age];
    case 'stage':
      return claim.ages;
    case 'job':
      return claim.value === 'retired' ? [40, 120] : claim.value === 'schoolchild' ? [4, 15] : undefined;
    case 'state':
      return claim.group === 'marital' ? adult : undefined;
    case 'family':
      return claim.noun === 'husband' || claim.noun === 'wife' ? adult : claim.noun === 'grandchild' ? [30, 120] : undefined;
    default:
      return undefined;
  }
}

/** Words between a negation and its verb, or between the verb and its object ("i do not really have a dog"). */
const predicateFillers = new Set(['really', 'even', 'ever', 'actually', 'any', 'a', 'an', 'the', 'to', 'be']);

/**
 * What a marker says something of: the words after it up to "and", "or", "when", or a "with" after an object ("I do not
 * have a dog with me"). A "with" right after the verb is part of it: "I don't really play with dolls" had denied only
 * "play", and so "I play some sports".
 */
function scopeOf(after: string): string {
  const [phrase = ''] = after.split(/\band\b|\bor\b|\bwhen\b/);
  const withAt = phrase.search(/\bwith\b/);
  if (withAt < 0) return phrase;
  const before = phrase.slice(0, withAt);
  return words(before).filter((word) => !predicateFillers.has(word)).length > 1 ? before : phrase;
}

/** Claims made by one (normalised) sentence. */
function sentenceClaims(sentence: string): Claim[] {
  const claims: Claim[] = [];
  if (!firstPerson(sentence)) return claims;
  // Polar claims per clause, so "I have never seen it and I hate X" makes two claims.
  for (const clause of sentence.split(/\s*(?:[,;:]|\bbut\b|\b(?:and|so|because|although|though)\b(?= (?:i|my)\b))\s*/)) {
    if (!/\b(?:i|my)\b/.test(clause)) continue;
    const negationMatch = negationPattern.exec(clause);
    const negated = negationMatch !== null;
    const negativeMatch = negativePattern.exec(clause);
    const subjectFirst = negativeMatch ? null : notMyThing.exec(clause);
    const positiveMatch = negated || subjectFirst ? null : positivePattern.exec(clause);
    // The scope: what is negated or (dis)liked, the words after the marker up to the next break (before it for "… are not my thing").
    const marker = negativeMatch ?? negationMatch ?? positiveMatch;
    const after = marker ? clause.slice(marker.index + marker[0].length) : clause.slice(Math.max(0, clause.search(/\bi\b/)) + 1);
    const scopeText = subjectFirst ? clause.slice(0, subjectFirst.index) : scopeOf(after);
    const sentiment: -1 | 0 | 1 = endingOrMoreOf.test(scopeText) ? 0 : negativeMatch || subjectFirst ? -1 : positiveMatch ? 1 : 0;
    // The negated predicate ("have" in "I do not have a dog") must also be the positive statement's.
    const predicateText = negationMatch ? clause.slice(negationMatch.index + negationMatch[0].length) : '';
    const verb = words(predicateText).find((word) => !predicateFillers.has(word));
    claims.push({
      kind: 'polar',
      negated,
      sentiment,
      words: subjectWords(clause),
      scope: subjectWords(scopeText),
      verb: verb === undefined ? undefined : singular(verb),
      tokens: new Set(words(clause).map(singular)),
    });
  }
  const negated = negationPattern.test(sentence);

  for (const match of sentence.matchAll(/\bi have (no|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|\d+) ((?:[a-z]+ ){0,2}[a-z]+)/g)) {
    const count = countOf(match[1] ?? '');
    const run: string[] = [];
    for (const word of (match[2] ?? '').split(' ')) {
      if (countNounStop.has(word)) break;
      run.push(word);
    }
    const noun = run.at(-1);
    if (count !== undefined && noun !== undefined && !/^(lot|few|couple|bit|little|feeling|hard|good|great|big)$/.test(noun)) {
      claims.push({ kind: 'count', noun: singular(noun), count });
    }
  }
  const age = ageOf(sentence);
  if (age !== undefined) claims.push({ kind: 'age', age });
  for (const { stage, pattern, ages } of schoolStages) if (pattern.test(sentence)) claims.push({ kind: 'stage', stage, ages });
  for (const match of sentence.matchAll(/\bmy (?:favorite|favourite) ([a-z]+(?: [a-z]+)?) (?:is|are|was) ([a-z0-9' ]+)/g)) {
    const value = new Set(contentWords((match[2] ?? '').split(/\b(?:and|but|because)\b/)[0] ?? ''));
    if (value.size > 0) claims.push({ kind: 'favorite', slot: singular(match[1] ?? ''), value });
  }
  // The named thing is the last word before "named": "a golden retriever named ginger" is a retriever.
  for (const match of sentence.matchAll(/\b(?:a|an|my) (?:[a-z]+ ){0,2}?([a-z]+) (?:named|called) ([a-z]+)/g)) {
    claims.push({ kind: 'name', noun: singular(match[1] ?? ''), name: match[2] ?? '' });
  }
  for (const match of sentence.matchAll(/\bmy ([a-z]+)(?:'s| s) name is ([a-z]+)/g)) {
    claims.push({ kind: 'name', noun: singular(match[1] ?? ''), name: match[2] ?? '' });
  }
  const home = /\bi (?:live|grew up|was born) in ([a-z ]+)/.exec(sentence);
  if (home && !negated) {
    const value = (home[1] ?? '').split(/\b(?:and|but|with|because|now|since)\b/)[0] ?? '';
    const valueWords = words(value).filter((word) => word !== 'the' && word !== 'a');
    if (valueWords.length > 0 && valueWords.every((word) => !genericPlaces.has(word))) {
      const kind = /\bi live\b/.test(home[0]) ? 'live' : 'origin';
      if (kind === 'live') claims.push({ kind: 'home', value: new Set(valueWords.map(singular)) });
    }
  }
  for (const [group, values] of Object.entries(exclusiveStates)) {
    for (const value of values) {
      if (new RegExp(`\\bi am (?:a |now |currently |happily )?${value}\\b`).test(sentence) && !negated) claims.push({ kind: 'state', group, value });
    }
  }
  if (/\bi am (?:a |strictly |now )?vegan\b/.test(sentence) && !negated) claims.push({ kind: 'diet', value: 'vegan' });
  else if (/\bi am (?:a |strictly |now )?vegetarian\b|\bi do not eat meat\b|\bi never eat meat\b/.test(sentence)) claims.push({ kind: 'diet', value: 'vegetarian' });
  if (meatWords.test(sentence) && !negated) claims.push({ kind: 'diet', value: 'eats-meat' });
  const job = negated ? undefined : jobClaim(sentence);
  if (job !== undefined) claims.push({ kind: 'job', value: job });
  for (const { thing, yes, no } of holdingKinds) {
    if (no.test(sentence)) claims.push({ kind: 'holds', thing, yes: false });
    else if (yes.test(sentence)) claims.push({ kind: 'holds', thing, yes: true });
  }
  const aspiration = aspirationPattern.exec(sentence);
  if (aspiration && !negated) {
    const run = wordsBeforeStop(aspiration[1] ?? '');
    // "a better teacher" is no new work; "a professor one day" is a professor; "a nurse practitioner" no nurse.
    const at = run.findIndex((word) => occupations.has(word));
    const value = at >= 0 && !workHeads.has(run[at + 1] ?? '') ? run[at] : run.at(-1);
    if (value !== undefined && !run.some((word) => /^(?:better|good|great|best|senior|head|full|more)$/.test(word))) claims.push({ kind: 'aspiration', value });
  }
  return claims;
}

/** Parses a text (one or more sentences) into claims, each tagged with its sentence. */
export function parseClaims(text: string): Array<{ sentence: string; claim: Claim }> {
  const result: Array<{ sentence: string; claim: Claim }> = [];
  for (const sentence of sentences(normalizeText(text))) {
    for (const claim of sentenceClaims(sentence)) result.push({ sentence, claim });
    // Family needs no "I": an answer to "any kids?" says "No, just the one son."
    for (const match of sentence.matchAll(/\b(?:my|our|the one|just one|one|two|three|four|five) (son|sons|daughter|daughters|kid|kids|child|children|husband|wife|boyfriend|girlfriend|grandchildren|grandkids|grandson|granddaughter)\b/g)) {
      result.push({ sentence, claim: { kind: 'family', noun: familyNoun(match[1] ?? '') } });
    }
  }
  return result;
}

function overlap(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared;
}

const disjoint = (left: ReadonlySet<string>, right: ReadonlySet<string>) => overlap(left, right) === 0;

/**
 * Words naming a kind of thing, not which one ("movies" is singularised "movy"): "I love comedy movies" and "I do not like
 * horror movies" share only "movies", and had been flagged as opposite verdicts on one thing.
 */
const kindNouns = new Set(['movy', 'movie', 'film', 'show', 'music', 'song', 'book', 'novel', 'food', 'game', 'kind', 'type', 'sort', 'thing', 'stuff']);

/**
 * The words that say which things two claims are about: without kind nouns when both name more than a kind ("horror
 * movies", "comedy movies"), all of them when one names only a kind ("music" against "rock music").
 */
function which(left: ReadonlySet<string>, right: ReadonlySet<string>): [ReadonlySet<string>, ReadonlySet<string>] {
  const strip = (words: ReadonlySet<string>) => new Set([...words].filter((word) => !kindNouns.has(word)));
  const [keptLeft, keptRight] = [strip(left), strip(right)];
  return keptLeft.size > 0 && keptRight.size > 0 ? [keptLeft, keptRight] : [left, right];
}

/** The rule by which two claims conflict, or undefined when they are compatible. */
export function conflictRule(left: Claim, right: Claim): ContradictionRule | undefined {
  if (left.kind === 'polar' && right.kind === 'polar') {
    if (left.sentiment !== 0 && right.sentiment !== 0 && left.sentiment !== right.sentiment) {
      const positive = left.sentiment > 0 ? left : right;
      const negative = left.sentiment > 0 ? right : left;
      // The disliked thing must be (most of) what the liked statement is about.
      const [disliked, liked] = which(negative.scope.size > 0 ? negative.scope : negative.words, positive.words);
      const shared = overlap(disliked, liked);
      if (shared >= 1 && shared >= Math.ceil(0.5 * Math.min(liked.size, disliked.size))) return 'sentiment';
      return undefined;
    }
    if (left.negated !== right.negated) {
      const negative = left.negated ? left : right;
      const positive = left.negated ? right : left;
      if (negative.scope.size === 0 || positive.words.size === 0) return undefined;
      if (negative.verb === undefined || !positive.tokens.has(negative.verb)) return undefined;
      const [denied, stated] = which(negative.scope, positive.words);
      const shared = overlap(denied, stated);
      // Most of the negated statement must be the positive one, e.g. "I do not have a dog" vs "I have a dog".
      if (shared >= 1 && shared >= Math.ceil(0.6 * denied.size) && shared >= Math.ceil(0.5 * stated.size)) return 'negation';
    }
    return undefined;
  }
  if (left.kind === 'count' && right.kind === 'count') {
    return left.noun === right.noun && left.count !== right.count && (left.count === 0 || right.count === 0 || (left.count > 1 && right.count > 1)) ? 'count' : undefined;
  }
  if (left.kind === 'age' && right.kind === 'age') return left.age !== right.age ? 'age' : undefined;
  // An age or life stage another rules out: "I am 7 years old" and "I am a graduate student", "I am retired" and "I am in high school".
  const [leftAges, rightAges] = [agesOf(left), agesOf(right)];
  if (leftAges && rightAges && (leftAges[1] < rightAges[0] || rightAges[1] < leftAges[0])) return 'age';
  if (left.kind === 'favorite' && right.kind === 'favorite') return left.slot === right.slot && disjoint(left.value, right.value) ? 'favorite' : undefined;
  if (left.kind === 'name' && right.kind === 'name') return left.noun === right.noun && left.name !== right.name ? 'name' : undefined;
  if (left.kind === 'home' && right.kind === 'home') return disjoint(left.value, right.value) ? 'home' : undefined;
  if (left.kind === 'state' && right.kind === 'state') return left.group === right.group && left.value !== right.value ? 'state' : undefined;
  if (left.kind === 'diet' && right.kind === 'diet') return (left.value === 'eats-meat') !== (right.value === 'eats-meat') ? 'diet' : undefined;
  if (left.kind === 'holds' && right.kind === 'holds') return left.thing === right.thing && left.yes !== right.yes ? 'negation' : undefined;
  if (left.kind === 'aspiration' && right.kind === 'job') return aspires(left.value, right.value) ? 'job' : undefined;
  if (left.kind === 'job' && right.kind === 'aspiration') return aspires(right.value, left.value) ? 'job' : undefined;
  return undefined;
}

/** Whether a work one means to take up is one a job claim holds ("marketing" and "works at marketing", "nurse" and "nurse"). */
function aspires(aspiration: string, job: string): boolean {
  if (job.startsWith('becoming ')) return false;
  const held = job.replace(/^(?:works at|is) /, '').split(' ').at(-1) ?? '';
  const group = professionOf(aspiration);
  return held === aspiration || (group !== undefined && group === professionOf(held));
}

/**
 * A checker bound to a fixed list of facts, parsed once, so that many candidate turns can be
 * checked cheaply.
 */
export class ContradictionChecker {
  private readonly factClaims: Array<{ fact: string; claim: Claim }>;
  /**
   * The facts' professions, when every work they state is one (a persona may hold two jobs; a work that is not a
   * profession, "student", "works at shipyard", "writer", makes the rule stand aside).
   */
  private readonly professions: { fact: string; groups: ReadonlySet<string> } | undefined;

  constructor(facts: readonly string[]) {
    this.factClaims = facts.flatMap((fact) => parseClaims(fact).map(({ claim }) => ({ fact, claim })));
    // What one is besides one's work ("is dog lover", "is mother of two") neither names nor rules out a profession.
    const jobs = this.factClaims.flatMap(({ fact, claim }) => (claim.kind === 'job' && !claim.value.startsWith('is ') ? [{ fact, group: professionOf(claim.value) }] : []));
    const first = jobs[0];
    if (first !== undefined && jobs.every((job) => job.group !== undefined)) this.professions = { fact: first.fact, groups: new Set(jobs.map((job) => job.group as string)) };
  }

  /** The first contradiction of a text against the facts, if any. */
  find(text: string | ReadonlyArray<{ sentence: string; claim: Claim }>): Contradiction | undefined {
    const claims = typeof text === 'string' ? parseClaims(text) : text;
    for (const { sentence, claim } of claims) {
      // A job contradicts the facts only when it is none of their professions ("i am a teacher" against "i am a nurse").
      if (claim.kind === 'job' && this.professions) {
        const group = professionOf(claim.value);
        if (group !== undefined && !this.professions.groups.has(group)) return { rule: 'job', fact: this.professions.fact, sentence };
      }
      for (const { fact, claim: factClaim } of this.factClaims) {
        const rule = conflictRule(factClaim, claim);
        if (rule) return { rule, fact, sentence };
      }
    }
    return undefined;
  }

  /** Whether a text contradicts any of the facts. */
  contradicts(text: string): boolean {
    return this.find(text) !== undefined;
  }
}

/** The first contradiction between a text and a list of facts, if any. */
export function findContradiction(text: string, facts: readonly string[]): Contradiction | undefined {
  return new ContradictionChecker(facts).find(text);
}
