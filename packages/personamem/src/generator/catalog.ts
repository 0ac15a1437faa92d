/**
 * The vocabulary of the benchmark generator: topics, the subjects a persona can hold preferences
 * about (each with activities that mention it), reasons for changing one's mind (with how each
 * reason carries over to a new situation), and facts that change. Subject words are unique across
 * the catalog, so "which preference does this option talk about" has one answer.
 */

export interface CatalogSubject {
  /** Noun phrase used in statements: "I love {name}". */
  name: string;
  /** Activities that mention the subject: [0] the user says they did it, [1] a recommendation, [2] a new idea. */
  activities: readonly [string, string, string];
}

export interface CatalogTopic {
  /** camelCase topic as in the PersonaMem CSV. */
  id: string;
  /** How the user refers to the area without naming a subject. */
  area: string;
  subjects: readonly CatalogSubject[];
}

export interface CatalogReason {
  /** First person, after "because". */
  first: string;
  /** Second person, for options. */
  second: string;
  /** Advice that follows from the reason in a new situation (second person). */
  implication: string;
}

export const topics: readonly CatalogTopic[] = [
  {
    id: 'movieRecommendation',
    area: 'movies',
    subjects: [
      { name: 'horror films', activities: ['went to a midnight horror triple feature', 'catch the restored horror classic at the arthouse cinema', 'host a horror screening with themed snacks'] },
      { name: 'romantic comedies', activities: ['rewatched three romantic comedies in one evening', 'stream the new romantic comedy everyone is quoting', 'join a romantic comedy quote-along night'] },
      { name: 'nature documentaries', activities: ['watched a nature documentary about coral reefs', 'see the nature documentary series narrated from the Arctic', 'visit a nature documentary festival screening'] },
      { name: 'superhero blockbusters', activities: ['saw the latest superhero blockbuster on opening night', 'book tickets for the superhero blockbuster premiere', 'try a superhero costume workshop before the next release'] },
      { name: 'silent era cinema', activities: ['attended a silent era screening with live piano', 'find a silent era retrospective at the film archive', 'score a silent era short with your own soundtrack'] },
    ],
  },
  {
    id: 'bookRecommendation',
    area: 'books',
    subjects: [
      { name: 'mystery novels', activities: ['finished a mystery novel set in Edinburgh', 'pick up the award-winning mystery novel about a lighthouse keeper', 'try writing a short mystery story of your own'] },
      { name: 'epic fantasy sagas', activities: ['read the first epic fantasy saga volume in two days', 'start the epic fantasy saga with the dragon-riding monks', 'draw a map for an imaginary epic fantasy realm'] },
      { name: 'graphic memoirs', activities: ['borrowed a graphic memoir about growing up in Tehran', 'read the graphic memoir about a family bakery', 'sketch a few pages of a graphic memoir about your week'] },
      { name: 'poetry collections', activities: ['went to a poetry reading at the library', 'get the new poetry collection about the sea', 'enter a local poetry slam as a first-timer'] },
      { name: 'business biographies', activities: ['skimmed a business biography of a shipping tycoon', 'read the business biography of the sneaker founder', 'start a business biography discussion circle'] },
    ],
  },
  {
    id: 'musicRecommendation',
    area: 'music',
    subjects: [
      { name: 'jazz records', activities: ['spent an evening at a jazz club downtown', 'listen to the remastered jazz records from the Blue Note vault', 'take a beginner jazz improvisation class'] },
      { name: 'heavy metal', activities: ['went to a heavy metal festival last summer', 'see the heavy metal band touring next month', 'learn a heavy metal riff on electric guitar'] },
      { name: 'classical symphonies', activities: ['heard a classical symphony at the concert hall', 'get tickets for the classical symphony season opener', 'follow a classical symphony score while listening'] },
      { name: 'country ballads', activities: ['sang country ballads at a karaoke bar', 'play the new country ballads album on a long drive', 'write a country ballad about your hometown'] },
      { name: 'electronic dance tracks', activities: ['danced to electronic dance tracks at a warehouse party', 'queue the electronic dance tracks from the summer festival lineup', 'produce an electronic dance loop in free software'] },
    ],
  },
  {
    id: 'foodRecommendation',
    area: 'food',
    subjects: [
      { name: 'spicy Sichuan dishes', activities: ['ate spicy Sichuan dishes at a hole-in-the-wall place', 'order the spicy Sichuan hotpot at the new place', 'cook a spicy Sichuan mapo tofu from scratch'] },
      { name: 'sourdough baking', activities: ['baked a sourdough loaf with a homemade starter', 'buy a fresh sourdough boule from the corner bakery', 'try a sourdough pizza crust experiment'] },
      { name: 'sushi omakase', activities: ['splurged on a sushi omakase dinner', 'reserve a sushi omakase counter seat', 'take a sushi rolling class with a chef'] },
      { name: 'vegan desserts', activities: ['made vegan desserts for a potluck', 'try the vegan desserts at the plant-based patisserie', 'bake vegan desserts with aquafaba meringue'] },
      { name: 'barbecue brisket', activities: ['smoked barbecue brisket for twelve hours', 'visit the barbecue brisket joint with the long line', 'enter a backyard barbecue brisket cook-off'] },
    ],
  },
  {
    id: 'travelPlanning',
    area: 'travel',
    subjects: [
      { name: 'beach resorts', activities: ['stayed at a beach resort in Cancun', 'book a beach resort week on the Algarve coast', 'try a beach resort that offers paddleboard lessons'] },
      { name: 'mountain hiking', activities: ['went mountain hiking in the Dolomites', 'plan some mountain hiking along the Tour du Mont Blanc', 'try hut-to-hut mountain hiking with a guide'] },
      { name: 'big city weekends', activities: ['spent a big city weekend in Chicago', 'take a big city weekend in Montreal', 'try a big city weekend built around food markets'] },
      { name: 'cruise vacations', activities: ['went on a cruise vacation around the Caribbean', 'book a cruise vacation through the Norwegian fjords', 'take a river cruise vacation on the Danube'] },
      { name: 'road trips', activities: ['drove a road trip down the Pacific coast', 'plan a road trip through the national parks of Utah', 'map a road trip along historic Route 66'] },
    ],
  },
  {
    id: 'fitnessConsultation',
    area: 'exercise',
    subjects: [
      { name: 'marathon running', activities: ['ran a marathon through the city streets', 'sign up for the spring marathon training group', 'try a trail marathon with mountain views'] },
      { name: 'hot yoga', activities: ['took a hot yoga class at the studio near work', 'book a hot yoga session on Saturday morning', 'attend a hot yoga retreat for a weekend'] },
      { name: 'weightlifting', activities: ['set a new weightlifting record on deadlifts', 'follow a weightlifting program with three sessions a week', 'enter a beginner weightlifting meet'] },
      { name: 'team basketball', activities: ['played team basketball in the community league', 'join a team basketball pickup game at the park', 'coach a youth team basketball clinic'] },
      { name: 'open water swimming', activities: ['swam an open water mile in the lake', 'join the open water swimming club at dawn', 'try an open water swimming race with a wetsuit'] },
    ],
  },
];

/** Why a user stopped enjoying something. */
export const reasonsToStop: readonly CatalogReason[] = [
  { first: 'the noise started giving me headaches', second: 'the noise started giving you headaches', implication: 'look for somewhere calm and quiet, since noise gives you headaches' },
  { first: 'it got far too expensive for my budget', second: 'it got far too expensive for your budget', implication: 'keep the costs low, since you are watching your budget closely' },
  { first: 'my knee injury makes it painful now', second: 'your knee injury makes it painful now', implication: 'choose something gentle on your knee, since your injury makes strain painful' },
  { first: 'crowds make me anxious these days', second: 'crowds make you anxious these days', implication: 'pick a spot away from the crowds, since crowds make you anxious' },
  { first: 'it started to feel repetitive and dull', second: 'it started to feel repetitive and dull to you', implication: 'pick something fresh and varied, since repetition quickly feels dull to you' },
  { first: 'I am trying to cut down on late nights', second: 'you are trying to cut down on late nights', implication: 'plan it for the daytime, since you are cutting down on late nights' },
  { first: 'I have become more conscious of my carbon footprint', second: 'you have become more conscious of your carbon footprint', implication: 'favor the low-carbon option, since your carbon footprint matters to you' },
  { first: 'my doctor told me to lower my cholesterol', second: 'your doctor told you to lower your cholesterol', implication: 'go for the lighter, heart-healthy choice, since you are lowering your cholesterol' },
];

/** Why a user came to enjoy something. */
export const reasonsToStart: readonly CatalogReason[] = [
  { first: 'a close friend showed me how relaxing it can be', second: 'a close friend showed you how relaxing it can be', implication: 'choose something relaxing, since you have learned to value unwinding slowly' },
  { first: 'it helps me focus after stressful workdays', second: 'it helps you focus after stressful workdays', implication: 'pick something that restores your focus, since stressful workdays leave you scattered' },
  { first: 'it became a way to bond with my daughter', second: 'it became a way to bond with your daughter', implication: 'choose something your daughter can share, since bonding with her matters to you' },
  { first: 'I found a welcoming beginner community', second: 'you found a welcoming beginner community', implication: 'look for a welcoming group of beginners, since a supportive community keeps you going' },
  { first: 'it sparks my creativity in surprising ways', second: 'it sparks your creativity in surprising ways', implication: 'go for something hands-on and creative, since creativity energizes you' },
  { first: 'my therapist suggested trying new experiences', second: 'your therapist suggested trying new experiences', implication: 'say yes to the unfamiliar option, since your therapist encouraged new experiences' },
  { first: 'I learned about its history and it fascinated me', second: 'you learned about its history and it fascinated you', implication: 'pick the option with a story behind it, since history fascinates you' },
  { first: 'it gives me energy for the whole week', second: 'it gives you energy for the whole week', implication: 'choose the energizing option, since it keeps your week going' },
];

/** A fact that changes once: the user states the old value, then says it changed. */
export interface CatalogFact {
  kind: string;
  /** Values, first person after "I" (e.g. "work as an accountant"). */
  values: readonly { first: string; second: string }[];
  /** The user message a question about this fact opens with. */
  question: string;
  /** The advice that follows "Since {fact}," in the options. */
  advice: string;
}

export const facts: readonly CatalogFact[] = [
  {
    kind: 'occupation',
    values: [
      { first: 'work as an accountant', second: 'work as an accountant' },
      { first: 'work as a high school chemistry teacher', second: 'work as a high school chemistry teacher' },
      { first: 'work as a night shift nurse', second: 'work as a night shift nurse' },
      { first: 'work as a freelance graphic designer', second: 'work as a freelance graphic designer' },
      { first: 'work as a commercial airline pilot', second: 'work as a commercial airline pilot' },
    ],
    question: 'I am trying to plan my week so that I still get some rest.',
    advice: 'it makes sense to protect a block of downtime around your schedule.',
  },
  {
    kind: 'home',
    values: [
      { first: 'live in a small apartment in Boston', second: 'live in a small apartment in Boston' },
      { first: 'live in a farmhouse outside Denver', second: 'live in a farmhouse outside Denver' },
      { first: 'live in a downtown loft in Seattle', second: 'live in a downtown loft in Seattle' },
      { first: 'live in a beach cottage near San Diego', second: 'live in a beach cottage near San Diego' },
      { first: 'live in a townhouse in Atlanta', second: 'live in a townhouse in Atlanta' },
    ],
    question: 'I want to make my place feel cozier this month.',
    advice: 'small touches that suit the space will go a long way.',
  },
  {
    kind: 'pet',
    values: [
      { first: 'have a tabby cat named Miso', second: 'have a tabby cat named Miso' },
      { first: 'have a beagle named Pepper', second: 'have a beagle named Pepper' },
      { first: 'have a parrot named Kiwi', second: 'have a parrot named Kiwi' },
      { first: 'have two goldfish named Salt and Vinegar', second: 'have two goldfish named Salt and Vinegar' },
      { first: 'have a rescue greyhound named Comet', second: 'have a rescue greyhound named Comet' },
    ],
    question: 'I am thinking about how to make my mornings less hectic.',
    advice: 'building the routine around your companion could help a lot.',
  },
];

/** Neutral requests for filler conversation: no preferences, no catalog words. */
export const fillerRequests: readonly string[] = [
  'Can you explain how compound interest works?',
  'What is the difference between weather and climate?',
  'How does a bill become a law in most parliaments?',
  'Could you summarize how vaccines train the immune system?',
  'What are some tips for writing a clear email to a colleague?',
  'How do noise-cancelling headphones actually work?',
  'Can you walk me through how to read a nutrition label?',
  'What should I know about backing up my laptop?',
  'How do tides relate to the moon?',
  'Could you explain what inflation means for savings?',
  'What is a good way to organize a cluttered desk?',
  'How does a credit score get calculated?',
  'Can you explain the basics of how solar panels make electricity?',
  'What are some ways to keep a conversation going at a networking event?',
  'How do I set up a simple monthly budget spreadsheet?',
  'What is the history of the printing press, briefly?',
  'How do airplanes stay in the air?',
  'Could you explain what a password manager does?',
];

/** Sentences for assistant filler replies (neutral, no preference words, no catalog subjects). */
export const fillerSentences: readonly string[] = [
  'That is a great question, and the short answer depends on a few moving parts.',
  'The first thing to understand is that the process happens in stages rather than all at once.',
  'Each stage builds on the previous one, which is why small early choices matter later.',
  'Many people find it helpful to write down the steps and check them off as they go.',
  'There are a few common misconceptions worth clearing up before going further.',
  'In practice, the details vary from place to place, but the principle stays the same.',
  'A useful rule of thumb is to start simple and add complexity only when it is needed.',
  'Experts usually recommend reviewing the situation every few months to catch changes early.',
  'It also helps to keep records, since they make later decisions much easier.',
  'If anything feels unclear, breaking it into smaller questions usually helps.',
  'The underlying idea has been around for a long time, even if the tools keep changing.',
  'Some sources explain this with diagrams, which can make the flow easier to picture.',
  'Timing plays a role as well, because conditions shift over the course of a year.',
  'The main trade-off is between convenience today and flexibility later on.',
  'Most of the benefit comes from consistency rather than from any single big step.',
  'When in doubt, a quick check with a trusted professional can save a lot of trouble.',
  'The numbers can look intimidating at first, but the arithmetic behind them is straightforward.',
  'Over time, these small habits tend to compound into noticeable results.',
];

/** Fillers that pad options to a target length without adding content. */
export const optionPadding: readonly string[] = [
  ' I hope that helps.',
  ' Let me know how it goes.',
  ' Happy to talk it through more.',
  ' Just say the word if you want more detail.',
  ' It could be worth a thought.',
  ' Take your time deciding.',
  ' Either way, have fun with it.',
  ' There is no rush on this.',
];
