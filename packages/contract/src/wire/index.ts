export { encodePointSet, decodePointSet } from './point-set.js';
export { encodeBatch, decodeBatch, PRIORITY_CLASSES, type PriorityClass, type WireBatch, type WireItem, type WireBufferStatus, type WireClassStatus } from './batch.js';
export { UPLINK_HEADERS, UPLINK_PATHS, type UplinkAck } from './protocol.js';
