// Test helpers for packages that drive a running recommender server.
export { openRequest } from './open-request.js';
export type { OpenRequest } from './open-request.js';
