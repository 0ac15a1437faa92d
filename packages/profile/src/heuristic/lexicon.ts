/** Word lists that name a fact's key or a preference's category from its words. */

const words = (text: string): ReadonlySet<string> => new Set(text.split(/\s+/).filter(Boolean));

export const petWords = words(
  'dog dogs puppy puppies cat cats kitten kittens pet pets fish goldfish bird birds parrot parrots hamster hamsters horse horses snake snakes rabbit rabbits bunny bunnies turtle turtles lizard lizards ferret ferrets pig pigs chickens chicken goat goats cow cows iguana labrador poodle beagle',
);

export const familyWords = words(
  'wife husband son sons daughter daughters kid kids child children brother brothers sister sisters mom mother dad father parents parent grandma grandmother grandpa grandfather grandparents family twins twin siblings sibling boyfriend girlfriend fiance fiancee married divorced single baby babies cousin cousins aunt uncle niece nephew grandchildren grandkids stepmom stepdad widow widowed',
);

export const occupationWords = words(
  'work job jobs career employed unemployed retired boss office shift nurse doctor teacher lawyer engineer student chef cook waiter waitress waitressing cashier manager accountant programmer developer mechanic farmer pilot police officer firefighter soldier veteran military army navy marine writer author artist musician singer dancer actor actress photographer designer scientist professor librarian cashier clerk driver trucker plumber electrician carpenter construction secretary receptionist dentist surgeon vet veterinarian therapist pharmacist banker salesman sales realtor baker barista bartender janitor nanny babysitter coach athlete model stunt double freelance business owner ceo intern volunteer',
);

export const locationWords = words('live lives living moved move from born raised grew city town state country house apartment farm near beach mountains');

export const foodWords = words(
  'eat eating food foods pizza burgers burger meat vegan vegetarian cook cooking bake baking cookies cake chocolate candy sushi pasta tacos steak chicken fruit vegetables salad kosher spicy coffee tea drink drinking beer wine soda ice cream cheese bacon seafood breakfast dinner lunch diet',
);

export const musicWords = words('music song songs band bands sing singing guitar piano drums violin concert concerts rock pop jazz country rap hip hop classical metal opera listen listening album');

export const hobbyWords = words(
  'read reading books book write writing play playing games game video hike hiking swim swimming run running walk walking paint painting draw drawing garden gardening travel traveling travelling fishing fish hunting hunt dance dancing knit knitting sew sewing camping camp collect collecting photography movies movie tv shows show watch watching sports sport soccer football basketball baseball hockey tennis golf yoga gym exercise workout surf surfing ski skiing skate skating ride riding bike biking horses chess puzzles crafts volunteer volunteering anime comics cars shopping beach',
);

export const healthWords = words('allergic allergy sick illness disease cancer diabetic diabetes blind deaf wheelchair surgery transplant heart pain anxiety depression depressed medication hospital pregnant');

export const educationWords = words('school college university degree phd doctorate masters bachelors diploma study studying student graduate graduated major class classes grade high');

/** Preference categories by subject word. */
export const categoryWords: ReadonlyArray<readonly [string, ReadonlySet<string>]> = [
  ['food', foodWords],
  ['music', musicWords],
  ['animal', petWords],
  ['color', words('color red blue green yellow purple pink orange black white gray grey brown')],
  ['movie', words('movie movies film films horror comedy comedies action')],
  ['book', words('book books novel novels reading read')],
  ['sport', words('sport sports soccer football basketball baseball hockey tennis golf running swimming yoga team')],
  ['season', words('season summer winter spring fall autumn')],
  ['hobby', hobbyWords],
];

/** Words that carry no profile content on their own ("i am good", "i love that"). */
export const genericWords = words(
  'good great fine ok okay sure sorry well glad doing lol haha hahaha yes yeah yep thanks thank think guess know mean agree bet see understand right true cool nice awesome interesting pretty really much lot lots things thing something anything everything stuff one also love like idea sounds sound fun hear heard hope tell say said going get got go would could maybe probably definitely wow oh ah hey hi hello bad alright tired busy excited happy jealous fan kind sort way time day today tonight now evening morning afternoon week weekend free well little bit always never actually either neither someday soon please try trying want',
);

/** Words that end an extracted object (what follows is chatter, not the fact). */
export const objectStoppers = /\s(?:but(?! also\b)|because|since|though|although|so|if|when|which|and you|and what|and we|and it|and they|and that|what about|how about|do you|are you|have you|lol|haha|hahaha|though|you know|right now)\b.*$/;

/** Filler words at the start of a clause, before its first-person subject. */
export const leadingFillers = /^(?:(?:yes|yeah|yep|no|nope|well|oh|ah|wow|lol|haha|hahaha|hey+y*|yo|hi(?: there)?|hello(?: there)?|good (?:morning|afternoon|evening)|ok|okay|sure|cool|nice|great|awesome|really|true|right|so|and|but|also|too|actually|honestly|though|haha|hmm|um|uh|that is (?:great|cool|nice|awesome|interesting|neat|sad|funny|good)|me too|same here)[\s,!.]+)+/;

/** Adverbs between "i" and its verb, dropped from the canonical form ("i really love" → "i love"). */
export const subjectAdverbs = /^i (?:(?:really|also|just|actually|usually|generally|often|typically|normally|always|sometimes|still|absolutely|totally|definitely|currently|truly|genuinely|sincerely|honestly|especially|sure|certainly|mainly|definitely|kinda|kind of|sort of|do(?= (?!not\b))|personally|mostly|even|recently|too) )+/;

/** The category of a subject from its words, if any list names it. */
export function categoryOf(text: string): string | undefined {
  const tokens = text.split(/[^a-z0-9]+/);
  for (const [category, list] of categoryWords) if (tokens.some((token) => list.has(token))) return category;
  return undefined;
}

/** The canonical key of a fact from its words; the first list that names one of its words wins. */
export function factKeyOf(text: string): string {
  const tokens = text.split(/[^a-z0-9]+/);
  const has = (list: ReadonlySet<string>) => tokens.some((token) => list.has(token));
  if (/\b\d+ years? old\b|\bi am (?:in my )?(?:\d+|twenty|thirty|forty|fifty|sixty|seventy|eighty)s?\b/.test(text)) return 'age';
  if (/\bmy name is\b|\bi am called\b/.test(text)) return 'name';
  // The verb names the key more reliably than the words around it ("i live in ohio with my wife").
  if (/^i (?:work|am working|used to work)\b|\bmy (?:job|career|work)\b/.test(text)) return 'occupation';
  if (/^i (?:live|am from|grew up|was born|was raised|moved|used to live|am based|am living)\b/.test(text)) return 'location';
  // Whose fact it is decides first: "my daughter wants a dog" is about family, "my dog is sick" about a pet.
  const owner = /^my ([a-z]+)/.exec(text)?.[1];
  if (owner && familyWords.has(owner)) return 'family';
  if (owner && petWords.has(owner)) return 'pet';
  if (owner && /^(?:friend|friends|neighbor|neighbour|boss|coworker|roommate|partner)$/.test(owner)) return 'social';
  // "i am allergic to cats" is about health, not a pet; "i have a phd in chemistry" about education.
  if (has(healthWords)) return 'health';
  if (has(educationWords)) return 'education';
  if (has(petWords)) return 'pet';
  if (has(familyWords)) return 'family';
  if (has(occupationWords)) return 'occupation';
  if (has(foodWords)) return 'food';
  if (has(musicWords)) return 'music';
  if (has(hobbyWords)) return 'hobby';
  // "i have started journaling" is a perfect tense, not something the speaker has.
  if (/\bi (?:have|own|drive|bought)\b/.test(text) && !perfectAuxiliary.test(text)) return 'possession';
  return 'other';
}

/** Words that open a list item continuing the previous clause's verb ("i like reading, especially romances"). */
export const listOpeners = /^(?:and|or|also|plus|especially|particularly|mostly|mainly|like|such as|including|even|then|as well as)\s+/;
/** The subject and verb of a first-person clause, reused by a list item that leaves them out. */
export const framePattern = /^(i (?:like|love|enjoy|hate|prefer|play|collect|read|watch|listen to|eat|drink|have|own|speak|cook|bake|make|study|teach)(?: playing| watching| reading| listening to| eating| cooking)?) /;
/** Past participles, by their ending or from a list of irregular ones. */
const participle = '(?:[a-z]{3,}ed|been|got|gotten|done|made|seen|taken|become|begun|come|gone|grown|found|had|known|left|lost|met|run|spent|written|given|heard|built|felt|kept|won|shown|brought|thought|taught|bought|fallen|drawn|ridden|driven|eaten|sung|swum|undergone|overcome|read)';
const auxiliaryAdverbs = '(?:[a-z]+ly |also |even |just |always |never |since |already |now |still |ever )*';
/** "i have" as the auxiliary of a perfect tense ("i have started journaling", "i have always believed"), not possession. */
export const perfectAuxiliary = new RegExp(`\\bi have ${auxiliaryAdverbs}${participle}\\b`);
/** A clause in the perfect tense: the list items after it continue its "i have" only with a participle of their own. */
export const perfectClause = new RegExp(`^i have ${auxiliaryAdverbs}${participle}\\b`);
/** Openers of an item that qualifies the clause before it ("especially related to music"), not another verb phrase. */
export const focusingOpener = /^(?:especially|particularly|mostly|mainly|like|such as|including)\s/;
/** A list item that opens with a past participle ("built furniture" after "i have restored classic cars"). */
export const participleItem = new RegExp(`^${auxiliaryAdverbs}${participle}\\b`);
export const listItemBlockers = /\b(?:i|my|you|your|it|that|this|they|them|he|she|we|what|how|why|where|who|when|if|is|are|was|were|be)\b/;
