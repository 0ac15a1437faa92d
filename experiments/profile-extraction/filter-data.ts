/**
 * Shared by the filter training script and the experiment: candidate statements of a speaker's
 * turns, labelled by whether they match one of that speaker's gold persona sentences, and the
 * pipeline score (precision / recall / F1 of the statements a threshold keeps).
 */
import { candidateStatements, createTokenF1Matcher, filteredSources, personaScore, precisionRecall, type CandidateContext, type CandidateSource, type PersonaFilterModel } from '@personalab/profile';

/** One speaker of one conversation: their turns and gold persona sentences. */
export interface Speaker {
  id: string;
  /** Group for cross-validation: speakers sharing a persona sheet share a group. */
  group: string;
  /** The speaker's turns, each with what the partner said just before (if anything). */
  turns: Array<{ text: string; partner?: string }>;
  gold: string[];
}

export interface SpeakerCandidates {
  speaker: Speaker;
  candidates: Array<{ text: string; source: CandidateSource; context: CandidateContext; label: boolean }>;
}

const matcher = createTokenF1Matcher(0.5);

/** The unique candidate statements of each speaker, labelled against their gold persona. */
export function labelCandidates(speakers: readonly Speaker[]): SpeakerCandidates[] {
  return speakers.map((speaker) => {
    const seen = new Set<string>();
    const candidates: SpeakerCandidates['candidates'] = [];
    for (const turn of speaker.turns) {
      for (const candidate of candidateStatements(turn.text, turn.partner)) {
        if (seen.has(candidate.text)) continue;
        seen.add(candidate.text);
        candidates.push({ text: candidate.text, source: candidate.source, context: candidate.context, label: speaker.gold.some((gold) => matcher.matches(candidate.text, gold)) });
      }
    }
    return { speaker, candidates };
  });
}

/** Precision, recall and F1 of the candidates whose score passes `keep`, over all speakers (micro). */
export function pipelineScore(data: readonly SpeakerCandidates[], keep: (candidate: SpeakerCandidates['candidates'][number]) => boolean) {
  let predicted = 0;
  let correct = 0;
  let gold = 0;
  let recovered = 0;
  for (const { speaker, candidates } of data) {
    const kept = candidates.filter(keep);
    predicted += kept.length;
    correct += kept.filter((candidate) => candidate.label).length;
    gold += speaker.gold.length;
    recovered += speaker.gold.filter((sentence) => kept.some((candidate) => matcher.matches(candidate.text, sentence))).length;
  }
  return { ...precisionRecall({ predicted, correctPredicted: correct, gold, recoveredGold: recovered }), perSpeaker: predicted / Math.max(1, data.length) };
}

/** Scores under a model, keeping stated tastes, changes and goals whatever their score (as the extractor does). */
export const keepByModel = (model: PersonaFilterModel, threshold = model.threshold) => (candidate: SpeakerCandidates['candidates'][number]) =>
  !filteredSources.has(candidate.source) || personaScore(model, candidate.text, candidate.source, candidate.context) >= threshold;

/** The candidates the filter is fitted on: the kinds it judges (stated tastes, changes and goals always pass). */
export const judged = (data: readonly SpeakerCandidates[]) => data.flatMap((item) => item.candidates.filter((candidate) => filteredSources.has(candidate.source)));

/**
 * Cross-validation groups of persona sheets: sheets that share a sentence (after lower-casing and
 * dropping punctuation) share a group, transitively. Persona-Chat and Synthetic-Persona-Chat build
 * each dialogue's sheet from a pool of about 100 personas (sentences subsampled and reordered), so
 * grouping by the exact sheet would put the same persona in several folds.
 */
export function personaGroups(sheets: ReadonlyArray<readonly string[]>): string[] {
  const parent = sheets.map((_, index) => index);
  const root = (index: number): number => {
    while (parent[index] !== index) index = parent[index] = parent[parent[index]!]!;
    return index;
  };
  const firstSheetOf = new Map<string, number>();
  sheets.forEach((sheet, index) => {
    for (const sentence of sheet) {
      const key = sentence.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
      const first = firstSheetOf.get(key);
      if (first === undefined) firstSheetOf.set(key, index);
      else parent[root(index)] = root(first);
    }
  });
  return sheets.map((_, index) => `persona-${root(index)}`);
}

/** Deterministic fold of a group name (FNV-1a hash). */
export function foldOf(group: string, folds: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < group.length; index++) {
    hash ^= group.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % folds;
}

/** A conversation's turns as the speaker's turns, each paired with the partner turn just before it. */
export function speakerTurns<Name extends string>(turns: ReadonlyArray<{ speaker: Name; text: string }>, speaker: Name): Speaker['turns'] {
  return turns.flatMap((turn, index) => {
    if (turn.speaker !== speaker) return [];
    const previous = turns[index - 1];
    return [previous && previous.speaker !== speaker ? { text: turn.text, partner: previous.text } : { text: turn.text }];
  });
}
