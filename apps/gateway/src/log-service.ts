import type { Logger } from '@outpost/contract';

/**
 * A logger for one part of the gateway (ingest, uplink, pipelines, …): every line carries
 * `service`, so local logs and the lines shipped to the hub can be filtered by the part that
 * logged them. A `service` the caller put in the line itself wins (a nested part names itself).
 */
export function serviceLogger(logger: Logger, service: string): Logger {
  const tag = (o: object) => ({ service, ...o });
  return {
    debug: (o, m) => logger.debug(tag(o), m),
    info: (o, m) => logger.info(tag(o), m),
    warn: (o, m) => logger.warn(tag(o), m),
    error: (o, m) => logger.error(tag(o), m),
  };
}

/** The `service` a line was logged with, if it names one. */
export function serviceOf(o: object): string | undefined {
  const s = (o as { service?: unknown }).service;
  return typeof s === 'string' && s !== '' ? s : undefined;
}
