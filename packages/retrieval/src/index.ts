export { ExactIndex } from './exact-index.js';
export type { ExactIndexOptions } from './exact-index.js';
export { HnswIndex } from './hnsw-index.js';
export type { HnswIndexOptions, HierarchicalNSW } from './hnsw-index.js';
export { indexFileName, indexFormatVersion } from './index-file.js';
export { clusteredVectors, recallAtK } from './clustered-vectors.js';
export type { ClusteredVectors, ClusteredVectorsOptions } from './clustered-vectors.js';
export { referenceScore } from './vectors.js';
