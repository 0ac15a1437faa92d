/**
 * Verdicts on what the speaker did: long messages rarely say "i like x"; they tell an experience and judge it ("I tried
 * geocaching during my travels, but I found the whole hunt overly distracting", "I attended a workshop on contracts
 * recently, and it wasn't my favorite", "Joining a dance therapy session was truly transformative for me"). The taste
 * is for the thing done; a pronoun in the verdict ("it", "the experience") names it, in the same sentence or the next.
 */
import { leadsIntoStatement } from './lead-in.js';

/** A taste read from a verdict: the raw object (not yet cleaned) and its polarity. */
export interface EventVerdict {
  object: string;
  polarity: 'like' | 'dislike';
  strength: number;
}

const positiveWords =
  'incredible|transformative|rewarding|fulfilling|enjoyable|fun|engaging|enlightening|inspiring|delightful|refreshing|wonderful|amazing|great|fantastic|exciting|liberating|meaningful|insightful|enriching|uplifting|therapeutic|valuable|helpful|beneficial|calming|relaxing|captivating|eye-opening|eye opening|memorable|fascinating|special|joyful|joyous|exhilarating|invigorating|empowering|gratifying|satisfying|illuminating|magical|heartwarming|a blast|a success|a highlight|a pleasure|a treat|awesome|excellent|brilliant|lovely|productive|worthwhile|grounding|soothing|cathartic|profound|freeing|thrilling|stimulating|energizing|nourishing|comforting|comfortable|beautiful|perfect|superb|educational|informative|interesting|good';
const negativeWords =
  'tedious|boring|dull|overwhelming|exhausting|tiring|awkward|uncomfortable|disappointing|a disappointment|frustrating|stressful|cliché|cliche|unrelatable|overrated|distracting|underwhelming|disconnected|forced|nerve-wracking|nerve wracking|a chore|challenging|difficult|daunting|draining|stale|unfulfilling|unproductive|invasive|intimidating|rushed|chaotic|monotonous|repetitive|unengaging|uninspiring|pointless|a letdown|a let-down|a disaster|a waste of time|a nightmare|annoying|irritating|unpleasant|awful|terrible|horrible|bad|confusing|stifling|restrictive|rigid|bland|lackluster|mediocre|uninspired|dry|taxing|cumbersome|hectic|isolating|alienating|superficial|unenjoyable|unsatisfying|a struggle|a hassle|a burden|out of place';
const negativeFeelings =
  'uncomfortable|overwhelmed|stressed|disconnected|out of place|bored|frustrated|anxious|awkward|drained|exhausted|stifled|uneasy|disappointed|restless|discouraged|disheartened|intimidated|self-conscious|pressured|exposed|detached|indifferent|underwhelmed|uninspired|unfulfilled|constrained|claustrophobic|lost';
const positiveFeelings = 'inspired|energized|fulfilled|at home|connected|alive|relaxed|happy|joyful|excited|uplifted|grounded|refreshed|rejuvenated|empowered|motivated|at peace|welcomed|liberated|invigorated|enriched';
const degree = '(?:(?:so|very|quite|really|truly|incredibly|absolutely|extremely|pretty|rather|a bit|a little|somewhat|overly|too|deeply|genuinely|honestly|particularly|surprisingly|wonderfully|utterly|completely|just|also|such|way|way too|one of the most|the most|more of|more like|kind of|sort of)\\s+)*';
const article = '(?:(?:an?|such an?)\\s+)?';
const evaluation = new RegExp(`^(?:(not|less|never)\\s+(?:(?:very|particularly|that|really|as|so|quite|at all|all that)\\s+)*)?${degree}${article}${degree}(${positiveWords}|${negativeWords})(?![a-z])`);
const positive = new RegExp(`^(?:${positiveWords})$`);
const negativeFeeling = new RegExp(`^(?:${negativeFeelings})$`);
/** "challenging but rewarding": the word after "but" is the verdict (compiled once: it runs per clause). */
const concessive = new RegExp(`^\\s*(?:,\\s*)?(?:but|yet) (?:also )?${degree}(${positiveWords}|${negativeWords})(?![a-z])`);

/** What a verdict calls the experience: a pronoun or "the (whole) experience". */
const referent = '(?:it|they|them|this|that|the (?:whole |entire |overall )?(?:experience|thing|process|session|sessions|class|classes|event|activity|workshop|atmosphere|trip|program|course|day|evening|night|hunt|game|games)|this experience|the whole thing)';
/** Openers before a verdict clause ("but honestly,", "and i must admit that", "i soon realized that"). */
const verdictOpeners = new RegExp(
  `^(?:(?:and|but|yet|though|however|so|which|honestly|unfortunately|sadly|surprisingly|frankly|quite frankly|to be honest|admittedly|ultimately|eventually|overall|in the end|in hindsight|at first|soon|quickly|instead|i must (?:admit|say)(?: that)?|i have to (?:admit|say)(?: that)?|(?:i )?(?:left|came away|walked away) feeling(?: that)?(?= ${referent}\\b)|(?:i )?(?:soon |quickly |eventually |later )?(?:realized|felt|noticed|discovered)(?: that)?(?= ${referent}\\b))[,\\s]+)*`,
);

/** Polarity of an evaluation at the start of `text` ("truly an incredible experience", "not as enjoyable as i hoped"). */
function evaluate(text: string): EventVerdict['polarity'] | undefined {
  const match = evaluation.exec(text);
  if (!match?.[2]) return undefined;
  const good = positive.test(match[2]);
  // "not enjoyable", "less engaging than i hoped"; "not boring" says too little to count.
  if (match[1]) return good ? 'dislike' : undefined;
  // "challenging but rewarding": the second word is the verdict.
  const concession = concessive.exec(text.slice(match[0].length));
  if (concession?.[1]) return positive.test(concession[1]) ? 'like' : 'dislike';
  return good ? 'like' : 'dislike';
}

const judgement = new RegExp(`^(?:i )?(?:(did not|never) )?(?:found|find) ${referent} (?:to be )?(.+)$`);
/** "it lacked the personal touch", "it fell flat": the experience missed something. */
const shortfall = new RegExp(`^${referent} (?:(?:just |simply |really )?(?:lacked|was missing|fell short|fell flat|left me cold|missed the mark))\\b`);
const copula = new RegExp(`^${referent} (?:was|were|felt|seemed|turned out to be|has been|had been|is|proved to be|ended up being|became)(?: like)? (.+)$`);
const taste = new RegExp(`^i (?:(?:really|absolutely|totally|truly|genuinely|thoroughly|honestly)\\s+)*(loved|liked|enjoyed|hated|disliked|did not (?:really |particularly |much |at all )?(?:like|enjoy|love)|could not stand|could not enjoy) (?:${referent}|every (?:minute|moment|second) of it)\\b`);
const feeling = new RegExp(`^i (?:felt|was|ended up feeling|ended up|left feeling|came away feeling|walked away feeling) ${degree}(${negativeFeelings}|${positiveFeelings})\\b`);
const frustration = /^i (?:ended up |quickly |soon )*(?:developing|developed|feeling|felt) (?:a (?:growing |sense of )?)?(?:frustration|disappointment|resentment|boredom|dread|anxiety|discomfort) (?:with|about|towards|toward|over)\b/;
const fit = new RegExp(`^${referent} (?:just |simply |really |honestly |ultimately )*(?:(did not|does not|never|was not|is not|were not) (?:really |quite |particularly )?|(?:was|is|were|has|have|had) (?:really |truly )?)?(feel like my (?:style|thing)|resonate with me|resonated with me|engage me|engaged me|appeal to me|appealed to me|click with me|clicked with me|click for me|clicked for me|work for me|worked for me|suit me|suited me|align with (?:my|me|what i)|aligned with (?:my|me|what i)|meant for me|my (?:favorite|thing|style|cup of tea)|for me|(?:truly |really )?(?:transformed|changed|enriched|inspired|helped|deepened|reignited|rekindled)\\b)`);

/** The polarity of a verdict clause on the experience, or undefined when the clause is no verdict. */
export function verdictOf(clause: string): EventVerdict['polarity'] | undefined {
  const text = clause.replace(verdictOpeners, '').trim();
  // "it seemed like a good idea at first": an expectation, not the verdict.
  if (/\b(?:at first|initially|in theory|on paper|at the time|seemed like a good idea|sounded like)\b/.test(text)) return undefined;
  const found = judgement.exec(text);
  if (found?.[2]) {
    const polarity = evaluate(found[2]);
    // "i did not find them beneficial": a denied praise is a dislike; a denied complaint says too little.
    if (polarity) return found[1] ? (polarity === 'like' ? 'dislike' : undefined) : polarity;
  }
  const judged = copula.exec(text);
  const evaluated = judged?.[1] ? evaluate(judged[1]) : undefined;
  // "it was interesting to explore, but i could not help but feel that something was missing": praise taken back.
  if (evaluated === 'like' && judged?.[1] && /\bbut\b/.test(judged[1])) {
    const after = judged[1].slice(judged[1].search(/\bbut\b/) + 3).trim();
    if (evaluate(after.replace(/^also /, '')) !== 'like' && verdictOf(after) !== 'like') return undefined;
  }
  if (evaluated) return evaluated;
  if (shortfall.test(text)) return 'dislike';
  const tasted = taste.exec(text);
  if (tasted?.[1]) return /hated|disliked|not|stand/.test(tasted[1]) ? 'dislike' : 'like';
  const felt = feeling.exec(text);
  if (felt?.[1]) return negativeFeeling.test(felt[1]) ? 'dislike' : 'like';
  if (frustration.test(text)) return 'dislike';
  const fitted = fit.exec(text);
  // Every phrase says it suited the speaker: denied, it did not.
  if (fitted?.[2]) return fitted[1] === undefined ? 'like' : 'dislike';
  // "which was enlightening", "it was an incredible experience" without the pronoun: an evaluation straight away.
  if (/^(?:which|that) (?:was|has been|turned out to be)\s/.test(clause.trim())) return evaluate(clause.trim().replace(/^(?:which|that) (?:was|has been|turned out to be)\s+/, ''));
  return undefined;
}

/** Verbs of doing or trying something: the thing is their object. Base forms follow "did" ("i did try cooking"). */
const eventVerbs =
  'tried(?: out)?|try(?: out)?|attended|attend|joined|join|participated in|participate in|took part in|went on|went to|go to|visited|visit|explored|explore|enrolled in|signed up for|volunteered (?:for|at|with|in)|volunteer (?:for|at|with|in)|watched|watch|read|played|play|took|organized|hosted|networked with|traveled by|travelled by|worked on|work on|delved into|engaged in|immersed myself in|experimented with|cooked|created|made|used|listened to|started|began|learned|practiced|checked out|gave (?:.+?) a try|picked up';
const eventClause = new RegExp(`^i (?:(?:also|even|recently|just|once|actually|finally|then|first|reluctantly|initially|eventually|later|really|truly|decided to|got to|attempted to|tried to)\\s+)*(?:did\\s+)?(${eventVerbs})\\s+(.+)$`);
/** Where the object of the event ends and the verdict begins. */
const connective = /(?:,\s*|(?<!\s)\s+)(?=(?:and|but|yet|which|though|however|only to|where)\b)|,\s*/;
/** A time or place after the object that is not part of it ("recently", "during my travels", "last week"). */
const CIRCUMSTANCE = String.raw`(?:recently|lately|yesterday|today|once|too|again|as well|instead|last (?:week|weekend|month|year|night|summer)|the other day|(?:not (?:too |so )?long|a (?:few|couple of) (?:days|weeks|months|years)|a while|years|months) ago|(?:back )?in (?:19|20)\d\d|this (?:week|weekend|month|year)|(?:during|on|over) (?:my|the|a) (?:travels|trip|vacation|holiday|holidays|weekend|break)|with (?:some |a few |a group of |my |our )?(?:new )?(?:friends|family|colleagues|coworkers|relatives|kids|partner|wife|husband|classmates|others))`;
/**
 * The times and places ending an object, matched from the first of their run: without `(?<!\s<circumstance>)`, each of
 * "recently recently … x" had read to the end again (quadratic).
 */
const trailingCircumstance = new RegExp(String.raw`(?<!\s${CIRCUMSTANCE})(?:\s+${CIRCUMSTANCE})+$`);
/** A purpose or a hope after the object ("a workshop to enhance my lyrical skills", "a travel club hoping for ..."). */
const objectTail =
  /\s(?:(?:in order )?to (?:enhance|improve|help|learn|strengthen|capture|document|explore|find|see|meet|connect|share|celebrate|honor|build|create|make|get|try|observe|practice|relax|discover|support|raise|preserve|understand|deepen|expand|boost|develop|keep|spend|escape|reduce|express|bring|give|show|hear|study|gain|reconnect|bond|unwind|push|challenge|broaden|sharpen|deal|cope|manage|promote|document)|hoping|seeking|looking|wanting|thinking|expecting|anticipating|aiming|rather than|instead of)\b.*$/;

/** The event of a sentence ("i tried geocaching during my travels" → "geocaching"), with what follows it. */
function eventOf(sentence: string): { object: string; rest: string } | undefined {
  const anchor = /(?:^|\s)i /.exec(sentence);
  if (!anchor) return undefined;
  const leadIn = sentence.slice(0, anchor.index).replace(/[,;:]/g, ' ').trim();
  // "when i tried meditation, i realized ..." tells an event too; "if i tried" does not.
  if (!/^(?:.*\s)?(?:when|after|once)$/.test(leadIn) && !leadsIntoStatement(leadIn, 'i', 6)) return undefined;
  const match = eventClause.exec(sentence.slice(anchor.index).trim());
  if (!match?.[2]) return undefined;
  const cut = connective.exec(match[2]);
  const raw = cut ? match[2].slice(0, cut.index) : match[2];
  // "a workshop that explored the convergence of music": the relative clause says more than the taste needs.
  const object = raw.replace(objectTail, '').replace(trailingCircumstance, '').trim();
  if (object === '' || /^(?:it|them|this|that|to|my best|a (?:lot|few|bit)|some time|part|myself|something|anything|everything|nothing)\b/.test(object)) return undefined;
  return { object: withoutDoing(object), rest: cut ? match[2].slice(cut.index) : '' };
}

/** The first verdict among the clauses after an event ("..., technology, and education, and it was incredible"). */
function verdictAfter(rest: string): EventVerdict['polarity'] | undefined {
  let text = rest.replace(/^[,\s]+/, '');
  for (let step = 0; step < 8 && text !== ''; step++) {
    const polarity = verdictOf(text);
    if (polarity) return polarity;
    // On to the next clause: past this one's opening word, then up to the next connective.
    const body = text.replace(/^(?:and|but|yet|which|though|however|where)\s+/, '');
    const next = connective.exec(body);
    if (!next) return undefined;
    text = body.slice(next.index + next[0].length).replace(/^[,\s]+/, '');
  }
  return undefined;
}

const strength = 0.7;
/** Gerunds that only say the thing was done: "attending x was great" is a verdict on x. */
const doingGerund = /^(?:attending|joining|participating in|taking part in|going to|going on|visiting|trying(?: out)?|doing|engaging in|being part of|being involved in) /;

/**
 * What a taste is for, without a verb that only says it was done: "participating in dance therapy sessions" and
 * "joining a dance therapy session" are one taste, "dance therapy sessions" (the merge then sees a change of mind).
 */
export function withoutDoing(object: string): string {
  return object.replace(doingGerund, '');
}
const gerundSubject = new RegExp(`^([a-z]+ing\\s.+?)\\s+(?:was|has been|is|had been|has (?:also |really |truly |always )+been|turned out to be|proved to be|felt like)\\s+(.+)$`);
const gerundHelped = /^([a-z]+ing\s.+?)\s+(?:has|had)?\s*(?:also |really |truly |greatly |significantly )*(?:helped|transformed|enriched|inspired|deepened|reignited|rekindled|opened)\s+(?:me|my)\b/;
const notGerund = /^(?:nothing|something|anything|everything|morning|evening|spring|king|ring|string|thing|during|being that|according|regarding|including|considering|following|concerning|speaking|seeing)\b/;

/** "i found myself completely overwhelmed while trying to document our family stories": a feeling about a doing. */
const feelingAbout = new RegExp(`^i (?:found myself|felt|was|got|became|grew) ${degree}(${negativeFeelings}|${positiveFeelings}) (?:while|when) (?:(?:trying|attempting|having) to )?(.+)$`);

/** "attending that workshop was an incredible experience", "engaging in mindfulness has really helped me". */
function gerundVerdict(sentence: string): EventVerdict | undefined {
  const text = sentence.replace(/^(?:(?:and|but|so|also|honestly|overall|ultimately|lastly|finally|for me|personally)[,\s]+)+/, '');
  // Most sentences open with no gerund: a cheap test spares the two patterns below.
  if (!/^[a-z]+ing\s/.test(text) || notGerund.test(text)) return undefined;
  const helped = gerundHelped.exec(text);
  const judged = helped ? undefined : gerundSubject.exec(text);
  const subject = helped?.[1] ?? judged?.[1];
  if (subject === undefined || subject.split(' ').length > 14 || /\b(?:i|we|you|your|he|she|they|his|her|their)\b/.test(subject)) return undefined;
  const polarity = helped ? 'like' : evaluate(judged?.[2] ?? '');
  if (!polarity) return undefined;
  return { object: withoutDoing(subject), polarity, strength };
}

/**
 * The verdicts of one sentence (lower case, contractions expanded, end punctuation removed) and the event it tells, so
 * that the next sentence's "it was ..." can refer to it. `previousEvent` is the event of the sentence before.
 */
export function eventVerdicts(text: string, previousEvent?: string): { verdicts: EventVerdict[]; event?: string } {
  // A transcript's speaker label ("user: ", "patient: ") is not part of the sentence.
  const sentence = text.replace(/^[a-z]+:\s+/, '');
  const event = eventOf(sentence);
  if (event) {
    const polarity = verdictAfter(event.rest);
    return polarity ? { verdicts: [{ object: event.object, polarity, strength }], event: event.object } : { verdicts: [], event: event.object };
  }
  const felt = / (?:while|when) /.test(sentence) ? feelingAbout.exec(sentence.replace(/^(?:.*?,\s*)?(?=i )/, '')) : null;
  if (felt?.[1] && felt[2]) {
    const object = felt[2].split(connective)[0] ?? '';
    if (object !== '' && !/^(?:it|them|this|that|myself|everything|anything|something|all)\b/.test(object)) return { verdicts: [{ object: object.replace(objectTail, ''), polarity: negativeFeeling.test(felt[1]) ? 'dislike' : 'like', strength }] };
  }
  const gerund = gerundVerdict(sentence);
  if (gerund) return { verdicts: [gerund] };
  // "it was an enriching experience", after "i attended a creative writing workshop".
  if (previousEvent !== undefined) {
    const polarity = verdictOf(sentence.replace(/^(?:(?:and|but|overall|honestly|ultimately|however|unfortunately|sadly|at first|in the end)[,\s]+)+/, ''));
    if (polarity) return { verdicts: [{ object: previousEvent, polarity, strength }] };
  }
  return { verdicts: [] };
}
