// A separate process writing to a RecommenderStore (used by store-crash.e2e.test.ts and crash drivers).
// `<file> <writer> <count> [startAt]`: (at `startAt`, ms since 1970, so that several processes open the store together) as user <writer>, writes `count` rounds; round i is an event batch (a rating with id
// `<writer>-e<i>` and a message) stored with its answer under idempotency key `k<i>`, and a chat turn (messages
// `<writer>-u<i>` and `<writer>-a<i>`, a new session every 5 turns, with the profile at version i). Prints `ack <i>` once
// round i is committed, then `done`.
import { emptyProfile } from '@personalab/core';
import { tinyItems } from '../../test/tiny-catalogue.js';
import { RecommenderStore, type StoredSession } from '../store.js';

const [file, writer, count, startAt] = process.argv.slice(2) as [string, string, string, string?];
if (startAt !== undefined) {
  // A busy wait: a timer fires late by a varying few milliseconds, and the processes should open the store together.
  while (Date.now() < Number(startAt)) {
    // wait
  }
}
const store = new RecommenderStore({ path: file });
store.upsertItems(tinyItems);
if (store.getUser(writer) === undefined) store.createUser({ id: writer });
let session: StoredSession | undefined;
for (let round = 0; round < Number(count); round++) {
  store.addBatch(
    writer,
    [
      { kind: 'rating', itemId: tinyItems[round % tinyItems.length]!.id, value: 1 + (round % 5), id: `${writer}-e${round}` },
      { kind: 'message', id: `${writer}-m${round}`, content: `message ${round}` },
    ],
    {
      inTransaction: () =>
        store.saveIdempotentResponse({ caller: writer, key: `k${round}`, response: { requestHash: `h${round}`, status: 201, body: `{"round":${round}}` }, ttlMs: 86_400_000, maxPerCaller: 1_000_000 }),
    },
  );
  const newSession = round % 5 === 0 || session === undefined;
  if (newSession) session = store.newSession(writer, `${writer}-s${round}`);
  const message = (id: string, role: 'user' | 'assistant') => ({ id, role, content: `turn ${round}`, timestamp: Date.now(), userId: writer });
  store.addChatTurn({
    session: session!,
    newSession,
    userMessage: message(`${writer}-u${round}`, 'user'),
    reply: message(`${writer}-a${round}`, 'assistant'),
    lastRecommended: [tinyItems[round % tinyItems.length]!.id],
    profile: { ...emptyProfile(writer, round), version: round },
  });
  process.stdout.write(`ack ${round}\n`);
}
store.close();
process.stdout.write('done\n');
