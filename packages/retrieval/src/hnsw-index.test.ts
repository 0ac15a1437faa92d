import { HnswIndex } from './hnsw-index.js';
import { vectorIndexConformance } from './test/index.js';

vectorIndexConformance('HnswIndex', (options) => new HnswIndex({ ...options, initialCapacity: 16, m: 16, efConstruction: 100 }));
