import { endQuietlyOnClosedPipe } from '../closed-pipe.js';

// A process that writes 100 MB to stdout, waiting for drains, with the closed-pipe handler (argument `handled`) or
// without it (`bare`): for the test that a reader gone away (`… | head -1`) ends it quietly.
const mode = process.argv[2];
if (mode !== 'handled' && mode !== 'bare') throw new Error(`expected "handled" or "bare", got ${String(mode)}`);
if (mode === 'handled') endQuietlyOnClosedPipe(process.stdout);
const line = 'x'.repeat(1000) + '\n';
for (let index = 0; index < 100_000; index++) if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once('drain', resolve));
