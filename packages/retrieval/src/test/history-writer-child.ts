// A separate process writing to a HistoryStore (used by history-store-crash.e2e.test.ts and crash drivers).
// `<directory> <writer> <batches> <saveEvery>`: adds `batches` batches of 20 messages for user <writer> (ids
// `<writer>-<n>`), printing `added <n>` once each batch is stored, saving the index every `saveEvery` batches
// (`saved <n>` once written), then closes and prints `done`.
import { HistoryStore } from '../history-store.js';
import { historyTestEmbedder, historyTestText } from './history-fixtures.js';

const [directory, writer, batches, saveEvery] = process.argv.slice(2) as [string, string, string, string];
const store = await HistoryStore.open({ directory, embedder: historyTestEmbedder() });
process.stdout.write(`opened ${store.indexStatus.state}\n`);
let next = 0;
for (let batch = 0; batch < Number(batches); batch++) {
  const messages = Array.from({ length: 20 }, () => {
    const position = next++;
    return { id: `${writer}-${position}`, role: 'user' as const, content: historyTestText(writer, position), timestamp: position };
  });
  await store.add(writer, messages);
  process.stdout.write(`added ${next}\n`);
  if ((batch + 1) % Number(saveEvery) === 0) {
    await store.save();
    process.stdout.write(`saved ${next}\n`);
  }
}
await store.close();
process.stdout.write('done\n');
