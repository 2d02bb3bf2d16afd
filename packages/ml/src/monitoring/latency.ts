// The histogram lives in @outpost/contract: the gateway's ingest core measures commit latency with it too.
export * from '@outpost/contract/latency-histogram';
