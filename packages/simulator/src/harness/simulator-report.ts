import { z } from 'zod';
import type { DialogueTurn, SimulatorTurn } from '@personalab/core';

/** How a simulator wrote one user turn, for a simulator that says (the LLM simulator does). */
export interface TurnProvenance {
  /** Model replies requested for the turn (regenerations included). */
  modelReplies: number;
  /** Of those, replies that failed the character and fact checks (or were empty). */
  rejectedReplies: number;
  /** No model reply passed the checks: the grounded fallback wrote the turn. */
  fallback: boolean;
}

/** A simulator turn that may say how it was written; `simulate` stores the account with the conversation. */
export type ReportedSimulatorTurn = SimulatorTurn & { provenance?: TurnProvenance };

/**
 * How the user simulator wrote one stored conversation's user turns (`ConversationRecord.simulatorReport`):
 * a transcript does not show which turns the model did not write.
 */
export interface SimulatorReport {
  /** Indices in `turns` of the user turns the grounded fallback wrote (the model never passed the checks). */
  fallbackTurns: number[];
  /** Model replies requested for the conversation's user turns. */
  modelReplies: number;
  /** Model replies that failed the character and fact checks. */
  rejectedReplies: number;
}

/** The stored form of a `SimulatorReport`, checked when a run is read back. */
export const simulatorReportSchema = z.object({
  fallbackTurns: z.array(z.number().int().nonnegative()),
  modelReplies: z.number().int().nonnegative(),
  rejectedReplies: z.number().int().nonnegative(),
});

/** The provenance a simulator turn carries, when it carries a well-formed one. */
export function turnProvenance(turn: SimulatorTurn): TurnProvenance | undefined {
  const provenance = (turn as ReportedSimulatorTurn).provenance;
  if (typeof provenance !== 'object' || provenance === null) return undefined;
  const count = (value: unknown) => (typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0);
  return { modelReplies: count(provenance.modelReplies), rejectedReplies: count(provenance.rejectedReplies), fallback: provenance.fallback === true };
}

/** The simulator reports of a set of stored conversations, totalled (`summarizeSimulatorReports`). */
export interface SimulatorReportSummary {
  /** Conversations stored with their turns and a report: the counts below are theirs. */
  conversations: number;
  /** User turns of those conversations. */
  userTurns: number;
  /** Of those, user turns the grounded fallback wrote. */
  fallbackTurns: number;
  modelReplies: number;
  rejectedReplies: number;
  /**
   * Conversations stored with their turns but no report: made by a simulator that keeps none (the retrieval
   * simulator), or stored before reports were recorded, so whether their turns fell back is unknown. Not counted above.
   */
  unreported: number;
  /** Failed conversations (stored with no turns): not counted above. */
  failed: number;
}

/** Totals the simulator reports of stored conversations (every call of a resumed run, when read from the store). */
export function summarizeSimulatorReports(
  // A stored conversation's fields it reads (`ConversationRecord`, kept structural so the store can import this file).
  records: ReadonlyArray<{ endReason: string; turns: readonly DialogueTurn[]; simulatorReport?: SimulatorReport | undefined }>,
): SimulatorReportSummary {
  const summary: SimulatorReportSummary = { conversations: 0, userTurns: 0, fallbackTurns: 0, modelReplies: 0, rejectedReplies: 0, unreported: 0, failed: 0 };
  for (const record of records) {
    if (record.endReason === 'error') summary.failed++;
    else if (!record.simulatorReport) summary.unreported++;
    else {
      summary.conversations++;
      summary.userTurns += record.turns.filter((turn) => turn.role === 'user').length;
      summary.fallbackTurns += record.simulatorReport.fallbackTurns.length;
      summary.modelReplies += record.simulatorReport.modelReplies;
      summary.rejectedReplies += record.simulatorReport.rejectedReplies;
    }
  }
  return summary;
}
