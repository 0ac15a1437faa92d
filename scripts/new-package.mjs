// Scaffolds a workspace package (used once at project start; kept for adding packages later).
// Usage: node scripts/new-package.mjs <dir> <description> [dependency[@version] ...]
//   e.g. node scripts/new-package.mjs packages/foo "What foo does" @personalab/core zod@^4
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
const usage = 'usage: node scripts/new-package.mjs <dir> <description> [dependency[@version] ...]\n';
const [dir, description, ...deps] = process.argv.slice(2);
// --help had scaffolded a package named "--help"; a missing description had written an empty one.
if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(usage);
  process.exit(0);
}
if (dir === undefined || description === undefined || dir.startsWith('-')) {
  process.stderr.write(usage);
  process.exit(2);
}
const name = '@personalab/' + dir.split('/').pop();
mkdirSync(join(dir, 'src'), { recursive: true });
const dependencies = {};
for (const dep of deps) {
  const at = dep.lastIndexOf('@');
  if (at > 0) dependencies[dep.slice(0, at)] = dep.slice(at + 1);
  else dependencies[dep] = '*';
}
const pkg = {
  name,
  version: '0.1.0',
  private: true,
  description,
  type: 'module',
  exports: {
    '.': { development: './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
  },
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    lint: 'eslint src',
    test: 'vitest run --config ../../vitest.config.ts --dir .',
  },
  dependencies,
};
if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noEmit: true, types: ['node'] }, include: ['src'] }, null, 2) + '\n');
writeFileSync(join(dir, 'tsconfig.build.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { noEmit: false, outDir: 'dist', rootDir: 'src' }, exclude: ['src/**/*.test.ts', 'src/**/*.e2e.test.ts'] }, null, 2) + '\n');
if (!existsSync(join(dir, 'src/index.ts'))) writeFileSync(join(dir, 'src/index.ts'), 'export {};\n');
