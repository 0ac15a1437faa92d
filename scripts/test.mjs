#!/usr/bin/env node
// Runs the whole test suite with vitest and ends with the plain line `N passed, N failed`,
// counted from vitest's JSON reporter. Extra arguments go to vitest (e.g. a file filter).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// A report file of this run's own: two `npm test` runs at once had shared `.vitest-results.json` at the root, so one
// could count the other's tests.
const reportDirectory = mkdtempSync(join(tmpdir(), 'personalab-vitest-'));
const output = join(reportDirectory, 'results.json');
process.on('exit', () => rmSync(reportDirectory, { recursive: true, force: true }));
const result = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${output}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' } },
);
if (!existsSync(output)) {
  console.log('0 passed, 1 failed');
  console.error('vitest wrote no JSON report');
  process.exit(result.status === 0 ? 1 : (result.status ?? 1));
}
const report = JSON.parse(readFileSync(output, 'utf8'));
const passed = report.numPassedTests ?? 0;
// A suite that fails to load has no failed tests of its own: count it as one failure.
const failedTests = report.numFailedTests ?? 0;
const failedSuites = report.numFailedTestSuites ?? 0;
const failed = failedTests > 0 ? failedTests : failedSuites;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
const ok = result.status === 0 && failed === 0 && passed > 0;
console.log(`${passed} passed, ${ok ? failed : Math.max(failed, 1)} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok ? 0 : 1);
