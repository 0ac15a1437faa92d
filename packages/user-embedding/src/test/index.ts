export { smallWorld, groupItems, meanNdcg, useCpuTestWorld } from './synthetic.js';
export type { SmallWorld } from './synthetic.js';
export { clusteredWorld } from './clustered-world.js';
export type { ClusteredWorld } from './clustered-world.js';
