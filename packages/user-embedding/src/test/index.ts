export { smallWorld, groupItems, meanNdcg, useCpuTestWorld } from './synthetic.js';
export type { SmallWorld } from './synthetic.js';
