#!/usr/bin/env node
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { runProgram } from './program.js';

endQuietlyOnClosedPipe(process.stdout);
process.exitCode = await runProgram(process.argv);
