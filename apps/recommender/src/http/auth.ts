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

/**
 * Checks `Authorization: Bearer <key>` against the configured keys in constant time (comparing
 * digests, so key lengths do not leak). Throws `unauthenticated` when missing or wrong.
 */
export function createKeyCheck(keys: readonly string[]): (request: FastifyRequest) => string {
  const digests = keys.map(digest);
  return (request) => {
    const token = bearerToken(request);
    if (token === undefined) throw new PersonalabError('unauthenticated', 'missing API key: send Authorization: Bearer <key>');
    const candidate = digest(token);
    let matched = false;
    for (const known of digests) if (timingSafeEqual(known, candidate)) matched = true;
    if (!matched) throw new PersonalabError('unauthenticated', 'unknown API key');
    return token;
  };
}
