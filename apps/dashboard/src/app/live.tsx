import { createContext, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import { useSession } from './session.js';

type Handler = (data: unknown) => void;
interface Live { connected: boolean; on(event: string, fn: Handler): () => void }

const LiveContext = createContext<Live | null>(null);

/** Split a server-sent-events text stream into (event, data) pairs. */
export function parseEvents(buffer: string): { events: Array<{ event: string; data: string }>; rest: string } {
  const events: Array<{ event: string; data: string }> = [];
  let rest = buffer;
  let i: number;
  while ((i = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, i);
    rest = rest.slice(i + 2);
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

/**
 * One stream of the hub's GET /v1/events per signed-in tab, read with fetch so the session token
 * goes in the Authorization header (EventSource cannot send it). Reconnects with backoff.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const { api, orgId, token } = useSession();
  const handlers = useRef(new Map<string, Set<Handler>>());
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!token) return;
    const ac = new AbortController();
    let delay = 1000;
    const run = async () => {
      while (!ac.signal.aborted) {
        try {
          const res = await api.fetch('/v1/events', { signal: ac.signal });
          if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
          setConnected(true); delay = 1000;
          const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
          let buf = '';
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            const parsed = parseEvents(buf + value);
            buf = parsed.rest;
            for (const e of parsed.events) for (const fn of handlers.current.get(e.event) ?? []) fn(JSON.parse(e.data));
          }
        } catch { /* aborted or dropped: retry below */ }
        setConnected(false);
        if (ac.signal.aborted) return;
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 15_000);
      }
    };
    void run();
    return () => ac.abort();
  }, [api, orgId, token]);

  const live: Live = {
    connected,
    on(event, fn) {
      const set = handlers.current.get(event) ?? new Set();
      set.add(fn);
      handlers.current.set(event, set);
      return () => { set.delete(fn); };
    },
  };
  return <LiveContext.Provider value={live}>{children}</LiveContext.Provider>;
}

/** Call `fn` on every `event` from the hub (e.g. reload a list when devices change). */
export function useLive(event: string, fn: Handler): boolean {
  const live = useContext(LiveContext);
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => live?.on(event, (d) => ref.current(d)), [live, event]);
  return live?.connected ?? false;
}
