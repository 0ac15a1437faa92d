import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type z } from 'zod';
import { PersonalabError, formatZodError, writeFileAtomic } from '@personalab/core';

/** The one file a vector index writes into its directory. */
export const indexFileName = 'vector-index.bin';

/** Bumped whenever the layout below changes; older files are refused with a clear error. */
export const indexFormatVersion = 1;

const magic = Buffer.from('PLVECIDX', 'ascii');
// magic (8) + format version (4) + header length (4) + payload length (8)
const prefixLength = 24;
const checksumLength = 32;

/**
 * Layout of `vector-index.bin` (all integers little-endian):
 * `PLVECIDX` | u32 format version | u32 header bytes | u64 payload bytes | header JSON | payload | SHA-256 of all before.
 * One file with a checksum, written atomically, so a reader sees a complete good index or a clear error.
 */
export function encodeIndexFile(header: unknown, payload: Uint8Array): Buffer {
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const prefix = Buffer.alloc(prefixLength);
  magic.copy(prefix, 0);
  prefix.writeUInt32LE(indexFormatVersion, 8);
  prefix.writeUInt32LE(headerBytes.length, 12);
  prefix.writeBigUInt64LE(BigInt(payload.byteLength), 16);
  const hash = createHash('sha256');
  hash.update(prefix);
  hash.update(headerBytes);
  hash.update(payload);
  return Buffer.concat([prefix, headerBytes, payload, hash.digest()]);
}

/** A `corrupt_file` error that names the file. */
export function corruptFile(file: string, message: string, cause?: unknown): PersonalabError {
  return new PersonalabError('corrupt_file', `${file}: ${message}`, { cause, details: { file } });
}

/** Writes header and payload as the directory's index file (temporary file, fsync, rename). */
export function writeIndexFile(directory: string, header: unknown, payload: Uint8Array): string {
  const file = join(directory, indexFileName);
  writeFileAtomic(file, encodeIndexFile(header, payload));
  return file;
}

export interface IndexFileContents<T> {
  file: string;
  header: T;
  /** A view into the file's bytes (copy it if it must outlive them). */
  payload: Uint8Array;
}

/** Index kinds by the `kind` in their header, and the class that reads each. */
const indexClasses: Record<string, string> = { hnsw: 'HnswIndex', exact: 'ExactIndex' };

/**
 * Reads and verifies a directory's index file: magic, version, lengths, checksum, then the header's
 * `kind` against `kind` and the header against `schema`. Throws `not_found` when there is no file and
 * `corrupt_file` naming it otherwise.
 */
export function readIndexFile<T>(directory: string, kind: string, schema: z.ZodType<T>): IndexFileContents<T> {
  const file = join(directory, indexFileName);
  if (!existsSync(file)) throw new PersonalabError('not_found', `${file}: no vector index file`, { details: { file } });
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new PersonalabError('storage_error', `${file}: cannot read (${(error as Error).message})`, { cause: error, details: { file } });
  }
  if (bytes.length < prefixLength + checksumLength) {
    throw corruptFile(file, `truncated: ${bytes.length} bytes is shorter than the smallest index file`);
  }
  if (!bytes.subarray(0, magic.length).equals(magic)) throw corruptFile(file, 'not a personalab vector index (bad magic bytes)');
  const version = bytes.readUInt32LE(8);
  if (version !== indexFormatVersion) {
    throw corruptFile(file, `unsupported format version ${version} (this build reads version ${indexFormatVersion})`);
  }
  const headerLength = bytes.readUInt32LE(12);
  const payloadLength = bytes.readBigUInt64LE(16);
  const expected = BigInt(prefixLength + headerLength + checksumLength) + payloadLength;
  if (BigInt(bytes.length) !== expected) {
    const how = BigInt(bytes.length) < expected ? 'truncated' : 'has trailing bytes';
    throw corruptFile(file, `${how}: expected ${expected} bytes, found ${bytes.length}`);
  }
  const bodyEnd = bytes.length - checksumLength;
  const digest = createHash('sha256').update(bytes.subarray(0, bodyEnd)).digest();
  if (!digest.equals(bytes.subarray(bodyEnd))) throw corruptFile(file, 'checksum mismatch (the file was damaged after it was written)');
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8', prefixLength, prefixLength + headerLength));
  } catch (error) {
    throw corruptFile(file, 'header is not valid JSON', error);
  }
  const found = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  if (typeof found === 'string' && found !== kind && Object.hasOwn(indexClasses, found)) {
    // A sound file of the other index kind: say so, rather than list every field the schema misses.
    throw corruptFile(file, `holds ${indexClasses[found]} data, not ${indexClasses[kind] ?? kind} (open it with ${indexClasses[found]}.open)`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw corruptFile(file, `bad header: ${formatZodError(parsed.error)}`);
  return { file, header: parsed.data, payload: bytes.subarray(prefixLength + headerLength, bodyEnd) };
}
