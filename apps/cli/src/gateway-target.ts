import { isLoopback, type GatewayHttpConfig } from '@outpost/config';
import { RemoteError } from './exit-codes.js';

/**
 * Where the CLI reaches a running gateway: `--url`, else its configured HTTP address (a wildcard or
 * loopback bind is reached on 127.0.0.1); the token from `--token`, else `gateway.http.token`.
 */
export function gatewayTarget(http: GatewayHttpConfig, flags: { url?: string; token?: string }): { base: string; token: string | undefined } {
  const host = isLoopback(http.host) || http.host === '0.0.0.0' || http.host === '::' ? '127.0.0.1' : http.host;
  return { base: (flags.url ?? `http://${host}:${http.port}`).replace(/\/+$/, ''), token: flags.token ?? http.token };
}

/** The error for a gateway that did not answer at all (refused, timed out, bad address). */
export function unreachableGateway(url: string, e: unknown): RemoteError {
  const cause = (e as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (e as Error).message;
  return new RemoteError(`cannot reach the gateway at ${new URL(url).origin} (${why}); is \`outpost gateway\` running there? (see --url)`);
}
