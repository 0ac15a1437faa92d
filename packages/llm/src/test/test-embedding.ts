/** FNV-1a, 32-bit: a fast, stable string hash. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * The test server's embedding of a text: hashed words and character trigrams, signed, summed and
 * scaled to unit length. Deterministic, and texts sharing words come out close, so retrieval
 * tests behave sensibly. An empty text maps to a fixed unit vector.
 */
export function testEmbedding(text: string, dimension: number): number[] {
  const vector = new Array<number>(dimension).fill(0);
  const normalized = text.toLowerCase();
  const features: string[] = normalized.match(/[\p{L}\p{N}]+/gu) ?? [];
  const padded = ` ${normalized} `;
  for (let index = 0; index + 3 <= padded.length; index++) features.push(`#${padded.slice(index, index + 3)}`);
  for (const feature of features) {
    const hash = fnv1a(feature);
    vector[hash % dimension] = (vector[hash % dimension] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1) * (feature.startsWith('#') ? 0.5 : 1);
  }
  let norm = Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  if (norm === 0) {
    vector[0] = 1;
    norm = 1;
  }
  return vector.map((value) => value / norm);
}
