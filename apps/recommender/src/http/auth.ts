import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { PersonalabError } from '@personalab/core';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The bearer token of a request, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Why a request has no bearer token: no header, another scheme (`Basic …`), or a malformed Bearer header. */
export function describeMissingToken(header: string | string[] | undefined): string {
  if (typeof header !== 'string' || header.trim() === '') return 'missing API key: send Authorization: Bearer <key>';
  const scheme = /^\S+/.exec(header.trim())?.[0] ?? '';
  if (scheme.toLowerCase() !== 'bearer') return `Authorization uses the ${scheme} scheme: send Authorization: Bearer <key>`;
  return 'malformed Authorization header: send Authorization: Bearer <key> (one key, no spaces in it)';
}

/**
 * Checks `Authorization: Bearer <key>` against the configured keys in constant time (comparing
 * digests, so key lengths do not leak). Throws `unauthenticated` when missing or wrong.
 */
export function createKeyCheck(keys: readonly string[]): (request: FastifyRequest) => string {
  const digests = keys.map(digest);
  return (request) => {
    const token = bearerToken(request);
    if (token === undefined) throw new PersonalabError('unauthenticated', describeMissingToken(request.headers.authorization));
    const candidate = digest(token);
    let matched = false;
    for (const known of digests) if (timingSafeEqual(known, candidate)) matched = true;
    if (!matched) throw new PersonalabError('unauthenticated', 'unknown API key');
    return token;
  };
}
