import { pino, type Logger } from 'pino';

/**
 * Service logs are JSON lines on stderr, so stdout carries only what people read (addresses,
 * the live rate line) and can be piped separately.
 */
export function createLogger(level: string, name: string): Logger {
  return pino({ level, name }, pino.destination({ fd: 2, sync: true }));
}
