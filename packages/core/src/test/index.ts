// Test helpers shared by the packages' tests.
export { timeGrowth } from './time-growth.js';
export type { TimeGrowthOptions } from './time-growth.js';
