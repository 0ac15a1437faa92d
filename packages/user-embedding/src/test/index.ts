export { smallWorld, groupItems, meanNdcg } from './synthetic.js';
export type { SmallWorld } from './synthetic.js';
