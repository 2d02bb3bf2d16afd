import { useEffect } from 'react';

/** Re-read `reload` every few seconds while `active` (deployments in progress change by the second). */
export function usePolling(active: boolean, reload: () => void, ms = 3000): void {
  useEffect(() => {
    if (!active) return;
    const t = setInterval(reload, ms);
    return () => clearInterval(t);
  }, [active, reload, ms]);
}
