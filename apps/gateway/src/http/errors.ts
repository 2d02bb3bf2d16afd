import { OutpostError, isOutpostError } from '@outpost/contract';
import type { FastifyError, FastifyInstance } from 'fastify';

/** One error shape on every route: `{ error: { code, message, details? } }` with the code's status. */
export function installErrorHandler(app: FastifyInstance, onTooLarge: (raw: string) => Promise<void>): void {
  app.setErrorHandler(async (err: FastifyError | OutpostError, req, reply) => {
    if (isOutpostError(err)) {
      if (err.kind === 'transient') reply.header('retry-after', '1');
      return reply.status(err.status).send({ error: err.toJSON() });
    }
    const fe = err as FastifyError;
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // Counted and dead-lettered like every other reject; the body itself was never read.
      await onTooLarge(`(body not kept: ${req.headers['content-length'] ?? 'unknown'} bytes)`).catch(() => undefined);
      return reply.status(413).send({ error: { code: 'ERR_INGEST_TOO_LARGE', message: `request body exceeds the limit of ${app.initialConfig.bodyLimit} bytes (gateway.http.maxBodyBytes)` } });
    }
    if (fe.validation) {
      return reply.status(400).send({ error: { code: 'ERR_QUERY_INVALID', message: `${fe.validationContext ?? 'request'}${fe.message.replace(/^(querystring|body|params)/, '')}` } });
    }
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send({ error: { code: 'ERR_QUERY_INVALID', message: fe.message } });
    }
    reply.log.error({ err }, 'unhandled error');
    return reply.status(500).send({ error: new OutpostError('ERR_INTERNAL', 'internal error; see the gateway log').toJSON() });
  });
  app.setNotFoundHandler((req, reply) => reply.status(404).send({ error: { code: 'ERR_QUERY_INVALID', message: `no route ${req.method} ${req.url.split('?')[0]}` } }));
}
