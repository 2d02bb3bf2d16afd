import { timingSafeEqual, createHash } from 'node:crypto';
import { OutpostError } from '@outpost/contract';
import type { FastifyInstance } from 'fastify';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * Bearer-token check on every route but /health (for liveness probes). Compared as SHA-256
 * digests with timingSafeEqual so neither content nor length leaks through timing.
 */
export function installTokenAuth(app: FastifyInstance, token: string | undefined): void {
  if (!token) return;
  const expected = digest(token);
  app.addHook('onRequest', async (req) => {
    if (req.url === '/health') return;
    const header = req.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      throw new OutpostError('ERR_AUTH_REQUIRED', 'missing or wrong bearer token: send "Authorization: Bearer <gateway.http.token>"');
    }
  });
}
