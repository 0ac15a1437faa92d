#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { endQuietlyOnClosedPipe } from './closed-pipe.js';
import { createProgram, runProgram } from './program.js';

/** This package's version, from its package.json (beside `src/` and `dist/` alike). */
function cliVersion(): string {
  const manifest: unknown = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  const version = typeof manifest === 'object' && manifest !== null && 'version' in manifest ? manifest.version : undefined;
  return typeof version === 'string' ? version : 'unknown';
}

endQuietlyOnClosedPipe(process.stdout);
// `personalab --version` had been an unknown option (exit 1 and the whole help).
process.exitCode = await runProgram(process.argv, createProgram().version(cliVersion(), '-V, --version', 'print the version of personalab'));
