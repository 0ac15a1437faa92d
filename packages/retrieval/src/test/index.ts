export { vectorIndexConformance } from './vector-index-conformance.js';
export type { VectorIndexFactory, ConformanceOptions } from './vector-index-conformance.js';
