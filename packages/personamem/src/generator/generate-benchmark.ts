import { type ChatMessage, type Random, PersonalabError, createRandom, hashString } from '@personalab/core';
import { optionLetters } from '../types.js';
import { type CatalogFact, type CatalogReason, type CatalogSubject, type CatalogTopic, facts, fillerRequests, fillerSentences, optionPadding, reasonsToStart, reasonsToStop, topics } from './catalog.js';

/** The seven PersonaMem question types, by their paper names. */
export const questionTypes = [
  'recall_user_shared_facts',
  'acknowledge_latest_preferences',
  'track_full_preference_evolution',
  'revisit_reasons_behind_preference_updates',
  'provide_preference_aligned_recommendations',
  'suggest_new_ideas',
  'generalize_to_new_scenarios',
] as const;
export type QuestionType = (typeof questionTypes)[number];

/** One row of a PersonaMem questions CSV, with the released file's columns. */
export interface QuestionRow {
  persona_id: number;
  question_id: string;
  question_type: QuestionType;
  topic: string;
  context_length_in_tokens: number;
  context_length_in_letters: number;
  distance_to_ref_in_blocks: number;
  distance_to_ref_in_tokens: number;
  num_irrelevant_tokens: number;
  distance_to_ref_proportion_in_context: string;
  user_question_or_message: string;
  correct_answer: string;
  /** JSON list of the four options, each prefixed "(a) ".."(d) ". */
  all_options: string;
  shared_context_id: string;
  end_index_in_shared_context: number;
}

export interface GenerateBenchmarkOptions {
  seed: number;
  personas: number;
  questionsPerPersona: number;
  /** Target length of each shared context, in tokens (about four characters each). */
  contextTokens: number;
  /**
   * `plain` (default): one or two fixed templates per kind of statement. `varied`: a second set of
   * wordings ("I'm totally hooked on X", "X just aren't for me") written separately from the memory
   * responder's parser, to measure how much its score owes to the templates. `heldout`: a third set,
   * kept out of the memory responder's development, for a final check.
   */
  phrasing?: Phrasing;
}

/** Wordings of the user's statements; see `GenerateBenchmarkOptions.phrasing`. */
export type Phrasing = 'plain' | 'varied' | 'heldout' | 'heldout2';

export interface GeneratedBenchmark {
  questions: QuestionRow[];
  /** Shared contexts by id, in the official JSONL's message form. */
  contexts: Map<string, ChatMessage[]>;
}

/** Tokens of a text, estimated as the usual four characters per token. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4);

const names = ['Maya Chen', 'Luis Ortega', 'Amara Okafor', 'Jonas Berg', 'Priya Nair', 'Tom Walsh', 'Sofia Rossi', 'Kenji Sato', 'Hannah Cole', 'Omar Haddad', 'Elena Petrova', 'Daniel Kim', 'Grace Mensah', 'Noah Fischer', 'Leila Rahimi', 'Sam Carter'];
const positiveVerbs = ['love', 'really enjoy', 'are a big fan of'];
const negativeVerbs = ["can't stand", 'really dislike', 'are not a fan of'];
const positivePast = ['loved', 'enjoyed', 'were really into'];
const negativePast = ['disliked', "couldn't stand", 'were not into'];
const positiveBase = ['love', 'enjoy'];
const negativeBase = ['dislike', 'avoid'];
const leadIns = ['Quick thing before my next question.', 'Just sharing a bit about myself.', 'Random thought, but it matters to me.', 'Something I keep thinking about.', ''];

/** What one persona holds about a topic: A stops liking, B starts liking, C always liked, U unmentioned. */
interface TopicPlan {
  topic: CatalogTopic;
  stopped: CatalogSubject;
  started: CatalogSubject;
  stable: CatalogSubject;
  unmentioned: CatalogSubject[];
  stopReason: CatalogReason;
  startReason: CatalogReason;
}

interface FactPlan {
  fact: CatalogFact;
  old: { first: string; second: string };
  current: { first: string; second: string };
  unmentioned: { first: string; second: string };
}

/** A statement placed at a relative position (0..1) of the context; `index` is filled in when placed. */
interface PlacedStatement {
  key: string;
  text: string;
  position: number;
  index: number;
}

function pickOrder(random: Random, count: number, low: number, high: number): number[] {
  return Array.from({ length: count }, () => low + random.next() * (high - low)).sort((a, b) => a - b);
}

/** Pads options with content-free phrases to random target lengths, so the longest is a coin toss. */
function balanceLengths(random: Random, options: string[]): string[] {
  const longest = Math.max(...options.map((option) => option.length));
  return options.map((option) => {
    const target = longest + 25 + random.int(40);
    const phrases = random.shuffle([...optionPadding]);
    let padded = option;
    for (const phrase of phrases) {
      if (padded.length + phrase.length > target) continue;
      padded += phrase;
    }
    return padded;
  });
}

function fillerExchange(random: Random): ChatMessage[] {
  const sentences = Array.from({ length: 6 + random.int(7) }, () => random.pick(fillerSentences));
  return [
    { role: 'user', content: random.pick(fillerRequests) },
    { role: 'assistant', content: sentences.join(' ') },
  ];
}

function planPersona(random: Random): { topics: TopicPlan[]; facts: FactPlan[] } {
  const chosen = random.shuffle([...topics]).slice(0, 4);
  const stopReasons = random.shuffle([...reasonsToStop]);
  const startReasons = random.shuffle([...reasonsToStart]);
  const plans = chosen.map((topic, index): TopicPlan => {
    const [stopped, started, stable, ...unmentioned] = random.shuffle([...topic.subjects]);
    if (!stopped || !started || !stable || unmentioned.length === 0) throw new PersonalabError('internal', `topic ${topic.id} needs at least four subjects`);
    return { topic, stopped, started, stable, unmentioned, stopReason: stopReasons[index] as CatalogReason, startReason: startReasons[index] as CatalogReason };
  });
  const factPlans = facts.map((fact): FactPlan => {
    const [old, current, unmentioned] = random.shuffle([...fact.values]);
    if (!old || !current || !unmentioned) throw new PersonalabError('internal', `fact ${fact.kind} needs at least three values`);
    return { fact, old, current, unmentioned };
  });
  return { topics: plans, facts: factPlans };
}

/** The statements a persona makes, each at a position: first states early, changes later. */
/** Ways to say each kind of statement: subject `S`, reason `R`, activity or fact `X`, new fact `Y`. */
const phrasings = {
  plain: {
    like: ['I have to say, I really love S.', "Lately I've been really into S.", "I'm a big fan of S, honestly.", 'I really love S.'],
    dislike: ["Honestly, I can't stand S.", 'I really dislike S, to be honest.'],
    stop: ["I used to love S, but now I can't stand them because R."],
    start: ['I never used to enjoy S, but now I really love them because R.'],
    done: ['Last month I finally got to X, which was a treat.'],
    fact: ['By the way, I X.'],
    factChange: ['Quick update on my life: I used to X, but now I Y.'],
  },
  varied: {
    like: ['Honestly, S never get old for me.', 'I could spend every weekend on S.', 'Few things make me happier than S.', "I'm totally hooked on S."],
    dislike: ["S just aren't for me.", "I'd rather skip S if I can.", 'S bore me to tears.', 'I find S pretty unbearable.'],
    stop: ["I was crazy about S for years, but lately I've lost interest, mostly because R.", "S used to be my thing; these days I'd rather skip them since R."],
    start: ["I wasn't into S at all before, but I've come around to them because R.", "Funny, I used to avoid S, but now I'm hooked because R."],
    done: ['I recently managed to X and had a great time.', 'Guess what: I got to X the other week.'],
    fact: ['For context, I X.', 'Something about me: I X.'],
    factChange: ['Things have changed: I no longer X; these days I Y.', 'Big news: I Y now, I used to X.'],
  },
  // Written before any tuning of the memory responder to `varied`, and kept out of its development.
  heldout: {
    like: ['S are honestly the highlight of my week.', 'You know me, S are my happy place.', "I've grown really fond of S over the years.", 'Give me S any day.'],
    dislike: ['S leave me cold.', "I've never warmed to S.", 'S drive me up the wall.', 'Not sure why, but S do nothing for me.'],
    stop: ["I've fallen out of love with S; R.", "S don't appeal to me anymore, since R.", "I've gone off S lately because R."],
    start: ["I've warmed up to S recently, since R.", 'S have really grown on me because R.', "I've become a real convert to S, because R."],
    done: ['Over the holidays I got to X, and it was wonderful.', 'I ticked one off my list: I got to X.'],
    fact: ['Just so you know, I X.', 'A bit of background: I X.'],
    factChange: ['Life update: these days I Y. Before, I used to X.', 'Heads up, I Y now rather than X.'],
  },
  // A second held-out set, written after `heldout` was scored once and before any work on it.
  heldout2: {
    like: ['I get genuinely excited about S.', 'S are something I look forward to all week.', 'Nothing beats S, in my opinion.', 'I have a soft spot for S.'],
    dislike: ['I have zero patience for S.', 'S are a hard pass for me.', 'S really get on my nerves.', "I'm allergic to S, figuratively speaking."],
    stop: ['My enthusiasm for S has faded, because R.', "I've soured on S over time; R.", "S have lost their appeal for me since R."],
    start: ['S have become a favorite of mine lately, because R.', "I've developed a taste for S, since R.", "I've changed my mind about S and now look forward to them, because R."],
    done: ['Last weekend I was able to X, and I loved every minute.', 'I finally found time to X recently.'],
    fact: ['In case it matters, I X.', 'Some context on me: I X.'],
    factChange: ["A change in my life: I don't X anymore; I Y now.", 'Recently things shifted and I Y; previously I used to X.'],
  },
} as const;

function planStatements(random: Random, plan: { topics: TopicPlan[]; facts: FactPlan[] }, phrasing: Phrasing): PlacedStatement[] {
  const statements: PlacedStatement[] = [];
  const say = (key: string, text: string, position: number) => statements.push({ key, text, position, index: -1 });
  const words = phrasings[phrasing];
  const fill = (templates: readonly string[], values: { S?: string; R?: string; X?: string; Y?: string }) => {
    const template = random.pick(templates);
    const text = template.replace(/\b([SRXY])\b/g, (letter) => values[letter as 'S' | 'R' | 'X' | 'Y'] ?? letter);
    return text.charAt(0).toUpperCase() + text.slice(1);
  };
  for (const topic of plan.topics) {
    const [first, second, third, changeA, changeB, done] = [...pickOrder(random, 3, 0.02, 0.4), ...pickOrder(random, 3, 0.45, 0.85)];
    say(`like:${topic.stable.name}`, fill(words.like, { S: topic.stable.name }), first as number);
    say(`like:${topic.stopped.name}`, fill(words.like, { S: topic.stopped.name }), second as number);
    say(`dislike:${topic.started.name}`, fill(words.dislike, { S: topic.started.name }), third as number);
    say(`change:${topic.stopped.name}`, fill(words.stop, { S: topic.stopped.name, R: topic.stopReason.first }), changeA as number);
    say(`change:${topic.started.name}`, fill(words.start, { S: topic.started.name, R: topic.startReason.first }), changeB as number);
    say(`done:${topic.stable.name}`, fill(words.done, { X: topic.stable.activities[1] }), done as number);
  }
  for (const fact of plan.facts) {
    const [first, second] = [random.next() * 0.35, 0.4 + random.next() * 0.45];
    say(`fact:${fact.fact.kind}`, fill(words.fact, { X: fact.old.first }), first);
    say(`factchange:${fact.fact.kind}`, fill(words.factChange, { X: fact.old.first, Y: fact.current.first }), second);
  }
  return statements.sort((a, b) => a.position - b.position);
}

interface BuiltContext {
  messages: ChatMessage[];
  /** Tokens of messages[0 .. i) for every i (prefix sums). */
  prefixTokens: number[];
  statementIndex: Map<string, number>;
  /** Message indices that end an exchange: valid exclusive end indices for questions. */
  exchangeEnds: number[];
  /** Index of the exchange each message belongs to (the "block" count). */
  blockOfMessage: number[];
}

function buildContext(random: Random, name: string, statements: PlacedStatement[], contextTokens: number): BuiltContext {
  const messages: ChatMessage[] = [{ role: 'system', content: `Current user persona: ${name}, ${25 + random.int(35)} years old, is chatting with a helpful assistant over several sessions.` }];
  const blockOfMessage = [0];
  let tokens = estimateTokens(messages[0]?.content ?? '');
  let block = 0;
  const push = (exchange: ChatMessage[]) => {
    block++;
    for (const message of exchange) {
      messages.push(message);
      blockOfMessage.push(block);
      tokens += estimateTokens(message.content);
    }
  };
  const statementIndex = new Map<string, number>();
  for (const statement of statements) {
    while (tokens < statement.position * contextTokens) push(fillerExchange(random));
    const leadIn = random.pick(leadIns);
    statementIndex.set(statement.key, messages.length);
    push([
      { role: 'user', content: `${leadIn}${leadIn === '' ? '' : ' '}${statement.text}` },
      { role: 'assistant', content: `Thanks for telling me, I'll keep that in mind. ${random.pick(fillerSentences)}` },
    ]);
  }
  while (tokens < contextTokens) push(fillerExchange(random));
  const prefixTokens = [0];
  for (const message of messages) prefixTokens.push((prefixTokens[prefixTokens.length - 1] as number) + estimateTokens(message.content));
  const exchangeEnds = messages.map((message, index) => (message.role === 'assistant' ? index + 1 : -1)).filter((index) => index > 0);
  return { messages, prefixTokens, statementIndex, exchangeEnds, blockOfMessage };
}

interface DraftQuestion {
  type: QuestionType;
  topic: string;
  question: string;
  correct: string;
  wrong: [string, string, string];
  /** Statement keys the answer depends on; the question comes after all of them. */
  references: string[];
}

function draftQuestion(random: Random, type: QuestionType, plan: { topics: TopicPlan[]; facts: FactPlan[] }, unusedStop: CatalogReason[], unusedStart: CatalogReason[]): DraftQuestion {
  const topicPlan = random.pick(plan.topics);
  const area = topicPlan.topic.area;
  const changedToNegative = random.next() < 0.5;
  const subject = changedToNegative ? topicPlan.stopped : topicPlan.started;
  const reason = changedToNegative ? topicPlan.stopReason : topicPlan.startReason;
  const unusedReason = random.pick(changedToNegative ? unusedStop : unusedStart);
  const unmentioned = random.pick(topicPlan.unmentioned);
  const [latestVerb, oldVerb] = changedToNegative ? [random.pick(negativeVerbs), random.pick(positiveVerbs)] : [random.pick(positiveVerbs), random.pick(negativeVerbs)];
  const changeKey = `change:${subject.name}`;
  const base = { type, topic: topicPlan.topic.id };
  switch (type) {
    case 'recall_user_shared_facts': {
      const fact = random.pick(plan.facts);
      const opener = 'Good thinking.';
      const option = (value: { second: string }) => `${opener} Since you ${value.second}, ${fact.fact.advice}`;
      return {
        ...base,
        topic: 'personalLife',
        question: fact.fact.question,
        correct: option(fact.current),
        wrong: [option(fact.old), option(fact.unmentioned), `${opener} Small, steady changes are usually the easiest ones to keep up with.`],
        references: [`factchange:${fact.fact.kind}`],
      };
    }
    case 'acknowledge_latest_preferences': {
      const opener = `What a nice plan for an evening of ${area}.`;
      const option = (verb: string, name: string) => `${opener} Since you ${verb} ${name}, I will keep that in mind for tonight.`;
      return {
        ...base,
        question: `I have a free evening and I'm in the mood for something to do with ${area}.`,
        correct: option(latestVerb, subject.name),
        wrong: [option(oldVerb, subject.name), option(random.pick([...positiveVerbs, ...negativeVerbs]), unmentioned.name), `${opener} An evening to yourself is always worth making the most of.`],
        references: [changeKey],
      };
    }
    case 'track_full_preference_evolution': {
      const [latestPast, oldPast] = changedToNegative ? [random.pick(negativePast), random.pick(positivePast)] : [random.pick(positivePast), random.pick(negativePast)];
      const [latestBase, oldBase] = changedToNegative ? [random.pick(negativeBase), random.pick(positiveBase)] : [random.pick(positiveBase), random.pick(negativeBase)];
      const unmentionedNegative = random.next() < 0.5;
      return {
        ...base,
        question: `How would you describe the way my taste in ${area} has developed?`,
        correct: `You first ${oldPast} ${subject.name}, and later you came to ${latestBase} them.`,
        wrong: [
          `You first ${latestPast} ${subject.name}, and later you came to ${oldBase} them.`,
          `You first ${random.pick(unmentionedNegative ? negativePast : positivePast)} ${unmentioned.name}, and later you came to ${random.pick(unmentionedNegative ? positiveBase : negativeBase)} them.`,
          'Your taste has shifted gradually over time, the way most people find theirs does.',
        ],
        references: [changeKey],
      };
    }
    case 'revisit_reasons_behind_preference_updates':
      return {
        ...base,
        question: `Remind me, why did my feelings about ${area} change?`,
        correct: `You changed your mind about ${subject.name} because ${reason.second}.`,
        wrong: [
          `You still ${oldVerb} ${subject.name}, so nothing has really changed there for you.`,
          `You changed your mind about ${subject.name} because ${unusedReason.second}.`,
          "People's feelings shift for all sorts of reasons, and that is perfectly normal.",
        ],
        references: [changeKey],
      };
    case 'generalize_to_new_scenarios': {
      const opener = 'Good idea to think ahead:';
      const outdated = changedToNegative ? `since you ${oldVerb} ${subject.name}, build it around them` : `since you ${oldVerb} ${subject.name}, steer clear of them`;
      return {
        ...base,
        question: random.pick([
          "I'm planning a weekend away with a friend; what should I keep in mind?",
          'I need to pick a spot for a team outing next month. Any advice?',
          "I'm choosing a new weekly routine to try. What would you suggest?",
        ]),
        correct: `${opener} ${reason.implication}.`,
        wrong: [`${opener} ${outdated}.`, `${opener} ${unusedReason.implication}.`, `${opener} choose whatever feels most comfortable on the day.`],
        references: [changeKey],
      };
    }
    case 'provide_preference_aligned_recommendations': {
      const liked = random.next() < 0.5 ? topicPlan.started : topicPlan.stable;
      return {
        ...base,
        question: `Can you recommend something to do this weekend that involves ${area}?`,
        correct: `You could ${liked.activities[2]}.`,
        wrong: [`You could ${topicPlan.stopped.activities[2]}.`, `You could ${unmentioned.activities[2]}.`, 'You could try whatever is trending nearby right now.'],
        references: [`change:${topicPlan.stopped.name}`, liked === topicPlan.started ? `change:${liked.name}` : `like:${liked.name}`],
      };
    }
    case 'suggest_new_ideas':
      return {
        ...base,
        question: `I want to try something new when it comes to ${area}. Any ideas?`,
        correct: `You could ${topicPlan.stable.activities[2]}.`,
        // The "unmentioned" slot is the already-done activity here: novelty is what this type tests.
        wrong: [`You could ${topicPlan.stopped.activities[2]}.`, `You could ${topicPlan.stable.activities[1]}.`, 'You could look up a list of popular hobbies and pick one at random.'],
        references: [`done:${topicPlan.stable.name}`, `change:${topicPlan.stopped.name}`],
      };
  }
}

/**
 * The most one generation makes: each file is written as one string, and a larger one had run for minutes
 * and then failed with "RangeError: Invalid string length" (V8 strings end near 2^29 characters; a question
 * row is about 750 characters, a context token about 4.3).
 */
export const generateLimits = { questions: 200_000, contextTokens: 50_000_000 } as const;

/** Why a generation of this size is refused (personas × questions, personas × context tokens), or undefined when it is not. */
export function benchmarkSizeError(options: Pick<GenerateBenchmarkOptions, 'personas' | 'questionsPerPersona' | 'contextTokens'>, flags = { personas: 'personas', questionsPerPersona: 'questionsPerPersona', contextTokens: 'contextTokens' }): string | undefined {
  const questions = options.personas * options.questionsPerPersona;
  if (questions > generateLimits.questions) {
    return `${flags.personas} × ${flags.questionsPerPersona} is ${questions} questions; at most ${generateLimits.questions} are generated at once (each file is written as one string): split the benchmark over seeds`;
  }
  const tokens = options.personas * options.contextTokens;
  if (tokens > generateLimits.contextTokens) {
    return `${flags.personas} × ${flags.contextTokens} is ${tokens} context tokens; at most ${generateLimits.contextTokens} are generated at once (each file is written as one string): split the benchmark over seeds`;
  }
  return undefined;
}

/**
 * Generates a PersonaMem-format benchmark: one shared context per persona (preferences that
 * change for stated reasons, facts that change, filler exchanges up to the target length) and
 * questions of all seven types asked at end indices after what they depend on. Wrong options are
 * the outdated state, a plausible but unmentioned one, and a generic reply; option lengths are
 * padded at random so that the longest option is right about a quarter of the time.
 */
export function generateBenchmark(options: GenerateBenchmarkOptions): GeneratedBenchmark {
  if (options.personas < 1 || options.questionsPerPersona < 1 || options.contextTokens < 2_000) {
    throw new PersonalabError('invalid_argument', 'generateBenchmark needs personas >= 1, questionsPerPersona >= 1 and contextTokens >= 2000');
  }
  const tooLarge = benchmarkSizeError(options);
  if (tooLarge) throw new PersonalabError('invalid_argument', `generateBenchmark: ${tooLarge}`);
  const questions: QuestionRow[] = [];
  const contexts = new Map<string, ChatMessage[]>();
  for (let persona = 0; persona < options.personas; persona++) {
    const random = createRandom(hashString(`personamem-generator:${options.seed}:${options.contextTokens}:${persona}${options.phrasing === undefined || options.phrasing === 'plain' ? '' : `:${options.phrasing}`}`));
    const name = names[persona % names.length] as string;
    const plan = planPersona(random);
    const statements = planStatements(random, plan, options.phrasing ?? 'plain');
    const built = buildContext(random, name, statements, options.contextTokens);
    const contextId = `gen-${options.seed}-${Math.round(options.contextTokens / 1000)}k-${persona}`;
    contexts.set(contextId, built.messages);
    const usedStop = new Set(plan.topics.map((topic) => topic.stopReason));
    const usedStart = new Set(plan.topics.map((topic) => topic.startReason));
    const unusedStop = reasonsToStop.filter((reason) => !usedStop.has(reason));
    const unusedStart = reasonsToStart.filter((reason) => !usedStart.has(reason));
    for (let number = 0; number < options.questionsPerPersona; number++) {
      const type = questionTypes[(number + persona) % questionTypes.length] as QuestionType;
      const draft = draftQuestion(random, type, plan, unusedStop, unusedStart);
      const referenceIndex = Math.max(...draft.references.map((key) => built.statementIndex.get(key) ?? 0));
      const candidates = built.exchangeEnds.filter((end) => end > referenceIndex + 1);
      const endIndex = random.pick(candidates.length > 0 ? candidates : [built.messages.length]);
      const order = random.shuffle([0, 1, 2, 3]);
      const raw = [draft.correct, ...draft.wrong];
      const balanced = balanceLengths(random, raw);
      const arranged = order.map((source, slot) => `(${optionLetters[slot]}) ${balanced[source]}`);
      const correctSlot = order.indexOf(0);
      const contextTokens = built.prefixTokens[endIndex] as number;
      const distance = contextTokens - (built.prefixTokens[referenceIndex] as number);
      questions.push({
        persona_id: persona,
        question_id: `${contextId}-q${number}`,
        question_type: draft.type,
        topic: draft.topic,
        context_length_in_tokens: contextTokens,
        context_length_in_letters: built.messages.slice(0, endIndex).reduce((sum, message) => sum + message.content.length, 0),
        distance_to_ref_in_blocks: (built.blockOfMessage[endIndex - 1] ?? 0) - (built.blockOfMessage[referenceIndex] ?? 0),
        distance_to_ref_in_tokens: distance,
        num_irrelevant_tokens: 0,
        distance_to_ref_proportion_in_context: `${((100 * distance) / Math.max(1, contextTokens)).toFixed(2)}%`,
        user_question_or_message: draft.question,
        correct_answer: `(${optionLetters[correctSlot]})`,
        all_options: JSON.stringify(arranged),
        shared_context_id: contextId,
        end_index_in_shared_context: endIndex,
      });
    }
  }
  return { questions, contexts };
}
