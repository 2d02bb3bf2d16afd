/**
 * One coded error catalogue for the whole project. Codes are `ERR_<AREA>_<WHAT>`, never
 * reused. Three kinds: `user` (bad input or config — fix the input), `transient` (retry may
 * succeed: disk full, peer down), `bug` (Outpost's fault — report it).
 */
export type ErrorKind = 'user' | 'transient' | 'bug';

export interface ErrorSpec {
  kind: ErrorKind;
  /** HTTP status used when the error crosses an API boundary. */
  status: number;
  /** What the error means, for the docs. */
  doc: string;
}

export const ERRORS = {
  ERR_CONFIG_INVALID: { kind: 'user', status: 400, doc: 'A configuration value does not match the configuration schema.' },
  ERR_CONFIG_FILE: { kind: 'user', status: 400, doc: 'The configuration file cannot be read or parsed.' },
  ERR_PORT_IN_USE: { kind: 'user', status: 500, doc: 'A configured port is already taken by another process.' },
  ERR_INGEST_MALFORMED: { kind: 'user', status: 400, doc: 'A payload is not valid JSON or not one of the accepted shapes.' },
  ERR_INGEST_TOO_LARGE: { kind: 'user', status: 413, doc: 'A payload or batch exceeds the configured size or point count.' },
  ERR_INGEST_UNKNOWN_TOPIC: { kind: 'user', status: 400, doc: 'An MQTT topic matches no configured topic template.' },
  ERR_POINT_INVALID: { kind: 'user', status: 400, doc: 'A point fails validation (type, range, timestamp, duplicate).' },
  ERR_STORE_FULL: { kind: 'transient', status: 507, doc: 'The local store is full; the input was not acknowledged and may be retried.' },
  ERR_STORE_WRITE: { kind: 'transient', status: 503, doc: 'The local store failed to commit; the input was not acknowledged and may be retried.' },
  ERR_STORE_CLOSED: { kind: 'transient', status: 503, doc: 'The local store is shutting down.' },
  ERR_AUTH_REQUIRED: { kind: 'user', status: 401, doc: 'The request needs a valid token.' },
  ERR_QUERY_INVALID: { kind: 'user', status: 400, doc: 'A query parameter is missing or malformed.' },
  ERR_MODBUS_READ: { kind: 'transient', status: 502, doc: 'A Modbus read failed; the points are recorded as a quality-flagged gap.' },
  ERR_ML_SPEC_INVALID: { kind: 'user', status: 400, doc: 'A detector spec or hyper-parameter is unknown or out of range.' },
  ERR_ML_ARTIFACT_INVALID: { kind: 'user', status: 400, doc: 'A model artifact does not match the model artifact schema or its version.' },
  ERR_ML_TRAINING_DATA: { kind: 'user', status: 400, doc: 'Training data is empty, too short or has no finite values.' },
  ERR_ML_GRID_TOO_LARGE: { kind: 'user', status: 400, doc: 'A grid search would exceed the configured run-time or size limit.' },
  ERR_ML_CANCELLED: { kind: 'user', status: 409, doc: 'A training run was cancelled through its AbortSignal.' },
  ERR_ML_LABELS_INVALID: { kind: 'user', status: 400, doc: 'Anomaly labels (timestamps or windows) cannot be parsed or do not fit the series.' },
  ERR_PIPELINE_INVALID: { kind: 'user', status: 400, doc: 'A pipeline document fails its schema or graph checks (cycles, unknown kinds, dangling or mistyped ports).' },
  ERR_PIPELINE_EXPRESSION: { kind: 'user', status: 400, doc: 'A pipeline expression has a syntax or type error, or calls an unknown function; the node and position are named.' },
  ERR_PIPELINE_UNSUPPORTED: { kind: 'user', status: 400, doc: 'A pipeline node needs a capability the host did not provide (script runner, model runner, sink).' },
  ERR_PIPELINE_VERSION: { kind: 'user', status: 404, doc: 'A pipeline version or assignment does not exist.' },
  ERR_ENGINE_EVAL: { kind: 'user', status: 422, doc: 'An expression failed on one point (division by zero, wrong value type); the point goes to the error path.' },
  ERR_ENGINE_KEY_LIMIT: { kind: 'user', status: 422, doc: 'A stateful node reached its cap on keys (device and metric pairs); new keys are rejected to bound memory.' },
  ERR_ENGINE_LATE: { kind: 'user', status: 422, doc: 'A point arrived later than the allowed lateness of its window, or ahead of the clock beyond the allowed skew.' },
  ERR_ENGINE_SINK: { kind: 'transient', status: 503, doc: 'A host-provided sink (store, outbox, MQTT, webhook, alert) threw while taking points.' },
  ERR_SCRIPT_INVALID: { kind: 'user', status: 400, doc: 'A script spec is malformed: unknown language, empty source, no process function or a limit out of range.' },
  ERR_SCRIPT_FAILED: { kind: 'user', status: 422, doc: 'A sandboxed script threw, hit a limit (time, CPU, memory, output) or returned something that is not points; the input goes to the error path.' },
  ERR_SCRIPT_DISABLED: { kind: 'user', status: 409, doc: 'A script was disabled after too many consecutive failures; fix it and enable it again.' },
  ERR_PROCESSOR_INVALID: { kind: 'user', status: 400, doc: 'A processor bundle or manifest fails validation (name, version, schemas, entry) or its config fails the config schema.' },
  ERR_PROCESSOR_SIGNATURE: { kind: 'user', status: 403, doc: 'A processor bundle has no valid ed25519 signature from a trusted key, or its body was altered after signing.' },
  ERR_PROCESSOR_NOT_FOUND: { kind: 'user', status: 404, doc: 'A processor name or version is not in the registry.' },
  ERR_PROCESSOR_ROLLBACK: { kind: 'user', status: 409, doc: 'A processor rollback was asked for, but no earlier version was active before the current one.' },
  ERR_AUTH_INVALID: { kind: 'user', status: 401, doc: 'A token, API key, device credential or password is wrong, expired or revoked.' },
  ERR_AUTH_FORBIDDEN: { kind: 'user', status: 403, doc: 'The caller is authenticated but its role or API-key scopes do not allow this action.' },
  ERR_AUTH_RATE_LIMITED: { kind: 'transient', status: 429, doc: 'Too many requests for one API key, device or address; retry after the period in Retry-After.' },
  ERR_HUB_NOT_FOUND: { kind: 'user', status: 404, doc: 'A hub resource does not exist in the caller\'s organisation (other organisations\' ids look the same).' },
  ERR_HUB_CONFLICT: { kind: 'user', status: 409, doc: 'A hub resource with the same unique name already exists, or the hub is already set up.' },
  ERR_HUB_INVALID: { kind: 'user', status: 400, doc: 'A hub API request fails its JSON Schema (body, query or path) or is not valid JSON.' },
  ERR_HUB_TOO_LARGE: { kind: 'user', status: 413, doc: 'A hub API request body exceeds hub.maxBodyBytes.' },
  ERR_HUB_TOKEN_USED: { kind: 'user', status: 409, doc: 'A registration token was already used by another registration; create a new one.' },
  ERR_HUB_TOKEN_EXPIRED: { kind: 'user', status: 401, doc: 'A registration token is past its expiry; create a new one.' },
  ERR_HUB_DEVICE_EXISTS: { kind: 'user', status: 409, doc: 'A device with this hardware id is already registered in the organisation; decommission it first.' },
  ERR_HUB_DEVICE_DECOMMISSIONED: { kind: 'user', status: 410, doc: 'The device was decommissioned; its credential and tokens no longer work.' },
  ERR_HUB_CONFIG_INVALID: { kind: 'user', status: 422, doc: 'A device or device-type config does not match the gateway configuration schema; nothing was stored.' },
  ERR_UPLINK_INVALID: { kind: 'user', status: 400, doc: 'An uplink batch is permanently invalid (undecodable, wrong fields, mismatched headers); the gateway dead-letters it.' },
  ERR_UPLINK_CHECKSUM: { kind: 'transient', status: 422, doc: 'An uplink batch body does not match its SHA-256 header (damaged in transit); the gateway re-sends it.' },
  ERR_UPLINK_FAILED: { kind: 'transient', status: 503, doc: 'An uplink send or probe failed (network, timeout, hub error, unreadable answer); the batch stays in the outbox and is retried with backoff.' },
  ERR_OUTBOX_INVALID: { kind: 'user', status: 400, doc: 'An outbox item has an unknown priority class, an empty kind or an unsupported payload.' },
  ERR_ARTIFACT_INVALID: { kind: 'user', status: 400, doc: 'An artifact upload has an unknown kind, a bad name or version, or content its kind rejects; nothing was stored.' },
  ERR_ARTIFACT_EXISTS: { kind: 'user', status: 409, doc: 'An artifact version with this kind, name and version already exists; versions are immutable, upload a new version.' },
  ERR_ARTIFACT_NOT_FOUND: { kind: 'user', status: 404, doc: 'No artifact with this kind, name and version exists in the organisation.' },
  ERR_ARTIFACT_RANGE: { kind: 'user', status: 416, doc: 'An artifact download asked for a byte range outside the content (Range: bytes=<start>-[<end>], start below the size).' },
  ERR_ARTIFACT_VERIFY: { kind: 'user', status: 422, doc: 'A downloaded artifact does not match its SHA-256 or the hub\'s ed25519 signature (altered or corrupted); the gateway refuses it.' },
  ERR_ARTIFACT_INSTALL: { kind: 'transient', status: 500, doc: 'A gateway could not install or activate an artifact, or its health check failed; the gateway returned to the previous version.' },
  ERR_DEPLOYMENT_INVALID: { kind: 'user', status: 400, doc: 'A deployment names no devices, an unknown artifact, or an invalid target, strategy or gate.' },
  ERR_DEPLOYMENT_STATE: { kind: 'user', status: 409, doc: 'A deployment action (start, pause, resume, cancel, rollback) is not allowed in the deployment\'s current state.' },
  ERR_MODEL_INVALID: { kind: 'user', status: 400, doc: 'A model upload is not a model of its format (corrupt ONNX, not a model at all, unknown format) or its metadata is malformed; nothing was stored.' },
  ERR_MODEL_SCHEMA_MISMATCH: { kind: 'user', status: 422, doc: 'A model upload declares an input/output schema that differs from the one read from its graph; nothing was stored.' },
  ERR_MODEL_TEST_FAILED: { kind: 'user', status: 422, doc: 'The test inference on a generated input failed when a model was uploaded; nothing was stored.' },
  ERR_MODEL_NOT_EXECUTABLE: { kind: 'user', status: 409, doc: 'The model version is stored only (TensorFlow, TFLite, PyTorch, scikit-learn pickle); convert it to ONNX to run it.' },
  ERR_MODEL_TOO_LARGE: { kind: 'user', status: 413, doc: 'A model does not fit: larger than the model cache memory budget, the upload limit, or a device\'s free storage or memory.' },
  ERR_MODEL_INCOMPATIBLE: { kind: 'user', status: 409, doc: 'A model deployment was refused before anything was sent: target devices lack the free storage, memory, ONNX runtime or CPU architecture the model needs (details list each device and reason).' },
  ERR_INFERENCE_INPUT: { kind: 'user', status: 400, doc: 'Inference input has the wrong shape, type or input names for the model\'s input schema.' },
  ERR_INFERENCE_BATCH_TOO_LARGE: { kind: 'user', status: 413, doc: 'An inference batch has more inputs than the configured maximum; split it or use smaller batches.' },
  ERR_INFERENCE_FAILED: { kind: 'user', status: 422, doc: 'The model runtime raised an error while running valid-looking input (e.g. an operator failed on these values).' },
  ERR_HUB_ALERT_STATE: { kind: 'user', status: 409, doc: 'An alert cannot be acknowledged or cleared in its current state (already acknowledged, or already cleared).' },
  ERR_INTERNAL: { kind: 'bug', status: 500, doc: 'An unexpected internal error. Please report it.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export class OutpostError extends Error {
  readonly code: ErrorCode;
  readonly kind: ErrorKind;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OutpostError';
    this.code = code;
    this.kind = ERRORS[code].kind;
    this.status = ERRORS[code].status;
    if (details !== undefined) this.details = details;
  }

  toJSON(): { code: ErrorCode; message: string; details?: Record<string, unknown> } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isOutpostError(e: unknown, code?: ErrorCode): e is OutpostError {
  return e instanceof OutpostError && (code === undefined || e.code === code);
}
