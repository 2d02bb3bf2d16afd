// The rollup row is shared with the stores that persist it, so it lives in the contract.
export type { Rollup } from '@outpost/contract';
