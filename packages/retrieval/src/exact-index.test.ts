import { ExactIndex } from './exact-index.js';
import { vectorIndexConformance } from './test/index.js';

vectorIndexConformance('ExactIndex', (options) => new ExactIndex({ ...options, initialCapacity: 16 }), { minimumRecall: 1 });
