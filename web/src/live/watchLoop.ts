// The reconnecting reader of one list's watch stream.
import { ApiError } from '../api/problem';
import { readSSE, type SSEEvent } from '../api/sse';
import type { WatchEvent } from './merge';
import { watchPath } from './watchPath';

export type OpenStream = (path: string, onEvent: (e: SSEEvent) => void, signal: AbortSignal) => Promise<void>;

export interface WatchLoopOptions<T> {
  listPath: string;
  /** The list's cursor: the stream starts right after it. */
  cursor: string | undefined;
  onEvent: (ev: WatchEvent<T>) => void;
  /** The cursor is too old or the cache re-listed: refetch the list (which restarts the watch). */
  onReset: () => void;
  /** The server has no watch for this list (404, 405, 501): fall back to polling. */
  onUnavailable: () => void;
  signal: AbortSignal;
  open?: OpenStream;
  /** Delay before reconnecting after the n-th consecutive failure. */
  backoff?: (attempt: number) => number;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const defaultBackoff = (attempt: number) => Math.min(30_000, 500 * 2 ** attempt);

function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * runWatch follows the stream until signal aborts, reconnecting with
 * since=<last event id> after the stream ends or fails. It returns when the
 * signal aborts, on RESET (after onReset), or when the server has no watch.
 */
export async function runWatch<T>(o: WatchLoopOptions<T>): Promise<void> {
  const open = o.open ?? readSSE;
  const backoff = o.backoff ?? defaultBackoff;
  const sleep = o.sleep ?? defaultSleep;
  let since = o.cursor;
  let failures = 0;
  while (!o.signal.aborted) {
    const path = watchPath(o.listPath, since);
    if (!path) {
      o.onUnavailable();
      return;
    }
    let reset = false;
    try {
      await open(
        path,
        (e) => {
          if (reset || e.event !== 'message' || !e.data) return;
          failures = 0;
          const ev = JSON.parse(e.data) as WatchEvent<T>;
          if (ev.type === 'RESET') {
            reset = true;
            return;
          }
          if (e.id) since = e.id;
          o.onEvent(ev);
        },
        o.signal,
      );
    } catch (err) {
      if (o.signal.aborted) return;
      if (err instanceof ApiError && [404, 405, 406, 501].includes(err.status)) {
        o.onUnavailable();
        return;
      }
      if (err instanceof ApiError && err.status === 410) reset = true;
      else failures++;
    }
    if (reset) {
      o.onReset();
      return;
    }
    await sleep(backoff(failures), o.signal);
  }
}
