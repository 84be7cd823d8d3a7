// useLiveKList and useLiveKObject keep a Kubernetes-shaped list or object
// from the server current through its list's watch stream: each event is
// applied to the query's data, so a running pipeline's page changes as its
// execution does without reading it again. Where the server has no watch
// for the list, the query is polled instead.
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { api } from '../api/client';
import { applyKubeEvent, type KubeList, type KubeObject } from './kube';
import type { WatchEvent } from './merge';
import { runWatch } from './watchLoop';

/** Without a watch stream, the data is read again this often. */
const pollMs = 3000;

/**
 * useFreshest wraps a query's read so that it does not undo an event: when
 * an event was applied while the read was on its way, the read may predate
 * it (a refetch after an abort answered with the execution still Building,
 * after the Aborted event), so the data held is kept; any later change comes
 * as an event too. It returns the read and the function to call on each
 * event applied.
 */
function useFreshest<D>(key: QueryKey, read: (signal: AbortSignal) => Promise<D>) {
  const qc = useQueryClient();
  const applied = useRef(0);
  const queryFn = async ({ signal }: { signal: AbortSignal }) => {
    const before = applied.current;
    const fresh = await read(signal);
    const held = qc.getQueryData<D>(key);
    return applied.current !== before && held !== undefined ? held : fresh;
  };
  return { queryFn, applied: () => void (applied.current += 1) };
}

/**
 * useWatchInto follows listPath's watch from cursor once the data has
 * loaded, handing each event to apply; a RESET reads the data again and
 * starts over from its new cursor; setPolling(true) says there is no watch.
 */
function useWatchInto<T>(
  listPath: string | undefined,
  key: QueryKey,
  cursor: string | undefined,
  apply: (ev: WatchEvent<T>) => void,
  setPolling: (polling: boolean) => void,
) {
  const qc = useQueryClient();
  const [generation, setGeneration] = useState(0);
  const loaded = cursor !== undefined;
  const keyText = JSON.stringify(key);
  useEffect(() => {
    if (!listPath || !loaded) return;
    const ctl = new AbortController();
    setPolling(false);
    void runWatch<T>({
      listPath,
      cursor,
      signal: ctl.signal,
      onEvent: apply,
      onReset: () => {
        void qc.invalidateQueries({ queryKey: key, exact: true }).then(() => setGeneration((g) => g + 1));
      },
      onUnavailable: () => setPolling(true),
    });
    return () => ctl.abort();
    // The watch starts once per load (and again after a RESET): the cursor
    // of later reads is not followed, the stream keeps its own.
  }, [listPath, keyText, loaded, generation]);
}

/**
 * useLiveKList reads the list at listPath (with its filters) and keeps it
 * current, new objects placed by order (the server's own order).
 */
export function useLiveKList<T extends KubeObject>(key: QueryKey, listPath: string | undefined, order: (a: T, b: T) => number, enabled = true) {
  const qc = useQueryClient();
  const [polling, setPolling] = useState(false);
  const fresh = useFreshest(key, (signal) => api<KubeList<T>>(listPath!, { signal }));
  const q = useQuery({ queryKey: key, enabled: !!listPath && enabled, refetchInterval: polling ? pollMs : false, queryFn: fresh.queryFn });
  const cursor = q.data ? (q.data.metadata?.resourceVersion ?? '') : undefined;
  useWatchInto<T>(
    enabled ? listPath : undefined,
    key,
    cursor,
    (ev) => {
      fresh.applied();
      qc.setQueryData<KubeList<T>>(key, (old) => (old ? applyKubeEvent(old, ev, order) : old));
    },
    setPolling,
  );
  return q;
}

/**
 * useLiveKObject reads the object at path and keeps it current through the
 * watch of listPath narrowed to its name.
 */
export function useLiveKObject<T extends KubeObject>(key: QueryKey, listPath: string, name: string, path: string) {
  const qc = useQueryClient();
  const [polling, setPolling] = useState(false);
  const fresh = useFreshest(key, (signal) => api<T>(path, { signal }));
  const q = useQuery({ queryKey: key, refetchInterval: polling ? pollMs : false, queryFn: fresh.queryFn });
  const cursor = q.data ? (q.data.metadata.resourceVersion ?? '') : undefined;
  const sep = listPath.includes('?') ? '&' : '?';
  const watched = `${listPath}${sep}fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}`;
  useWatchInto<T>(
    watched,
    key,
    cursor,
    (ev) => {
      if (ev.type === 'DELETED') void qc.invalidateQueries({ queryKey: key, exact: true });
      else if (ev.object) {
        fresh.applied();
        qc.setQueryData<T>(key, ev.object);
      }
    },
    setPolling,
  );
  return q;
}
