import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type hnswlib from 'hnswlib-node';

/** How the installed hnswlib-node addon was built. */
export type HnswlibBuild =
  | { rebuilt: false; flags: string }
  | {
      rebuilt: true;
      /** Compiler flags of the installed addon (`-march=native`). */
      flags: string;
      /** hnswlib-node's version when it was rebuilt. */
      version: string;
      /** The version of hnswlib-node installed now. */
      installedVersion: string;
      /** The default (node-gyp) build, kept beside the rebuilt one. */
      defaultAddon: string;
    };

/**
 * Reads what scripts/native-build.mjs (the root postinstall) left in hnswlib-node's build folder: a
 * marker with the flags it rebuilt the addon with, and the default build as `addon-default.node`.
 */
export function installedHnswlibBuild(): HnswlibBuild {
  const packageDirectory = dirname(createRequire(import.meta.url).resolve('hnswlib-node/package.json'));
  const marker = join(packageDirectory, 'build', 'personalab-native.json');
  const defaultAddon = join(packageDirectory, 'build', 'Release', 'addon-default.node');
  if (!existsSync(marker) || !existsSync(defaultAddon)) return { rebuilt: false, flags: "node-gyp's defaults (SSE kernels only)" };
  const { flags, version } = JSON.parse(readFileSync(marker, 'utf8')) as { flags: string; version: string };
  const installedVersion = (JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as { version: string }).version;
  return { rebuilt: true, flags, version, installedVersion, defaultAddon };
}

/** The default build's binding (for comparisons with the installed one), when it was kept. */
export function defaultHnswlibBinding(build: HnswlibBuild = installedHnswlibBuild()): typeof hnswlib | undefined {
  return build.rebuilt ? (createRequire(import.meta.url)(build.defaultAddon) as typeof hnswlib) : undefined;
}
