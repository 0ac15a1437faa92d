import type { Evidence, Preference, Profile, ProfileFact } from '@personalab/core';
import { contentTokens } from '../text/tokenize.js';
import type { FactObservation, GoalObservation, PreferenceObservation, ProfileObservation } from './observation.js';

/** Most evidence items kept per field; the newest win, so recency survives long histories. */
export const maxEvidencePerField = 20;

/**
 * Most earlier states kept per preference: the first (where the taste started) and the newest after it. A taste said
 * both ways thousands of times in a long log had grown one profile to 22 MB, each state with its own evidence.
 */
export const maxHistoryPerPreference = 32;

function capHistory(history: Preference['history']): Preference['history'] {
  return history.length <= maxHistoryPerPreference ? history : [history[0] as Preference['history'][number], ...history.slice(-(maxHistoryPerPreference - 1))];
}

/** Keys that hold one value at a time: a newer statement replaces the older one. */
const singleValuedKeys = new Set(['age', 'name']);
const negationTokens = new Set(['not', 'never', 'no', 'longer', 'anymore', 'any', 'more']);

/**
 * Facts that hold one value at a time though their key holds several: where the speaker lives now
 * ("i live in berlin", then "i moved to munich"). Where they are from, or grew up, stays as said.
 */
function slotOf(value: string): string | undefined {
  return /^i (?:live|am living|am based|now live) in\b|^i (?:moved|have moved|just moved|recently moved) to\b/.test(value) ? 'residence' : undefined;
}

/**
 * Whether a negated fact takes back an earlier one: its content words are all among the earlier
 * fact's ("i do not have any dogs" after "i have two dogs", "i am not a vegetarian anymore").
 */
export function retracts(value: string, earlier: string, tokens: (value: string) => ReadonlySet<string> = coreTokens): boolean {
  if (!isNegated(value) || isNegated(earlier)) return false;
  const core = tokens(value);
  const earlierCore = tokens(earlier);
  return core.size > 0 && [...core].every((token) => earlierCore.has(token));
}

/** Content words of a fact, negation removed. */
function coreTokens(value: string): ReadonlySet<string> {
  return new Set(contentTokens(value).filter((token) => !negationTokens.has(token)));
}

function addEvidence(list: readonly Evidence[], added: readonly Evidence[]): Evidence[] {
  let result = [...list];
  for (const evidence of added) {
    result = result.filter((item) => item.messageId !== evidence.messageId || item.quote !== evidence.quote);
    result.push(evidence);
  }
  return result.slice(-maxEvidencePerField);
}

/** Content words of a fact, negation removed: "i have a dog" and "i do not have a dog" share it. */
function factCore(value: string): string {
  return [...coreTokens(value)].sort().join(' ');
}

/**
 * What merging derives from a held fact's, preference's or goal's text, computed once per `applyObservations` call:
 * each observation is compared with everything the profile holds, and recomputing these for every held item on every
 * observation made a long history quadratic in tokenising (10,000 distinct statements took over 2 minutes).
 */
class MergeMemo {
  private readonly cores = new Map<string, string>();
  private readonly tokenSets = new Map<string, ReadonlySet<string>>();
  private readonly subjects = new Map<string, string>();
  readonly factCore = (value: string): string => remembered(this.cores, value, factCore);
  readonly coreTokens = (value: string): ReadonlySet<string> => remembered(this.tokenSets, value, coreTokens);
  readonly subject = (value: string): string => remembered(this.subjects, value, normalizeSubject);
}

function remembered<T>(cache: Map<string, T>, key: string, compute: (key: string) => T): T {
  let value = cache.get(key);
  if (value === undefined) cache.set(key, (value = compute(key)));
  return value;
}
const isNegated = (value: string) => /\b(?:not|never|no longer)\b|\bno (?!one\b)[a-z]/.test(value);

/** Words that do not change what a preference is about ("a good comedy film" = "comedy movies"). */
const subjectNoise = new Set(['to', 'the', 'a', 'an', 'good', 'great', 'nice', 'some', 'any', 'all', 'kinds', 'kind', 'of', 'really']);
const subjectSynonyms: Record<string, string> = { film: 'movie', films: 'movie', movies: 'movie', flick: 'movie', flicks: 'movie', tv: 'television' };
/** A medium after a genre names the same taste: "horror movies" = "horror", "jazz music" = "jazz". */
const mediumWords = new Set(['movie', 'music', 'book', 'show', 'television', 'genre']);

/** Subject identity: lower case, no articles or vague adjectives, synonyms merged, naive singular. */
export function normalizeSubject(subject: string): string {
  return subject
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '' && !subjectNoise.has(word))
    .map((word) => subjectSynonyms[word] ?? (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word))
    .filter((word, index, words) => !(index === words.length - 1 && index > 0 && mediumWords.has(word)))
    .join(' ');
}

const jobChangeMarker = /\b(?:now|new job|switched|changed (?:jobs|careers)|became|started working|got a job|got hired|was hired|promoted)\b/;
/** A second job, not a new one: "i also work as a bartender", "a side job as ...". */
const secondJob = /\b(?:also|as well|too|second job|side job|part[- ]time|on (?:the )?(?:side|weekends))\b/;
const namesJob = /\b(?:as an?|am an?|became an?|work (?:at|for|in))\b/;

/**
 * An occupation said to be new ("i work as a pilot now", "i got a new job as a teacher", "i became a
 * pilot"): it replaces the latest occupation instead of standing beside it (people can hold two jobs,
 * so an occupation without such a marker, or said to be a second one, is added). The marker is read
 * in the fact and in the quoted sentence that states it, not elsewhere in the message (an LLM
 * extractor quotes whole messages: "My son became a pilot. I work at a hospital.").
 */
function changesJob(observation: FactObservation): boolean {
  if (observation.key !== 'occupation' || !namesJob.test(observation.value)) return false;
  const words = contentTokens(observation.value);
  const jobWord = words[words.length - 1];
  const sentences = observation.evidence.flatMap((evidence) =>
    (evidence.quote ?? '')
      .toLowerCase()
      .split(/(?<=[.!?;])\s+/)
      .filter((sentence) => jobWord !== undefined && sentence.includes(jobWord)),
  );
  const said = [observation.value, ...sentences];
  if (said.some((text) => secondJob.test(text))) return false;
  return said.some((text) => jobChangeMarker.test(text));
}

function applyFact(facts: ProfileFact[], observation: FactObservation, memo: MergeMemo): ProfileFact[] {
  const core = memo.factCore(observation.value);
  const negated = isNegated(observation.value);
  const slot = slotOf(observation.value);
  const jobChange = changesJob(observation);
  let index = facts.findIndex(
    (fact) =>
      (singleValuedKeys.has(observation.key) && fact.key === observation.key) ||
      memo.factCore(fact.value) === core ||
      (slot !== undefined && slotOf(fact.value) === slot) ||
      retracts(observation.value, fact.value, memo.coreTokens),
  );
  if (index < 0 && jobChange) index = facts.findLastIndex((fact) => fact.key === 'occupation' && !isNegated(fact.value));
  if (index < 0) {
    return [
      ...facts,
      {
        key: observation.key,
        value: observation.value,
        confidence: observation.confidence,
        firstSeen: observation.timestamp,
        lastUpdated: observation.timestamp,
        evidence: [...observation.evidence],
      },
    ];
  }
  const existing = facts[index] as ProfileFact;
  const next = [...facts];
  if (existing.value !== observation.value && (singleValuedKeys.has(observation.key) || (slot !== undefined && slotOf(existing.value) === slot) || isNegated(existing.value) !== negated || (jobChange && existing.key === 'occupation' && memo.factCore(existing.value) !== core))) {
    // The user now says something that contradicts the old fact: the newer statement wins.
    if (observation.timestamp < existing.lastUpdated) return facts;
    next[index] = {
      key: observation.key,
      value: observation.value,
      confidence: observation.confidence,
      firstSeen: observation.timestamp,
      lastUpdated: observation.timestamp,
      evidence: [...observation.evidence],
    };
    return next;
  }
  // Repetition raises confidence: each mention closes part of the remaining doubt.
  next[index] = {
    ...existing,
    confidence: Math.min(0.99, 1 - (1 - existing.confidence) * (1 - observation.confidence * 0.5)),
    lastUpdated: Math.max(existing.lastUpdated, observation.timestamp),
    evidence: addEvidence(existing.evidence, observation.evidence),
  };
  return next;
}

/** When the current state of a preference began: the end of its last change, or when it was first seen. */
export function currentStateSince(preference: Preference): number {
  return preference.history.at(-1)?.to ?? preference.firstSeen;
}

function applyPreference(preferences: Preference[], observation: PreferenceObservation, memo: MergeMemo): Preference[] {
  const key = memo.subject(observation.subject);
  const index = preferences.findIndex((preference) => memo.subject(preference.subject) === key);
  const category = observation.category ?? (index >= 0 ? preferences[index]?.category : undefined);
  if (index < 0) {
    const base = {
      subject: observation.subject,
      ...(category ? { category } : {}),
      firstSeen: observation.timestamp,
      lastUpdated: observation.timestamp,
      evidence: [...observation.evidence],
    };
    if (observation.tense === 'past') {
      // Only the earlier state is known: the present one is unknown (neutral, strength 0) until stated.
      const past = { polarity: observation.polarity, strength: observation.strength, from: observation.timestamp, to: observation.timestamp, evidence: [...observation.evidence] };
      return [...preferences, { ...base, polarity: 'neutral', strength: 0, history: [past] }];
    }
    return [...preferences, { ...base, polarity: observation.polarity, strength: observation.strength, ...(observation.reason ? { reason: observation.reason } : {}), history: [] }];
  }
  // An implied earlier state ("not … anymore") only fills in what is not known: a stated history wins.
  if (observation.implied) return preferences;
  const existing = preferences[index] as Preference;
  const next = [...preferences];
  const unknownNow = existing.polarity === 'neutral' && existing.strength === 0 && existing.history.length > 0;
  // A statement dated before the preference's last update (a backfilled message) cannot change its state: in time
  // order it came first, and what came after it stands. It adds its evidence only.
  const stale = observation.timestamp < existing.lastUpdated;
  if (observation.tense === 'past') {
    if (unknownNow || existing.history.some((change) => change.polarity === observation.polarity) || (stale && existing.polarity === observation.polarity)) {
      next[index] = { ...existing, lastUpdated: Math.max(existing.lastUpdated, observation.timestamp), evidence: addEvidence(existing.evidence, observation.evidence) };
      return next;
    }
    if (existing.polarity === observation.polarity) {
      // "i used to love x" after "i love x": the love is over, and what replaced it is not said.
      const ended = { polarity: existing.polarity, strength: existing.strength, from: currentStateSince(existing), to: observation.timestamp, evidence: existing.evidence, ...(existing.reason ? { reason: existing.reason } : {}) };
      const { reason: _reason, ...rest } = existing;
      next[index] = { ...rest, polarity: 'neutral', strength: 0, lastUpdated: observation.timestamp, evidence: [...observation.evidence], history: capHistory([...existing.history, ended]) };
      return next;
    }
    // An earlier state with another polarity, told after the fact: it precedes everything known.
    const earlier = { polarity: observation.polarity, strength: observation.strength, from: existing.firstSeen, to: existing.history[0]?.from ?? currentStateSince(existing), evidence: [...observation.evidence] };
    next[index] = { ...existing, evidence: addEvidence(existing.evidence, observation.evidence), history: capHistory([earlier, ...existing.history]) };
    return next;
  }
  if (stale && (unknownNow || existing.polarity === observation.polarity)) {
    next[index] = { ...existing, evidence: addEvidence(existing.evidence, observation.evidence) };
    return next;
  }
  if (unknownNow || existing.polarity === observation.polarity) {
    next[index] = {
      ...existing,
      ...(category ? { category } : {}),
      polarity: observation.polarity,
      // The latest statement sets the strength: "i like x" after "i love x" is a weaker taste now.
      strength: observation.strength,
      lastUpdated: Math.max(existing.lastUpdated, observation.timestamp),
      evidence: addEvidence(existing.evidence, observation.evidence),
      ...(observation.reason ? { reason: observation.reason } : {}),
    };
    return next;
  }
  if (observation.timestamp < existing.lastUpdated) return preferences;
  // The preference changed: the old state moves to history with when it held and why it had started.
  const ended = { polarity: existing.polarity, strength: existing.strength, from: currentStateSince(existing), to: observation.timestamp, evidence: existing.evidence, ...(existing.reason ? { reason: existing.reason } : {}) };
  const { reason: _reason, ...rest } = existing;
  next[index] = {
    ...rest,
    ...(category ? { category } : {}),
    polarity: observation.polarity,
    strength: observation.strength,
    lastUpdated: observation.timestamp,
    evidence: [...observation.evidence],
    ...(observation.reason ? { reason: observation.reason } : {}),
    history: capHistory([...existing.history, ended]),
  };
  return next;
}

function applyGoal(goals: Profile['goals'], observation: GoalObservation, memo: MergeMemo): Profile['goals'] {
  const core = memo.factCore(observation.description);
  const index = goals.findIndex((goal) => memo.factCore(goal.description) === core);
  if (index < 0) {
    return [
      ...goals,
      { description: observation.description, status: observation.status ?? 'active', firstSeen: observation.timestamp, lastUpdated: observation.timestamp, evidence: [...observation.evidence] },
    ];
  }
  const existing = goals[index] as Profile['goals'][number];
  const next = [...goals];
  next[index] = {
    ...existing,
    status: observation.status ?? existing.status,
    lastUpdated: Math.max(existing.lastUpdated, observation.timestamp),
    evidence: addEvidence(existing.evidence, observation.evidence),
  };
  return next;
}

/**
 * Folds observations, in order, into a profile: repeated facts gain confidence and evidence,
 * contradicted facts are replaced by the newer one, and a preference whose polarity changes
 * keeps its earlier state in `history` with when it held and the reason given.
 * Pure: returns a new profile and leaves `version` to the caller.
 */
export function applyObservations(profile: Profile, observations: readonly ProfileObservation[]): Profile {
  let { facts, preferences, goals } = profile;
  let updatedAt = profile.updatedAt;
  const memo = new MergeMemo();
  for (const observation of observations) {
    updatedAt = Math.max(updatedAt, observation.timestamp);
    if (observation.kind === 'fact') facts = applyFact(facts, observation, memo);
    else if (observation.kind === 'preference') preferences = applyPreference(preferences, observation, memo);
    else goals = applyGoal(goals, observation, memo);
  }
  return { ...profile, facts, preferences, goals, updatedAt };
}
