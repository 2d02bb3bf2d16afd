import type { FastifyError, FastifyInstance } from 'fastify';
import { isOutpostError, OutpostError, type ErrorCode } from '@outpost/contract';

/** Map an error thrown anywhere in a request to the catalogue: `{ error: { code, message } }`. */
export function toOutpostError(err: FastifyError | Error, maxBodyBytes: number): OutpostError {
  if (isOutpostError(err)) return err;
  const fe = err as FastifyError;
  if (fe.validation) {
    return new OutpostError('ERR_HUB_INVALID', `${fe.message}; see the OpenAPI document at /docs/json for the expected shape`);
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fe.statusCode === 413) {
    return new OutpostError('ERR_HUB_TOO_LARGE', `request body exceeds ${maxBodyBytes} bytes (hub.maxBodyBytes)`);
  }
  if (fe.statusCode === 429) return new OutpostError('ERR_AUTH_RATE_LIMITED', fe.message);
  if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Malformed JSON, wrong content type, empty body: the client's fault, said as fastify says it.
    const code: ErrorCode = 'ERR_HUB_INVALID';
    return new OutpostError(code, fe.message);
  }
  return new OutpostError('ERR_INTERNAL', 'internal error; the hub log has the details', undefined, { cause: err });
}

export function installErrorHandling(app: FastifyInstance, maxBodyBytes: number): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const e = toOutpostError(err, maxBodyBytes);
    if (e.kind === 'bug') req.log.error({ err }, 'unhandled error');
    const body = { error: e.details === undefined ? { code: e.code, message: e.message } : { code: e.code, message: e.message, details: e.details } };
    if (e.code === 'ERR_AUTH_RATE_LIMITED') {
      const after = reply.getHeader('retry-after');
      if (after !== undefined) reply.header('retry-after', after);
    }
    return reply.status(e.status).send(body);
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({
    error: { code: 'ERR_HUB_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` },
  }));
}

/** The error body schema, referenced by every route's error responses in the OpenAPI document. */
export const ErrorBodySchema = {
  $id: 'ErrorBody',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object', required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } },
    },
  },
} as const;
