import type { Message } from '@personalab/core';

/**
 * The messages oldest first, stably. A message without a usable timestamp (a JavaScript caller's, or an
 * unvalidated object's) takes the time of the message before it, or of the first timed one after it when none
 * is before (`fallback` when none has a time), so it stays beside its neighbour: comparing it as NaN would
 * leave the timed messages around it unsorted, writing change histories backwards.
 */
export function inTimeOrder(messages: readonly Message[], fallback = 0): Message[] {
  const known = (message: Message | undefined) => (message !== undefined && Number.isFinite(message.timestamp) ? message.timestamp : undefined);
  let last = messages.map(known).find((time) => time !== undefined) ?? fallback;
  const timed = messages.map((message, index) => {
    const time = known(message) ?? last;
    last = time;
    return { message: time === message.timestamp ? message : { ...message, timestamp: time }, time, index };
  });
  return timed.sort((a, b) => a.time - b.time || a.index - b.index).map((entry) => entry.message);
}
