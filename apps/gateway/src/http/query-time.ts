import { OutpostError } from '@outpost/contract';

/** A `from`/`to` query parameter: epoch milliseconds or an ISO-8601 date-time. */
export function parseQueryTime(name: string, v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (/^-?\d+$/.test(v)) return Number(v);
  const ms = Date.parse(v);
  if (Number.isNaN(ms)) throw new OutpostError('ERR_QUERY_INVALID', `${name}: expected epoch milliseconds or an ISO-8601 date-time, got ${JSON.stringify(v)}`);
  return ms;
}
