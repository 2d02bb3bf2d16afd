import { isOutpostError } from '@outpost/contract';

export interface Bound<T> {
  value: T;
  /** Set when the wanted port was taken and a free one was used instead. */
  takenPort?: number;
}

const portTaken = (e: unknown) => isOutpostError(e, 'ERR_PORT_IN_USE') || (e as NodeJS.ErrnoException | undefined)?.code === 'EADDRINUSE';

/**
 * Dev mode's port rule: start on the wanted port; if another process holds it, start again on
 * a port the OS picks (0). Binding and retrying, rather than probing first, leaves no window in
 * which the port could be taken between the check and the bind.
 */
export async function startOnFreePort<T>(wanted: number, allowFallback: boolean, start: (port: number) => Promise<T>): Promise<Bound<T>> {
  try {
    return { value: await start(wanted) };
  } catch (e) {
    if (!allowFallback || wanted === 0 || !portTaken(e)) throw e;
    return { value: await start(0), takenPort: wanted };
  }
}

/** The port of a URL like `mqtt://127.0.0.1:1883` or `http://[::1]:8080`. */
export function portOf(url: string | undefined): number | undefined {
  if (!url) return undefined;
  const m = /:(\d+)(?:\/.*)?$/.exec(url);
  return m ? Number(m[1]) : undefined;
}
