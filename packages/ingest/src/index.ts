export { GatewayIngestor, createIngestor, type IngestorOptions, type IngestStats } from './ingestor.js';
export { Normaliser, DEFAULT_NORMALISE, parseTs, isReject, type NormaliseOptions, type MetricRule } from './normalise.js';
export { ClockSkewTracker, type ClockSkewOptions } from './clock-skew.js';
export { converter, isKnownUnit } from './units.js';
export { RejectLog } from './reject-log.js';
