/** The logging surface parts of Outpost receive (a subset of pino's, so a pino logger fits as is). */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A logger that drops everything: for tests and libraries whose host passed none. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
