import { z } from 'zod';
import type { Assistant } from '@personalab/core';

/**
 * How an assistant's requests to its service went in one stored conversation (`ConversationRecord.serviceReport`):
 * a transcript does not show the retries its turns took, so a run against a flaky service would read as a healthy one.
 */
export interface ServiceReport {
  /** Requests sent (a request counts once, however many attempts it took). */
  requests: number;
  /**
   * Retries by cause: the HTTP status of the failed attempt ("429", "503", "409" for a first attempt still running)
   * or the kind of network error ("connection reset", "connection refused", "timeout", …).
   */
  retries: Record<string, number>;
  /** Requests that failed after their retries: a retryable failure (5xx, 429, network) that outlasted the retry budget. */
  failedRequests: number;
}

/** The stored form of a `ServiceReport`, checked when a run is read back. */
export const serviceReportSchema = z.object({
  requests: z.number().int().nonnegative(),
  retries: z.record(z.string().min(1), z.number().int().nonnegative()),
  failedRequests: z.number().int().nonnegative(),
});

/** A report of no requests. */
export const emptyServiceReport = (): ServiceReport => ({ requests: 0, retries: {}, failedRequests: 0 });

/** Retries of a report (or of a summary's `retriesByCause`), all causes together. */
export const retryCount = (retries: Readonly<Record<string, number>>): number => Object.values(retries).reduce((sum, count) => sum + count, 0);

/** Two reports added up (a conversation run again after a failed attempt keeps that attempt's requests). */
export function addServiceReports(left: ServiceReport, right: ServiceReport): ServiceReport {
  const retries = { ...left.retries };
  for (const [cause, count] of Object.entries(right.retries)) retries[cause] = (retries[cause] ?? 0) + count;
  return { requests: left.requests + right.requests, retries, failedRequests: left.failedRequests + right.failedRequests };
}

/** "429 ×9, 503 ×2, connection reset ×1": most frequent first, ties by name. */
export function formatRetryCauses(retries: Readonly<Record<string, number>>): string {
  return Object.entries(retries)
    .filter(([, count]) => count > 0)
    .sort((left, right) => right[1] - left[1] || left[0].localeCompare(right[0]))
    .map(([cause, count]) => `${cause} ×${count}`)
    .join(', ');
}

/**
 * An assistant that accounts for its service requests per conversation (`RecommenderHttpAssistant` does);
 * `simulate` takes the account when a conversation ends and stores it with the conversation.
 */
export interface ServiceReportingAssistant extends Assistant {
  /** The requests made for the user's conversation since it started (or since the last take), then forgets them. */
  takeServiceReport(userId: string): ServiceReport;
}

/** Whether the assistant accounts for its service requests per conversation. */
export function keepsServiceReports(assistant: Assistant): assistant is ServiceReportingAssistant {
  return typeof (assistant as Partial<ServiceReportingAssistant>).takeServiceReport === 'function';
}

/** The assistant's account of the user's conversation, when the assistant keeps one. */
export function takeServiceReport(assistant: Assistant, userId: string): ServiceReport | undefined {
  return keepsServiceReports(assistant) ? assistant.takeServiceReport(userId) : undefined;
}

/** The service reports of a set of stored conversations, totalled (`summarizeServiceReports`). */
export interface ServiceReportSummary {
  /** Conversations stored with a report, failed ones included (their requests are what failed): the counts below are theirs. */
  conversations: number;
  requests: number;
  /** Retries, all causes together. */
  retries: number;
  retriesByCause: Record<string, number>;
  failedRequests: number;
  /**
   * Conversations stored without a report: their assistant keeps none, or they were stored before retries were
   * recorded, so how their requests went is unknown. Not counted above.
   */
  unreported: number;
}

/** Totals the service reports of stored conversations (every call of a resumed run, when read from the store). */
export function summarizeServiceReports(records: ReadonlyArray<{ serviceReport?: ServiceReport | undefined }>): ServiceReportSummary {
  let total = emptyServiceReport();
  let conversations = 0;
  let unreported = 0;
  for (const record of records) {
    if (!record.serviceReport) {
      unreported++;
      continue;
    }
    conversations++;
    total = addServiceReports(total, record.serviceReport);
  }
  return { conversations, requests: total.requests, retries: retryCount(total.retries), retriesByCause: total.retries, failedRequests: total.failedRequests, unreported };
}
