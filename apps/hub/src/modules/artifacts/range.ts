import { OutpostError } from '@outpost/contract';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Answer with `content`, or the part a `Range: bytes=a-b` header asks for (206 with Content-Range):
 * what makes an interrupted download resumable. One range only; a range past the end is 416.
 */
export function sendRange(req: FastifyRequest, reply: FastifyReply, content: Buffer): FastifyReply {
  reply.header('accept-ranges', 'bytes').type('application/octet-stream');
  const h = req.headers.range;
  if (typeof h !== 'string') return reply.send(content);
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  const size = content.byteLength;
  let start = m && m[1] !== '' ? Number(m[1]) : NaN;
  let end = m && m[2] !== '' ? Number(m[2]) : size - 1;
  if (m && m[1] === '' && m[2] !== '') { start = Math.max(0, size - Number(m[2])); end = size - 1; }
  if (!m || Number.isNaN(start) || start >= size || end < start) {
    reply.header('content-range', `bytes */${size}`);
    throw new OutpostError('ERR_ARTIFACT_RANGE', `Range "${h}" is not satisfiable for ${size} bytes; expected bytes=<start>-[<end>] with start < ${size}`);
  }
  end = Math.min(end, size - 1);
  return reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`).send(content.subarray(start, end + 1));
}
