import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { PersonalabError } from '@personalab/core';
import { datasetFolderProblem, datasetFolders, type DatasetName } from '../data-dir.js';

/** A data set that can be downloaded: its official URL and the MD5 of the official archive. */
export interface DatasetSource {
  url: string;
  md5: string;
  /** Folder inside the zip whose contents become the data set folder (`ml-100k/`). */
  archivePrefix: string;
}

/**
 * The public sets with an official download. MovieLens 100K: GroupLens' zip, MD5 0e33842e24a9c977be4e0107933c0723
 * (4,924,029 bytes), as published with the archive (`ml-100k.zip.md5`) and used by many loaders.
 */
export const datasetSources: Partial<Record<DatasetName, DatasetSource>> = {
  'movielens-100k': {
    url: 'https://files.grouplens.org/datasets/movielens/ml-100k.zip',
    md5: '0e33842e24a9c977be4e0107933c0723',
    archivePrefix: 'ml-100k/',
  },
};

export interface FetchDatasetOptions {
  /** The data directory; the set goes into its `<folder>/` (e.g. `movielens-100k/`). */
  dataDirectory: string;
  /** Another mirror (and, for tests, a local server). */
  url?: string;
  /** Expected MD5 of the archive (default: the official one). */
  md5?: string;
  /** Replace an existing folder. */
  force?: boolean;
  /** Called as bytes arrive; `total` is undefined when the server sends no length. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** Injectable for tests; defaults to the global `fetch`. */
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export interface FetchDatasetResult {
  directory: string;
  /** False when the folder was already there and `force` was not set: nothing was downloaded. */
  downloaded: boolean;
  files: string[];
  bytes: number;
  md5: string;
}

/**
 * Why a fetch failed: Node's fetch says only "fetch failed" and keeps the reason (a refused connection, an unknown
 * host, a scheme it does not support) in `cause`, which is added here.
 */
function fetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  const reason = cause instanceof Error ? cause.message || (cause as NodeJS.ErrnoException).code : typeof cause === 'string' ? cause : undefined;
  return reason && reason !== error.message ? `${error.message} (${reason})` : error.message;
}

async function download(url: string, options: FetchDatasetOptions): Promise<Uint8Array> {
  const fetcher = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await fetcher(url, options.signal ? { signal: options.signal } : {});
  } catch (error) {
    throw new PersonalabError('upstream_error', `download of ${url} failed: ${fetchFailure(error)}`, { cause: error, isRetryable: true, details: { url } });
  }
  if (!response.ok || !response.body) {
    throw new PersonalabError('upstream_error', `download of ${url} failed: HTTP ${response.status}`, {
      isRetryable: response.status === 429 || response.status >= 500,
      details: { url, status: response.status },
    });
  }
  const lengthHeader = response.headers.get('content-length');
  const total = lengthHeader === null ? undefined : Number(lengthHeader);
  const chunks: Uint8Array[] = [];
  let received = 0;
  const reader = response.body.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      options.onProgress?.(received, total);
    }
  } catch (error) {
    throw new PersonalabError('upstream_error', `download of ${url} broke off after ${received} bytes`, { cause: error, isRetryable: true, details: { url } });
  }
  if (total !== undefined && Number.isFinite(total) && received !== total) {
    throw new PersonalabError('upstream_bad_response', `download of ${url} is truncated: ${received} of ${total} bytes`, { isRetryable: true, details: { url } });
  }
  return Buffer.concat(chunks);
}

/**
 * Downloads a public data set, checks the archive's MD5, and unzips it into `<dataDirectory>/<folder>/`.
 * Everything is verified in memory and written to a temporary sibling folder that is renamed into place at the end,
 * so a failed download, a wrong checksum or a bad archive leaves nothing half-written.
 */
export async function fetchDataset(name: DatasetName, options: FetchDatasetOptions): Promise<FetchDatasetResult> {
  const source = datasetSources[name];
  if (!source) {
    throw new PersonalabError('unsupported', `${name} has no public download; see datasets/README.md for how to get it`);
  }
  const expected = (options.md5 ?? source.md5).toLowerCase();
  // Checked before the download, which would otherwise be fetched in full and then refused.
  if (!/^[0-9a-f]{32}$/.test(expected)) throw new PersonalabError('invalid_argument', `md5 must be 32 hexadecimal digits, got "${options.md5 ?? ''}"`);
  const dataDirectory = resolve(options.dataDirectory);
  if (existsSync(dataDirectory) && !statSync(dataDirectory).isDirectory()) {
    throw new PersonalabError('invalid_argument', `data directory ${dataDirectory} is a file, not a folder; nothing was downloaded`);
  }
  const target = resolve(dataDirectory, datasetFolders[name]);
  if (existsSync(target) && !options.force) {
    const problem = datasetFolderProblem(name, target);
    if (problem === undefined) return { directory: target, downloaded: false, files: [], bytes: 0, md5: '' };
    // An empty folder (made by hand, say) is filled; anything else in the way is only replaced with force.
    const empty = problem.startsWith('holds no') && readdirSync(target).length === 0;
    if (!empty) throw new PersonalabError('invalid_argument', `${target} ${problem}: not ${name}; use force (--force) to replace it`);
  }
  const url = options.url ?? source.url;
  const archive = await download(url, options);
  const md5 = createHash('md5').update(archive).digest('hex');
  if (md5 !== expected) {
    throw new PersonalabError('corrupt_file', `checksum mismatch for ${url}: MD5 ${md5}, expected ${expected}; nothing was written`, { details: { url, md5, expected } });
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(archive);
  } catch (error) {
    throw new PersonalabError('corrupt_file', `${url} is not a readable zip archive: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const files: [string, Uint8Array][] = [];
  for (const [entry, data] of Object.entries(entries)) {
    if (entry.endsWith('/') || entry.startsWith('__MACOSX/')) continue;
    const relative = entry.startsWith(source.archivePrefix) ? entry.slice(source.archivePrefix.length) : entry;
    const clean = normalize(relative);
    // Refuse entries that would escape the target folder (zip-slip).
    if (clean.startsWith('..') || clean.startsWith(sep) || /^[a-zA-Z]:/.test(clean) || clean === '.' || clean === '') {
      throw new PersonalabError('corrupt_file', `${url}: archive entry "${entry}" points outside the data set folder`);
    }
    files.push([clean, data]);
  }
  if (files.length === 0) throw new PersonalabError('corrupt_file', `${url}: the archive holds no files`);

  mkdirSync(dataDirectory, { recursive: true });
  const partial = `${target}.partial-${process.pid}-${Date.now()}`;
  try {
    for (const [relative, data] of files) {
      const path = join(partial, relative);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, data);
    }
    if (existsSync(target)) {
      const old = `${target}.old-${process.pid}-${Date.now()}`;
      renameSync(target, old);
      renameSync(partial, target);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(partial, target);
    }
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw new PersonalabError('storage_error', `could not write ${target}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  return { directory: target, downloaded: true, files: files.map(([relative]) => relative).sort(), bytes: archive.byteLength, md5 };
}
