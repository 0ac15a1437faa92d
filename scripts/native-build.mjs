#!/usr/bin/env node
// Runs after `npm ci` / `npm install` (root `postinstall`). hnswlib-node compiles with node-gyp's
// default flags, which on x86-64 means SSE only: its AVX distance kernels are compiled out. On a CPU
// with AVX2 and FMA this rebuilds the addon with `-march=native` (hnswlib then picks its AVX kernels
// at run time), which made searches about 1.25x faster on the 100k x 64 benchmark set.
//
// The rebuild happens in a scratch copy; the new addon replaces the old one only after it loads and
// returns the same neighbours as the old one, and by rename, so a failed or interrupted rebuild
// leaves the default build in place. Any failure only prints a warning: install never breaks here.
// Set PERSONALAB_PORTABLE_NATIVE=1 to keep the default build (e.g. when node_modules is copied to
// another machine, whose CPU may lack the instructions a native build uses).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const packageDir = join(root, 'node_modules', 'hnswlib-node');
const addon = join(packageDir, 'build', 'Release', 'addon.node');
const defaultAddon = join(packageDir, 'build', 'Release', 'addon-default.node');
const markerFile = join(packageDir, 'build', 'personalab-native.json');
const flags = '-march=native';

function log(line) {
  console.log(`[native-build] ${line}`);
}

function cpuHasAvx2() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return false;
  try {
    const flagsLine = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((line) => line.startsWith('flags')) ?? '';
    const cpuFlags = new Set(flagsLine.split(/\s+/));
    return cpuFlags.has('avx2') && cpuFlags.has('fma');
  } catch {
    return false;
  }
}

/** Neighbours of a few fixed queries on a small seeded index, as one string, from the addon at `path`. */
function probe(path) {
  const script = `
    const { HierarchicalNSW } = require(${JSON.stringify(path)});
    let s = 12345; const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    const d = 64, n = 2000, index = new HierarchicalNSW('l2', d);
    index.initIndex(n, 16, 100, 7);
    const rows = Array.from({ length: n + 20 }, () => Array.from({ length: d }, rnd));
    for (let i = 0; i < n; i++) index.addPoint(rows[i], i);
    index.setEf(200);
    const out = [];
    for (let q = n; q < n + 20; q++) out.push(index.searchKnn(rows[q], 10).neighbors.join(','));
    process.stdout.write(out.join(';'));`;
  const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
  return result.status === 0 ? result.stdout : undefined;
}

function main() {
  if (process.env.PERSONALAB_PORTABLE_NATIVE === '1') return log('PERSONALAB_PORTABLE_NATIVE=1: keeping the default hnswlib-node build');
  if (!existsSync(addon)) return log(`no ${addon}: nothing to rebuild`);
  if (!cpuHasAvx2()) return log('CPU without AVX2/FMA (or not linux-x64): keeping the default hnswlib-node build');
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  if (existsSync(markerFile)) {
    const marker = JSON.parse(readFileSync(markerFile, 'utf8'));
    if (marker.version === version && marker.flags === flags && marker.node === process.version) {
      return log(`hnswlib-node ${version} already built with ${flags}`);
    }
  }
  const nodeGyp = process.env.npm_config_node_gyp ?? join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!existsSync(nodeGyp)) return log(`node-gyp not found at ${nodeGyp}: keeping the default build`);

  // Scratch copy inside node_modules so that binding.gyp's require('node-addon-api') resolves.
  const scratch = join(root, 'node_modules', '.cache', 'personalab-native', 'hnswlib-node');
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const entry of ['binding.gyp', 'package.json', 'src']) cpSync(join(packageDir, entry), join(scratch, entry), { recursive: true });
  const args = [nodeGyp, 'rebuild'];
  if (process.env.npm_config_nodedir) args.push(`--nodedir=${process.env.npm_config_nodedir}`);
  const started = Date.now();
  const build = spawnSync(process.execPath, args, {
    cwd: scratch,
    encoding: 'utf8',
    env: { ...process.env, CFLAGS: `${process.env.CFLAGS ?? ''} ${flags}`, CXXFLAGS: `${process.env.CXXFLAGS ?? ''} ${flags}` },
  });
  const built = join(scratch, 'build', 'Release', 'addon.node');
  if (build.status !== 0 || !existsSync(built)) {
    log(`rebuild with ${flags} failed (kept the default build):\n${(build.stderr || build.stdout || '').split('\n').slice(-15).join('\n')}`);
    return;
  }
  const before = probe(addon);
  const after = probe(built);
  if (!after || after !== before) {
    log(`the ${flags} build ${after ? 'returned different neighbours' : 'did not load'}: kept the default build`);
    return;
  }
  // The default build stays beside it, so the retrieval benchmark can time both in one run.
  copyFileSync(addon, defaultAddon);
  const staged = `${addon}.personalab-tmp`;
  copyFileSync(built, staged);
  renameSync(staged, addon);
  writeFileSync(markerFile, `${JSON.stringify({ version, flags, node: process.version, builtAt: new Date().toISOString() })}\n`);
  rmSync(scratch, { recursive: true, force: true });
  log(`hnswlib-node ${version} rebuilt with ${flags} in ${((Date.now() - started) / 1000).toFixed(0)} s (AVX distance kernels)`);
}

try {
  main();
} catch (error) {
  log(`skipped: ${error instanceof Error ? error.message : String(error)}`);
}

