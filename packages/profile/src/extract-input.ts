import { PersonalabError, type ExtractOptions, type Message } from '@personalab/core';

/**
 * Checks what both extractors are given, before any work (or any LLM request), and returns the profile's user id:
 * `previous.userId`, else `options.userId`, else the first user message's `userId`. Refused (`invalid_argument`):
 * no user id at all, an `options.userId` other than the previous profile's (it had been ignored, so one user's
 * messages went into another's profile), two messages with one id (evidence cites messages by id), and a message
 * time that is negative or not a whole number of milliseconds (the profile came out failing its own schema). A
 * message without a time (undefined, NaN) is allowed: it takes its neighbour's (`inTimeOrder`). A message dated
 * before `previous.updatedAt` is allowed too (backfilled history), unlike the CLI's `--previous` file of messages
 * since: the merge lets it add evidence but not undo a later statement (`applyObservations`).
 */
export function checkExtractInput(messages: readonly Message[], options: ExtractOptions): string {
  const previousUserId = options.previous?.userId;
  if (previousUserId !== undefined && options.userId !== undefined && options.userId !== previousUserId) {
    throw new PersonalabError('invalid_argument', `options.userId "${options.userId}" is not the user of options.previous ("${previousUserId}")`);
  }
  const userId = previousUserId ?? options.userId ?? messages.find((message) => message.role === 'user')?.userId;
  if (userId === undefined) throw new PersonalabError('invalid_argument', 'extract needs options.userId, options.previous, or user messages with a userId');
  rejectDuplicateIds(messages);
  for (const [index, message] of messages.entries()) {
    const time = message.timestamp as unknown;
    if (typeof time === 'number' && Number.isFinite(time) && !(Number.isSafeInteger(time) && time >= 0)) {
      throw new PersonalabError('invalid_argument', `messages[${index}] (id "${message.id}"): timestamp must be a non-negative integer of milliseconds since 1970, got ${time}`);
    }
  }
  return userId;
}

/** Evidence cites messages by id, so two messages with one id would make it cite the wrong one. */
function rejectDuplicateIds(messages: readonly Message[]): void {
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const message of messages) {
    if (seen.has(message.id)) duplicates.add(message.id);
    seen.add(message.id);
  }
  if (duplicates.size > 0) {
    const list = [...duplicates].slice(0, 5).join(', ');
    throw new PersonalabError('invalid_argument', `message ids must be unique: ${list}${duplicates.size > 5 ? ', ...' : ''} ${duplicates.size === 1 ? 'appears' : 'appear'} more than once`, {
      details: { duplicateIds: [...duplicates] },
    });
  }
}
