export { decodePayload, decodeDocument, DEFAULT_DECODE_LIMITS, type DecodeLimits, type DecodeResult } from './decode.js';
export { locateJsonError, type JsonErrorLocation } from './json-error.js';
