// useLiveList: a paged list from the server (limit/continue) kept current by
// the list's watch stream, merged into the TanStack Query cache.
import { useInfiniteQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { api } from '../api/client';
import { applyEvent, flattenPages, type ListPage, type Named } from './merge';
import { runWatch } from './watchLoop';

export interface LiveListOptions {
  /** Page size; the server allows 1 to 1000. */
  pageSize?: number;
  enabled?: boolean;
}

export interface LiveList<T> {
  rows: T[];
  total: number | undefined;
  isLoading: boolean;
  error: unknown;
  hasMore: boolean;
  fetchMore: () => void;
  isFetchingMore: boolean;
  /** live: events arrive from the watch stream; polling: the server has none, the list is refetched. */
  mode: 'live' | 'polling' | 'connecting';
}

/** Without a watch stream, a small list is refetched this often. */
const pollInterval = 5_000;
/** Polling refetches every loaded page: only while few are loaded. */
const maxPolledPages = 3;

/**
 * useLiveList loads listPath (a cluster list path with its filters, without
 * limit/continue) page by page and keeps the loaded pages current.
 */
export function useLiveList<T extends Named>(listPath: string | undefined, opts: LiveListOptions = {}): LiveList<T> {
  const pageSize = opts.pageSize ?? 100;
  const qc = useQueryClient();
  const queryKey = useMemo(() => ['live', listPath, pageSize], [listPath, pageSize]);
  const [mode, setMode] = useState<LiveList<T>['mode']>('connecting');

  const q = useInfiniteQuery({
    queryKey,
    enabled: !!listPath && opts.enabled !== false,
    initialPageParam: '',
    queryFn: ({ pageParam, signal }) => {
      const sep = listPath!.includes('?') ? '&' : '?';
      const cont = pageParam ? `&continue=${encodeURIComponent(pageParam)}` : '';
      return api<ListPage<T>>(`${listPath}${sep}limit=${pageSize}${cont}`, { signal });
    },
    getNextPageParam: (last) => last.continue || undefined,
    refetchInterval: (query) =>
      mode === 'polling' && (query.state.data?.pages.length ?? 0) <= maxPolledPages ? pollInterval : false,
  });

  const cursor = q.data?.pages[0]?.cursor;
  const loaded = !!q.data;
  useEffect(() => {
    if (!listPath || !loaded) return;
    const ctl = new AbortController();
    setMode('live');
    void runWatch<T>({
      listPath,
      cursor,
      signal: ctl.signal,
      onEvent: (ev) =>
        qc.setQueryData<InfiniteData<ListPage<T>, string>>(queryKey, (old) =>
          old ? { ...old, pages: applyEvent(old.pages, ev) } : old,
        ),
      onReset: () => void qc.resetQueries({ queryKey, exact: true }),
      onUnavailable: () => setMode('polling'),
    });
    return () => ctl.abort();
    // The stream restarts only when the list (re)starts: a new path or cursor.
  }, [listPath, cursor, loaded]);

  const rows = useMemo(() => (q.data ? flattenPages(q.data.pages) : []), [q.data]);
  return {
    rows,
    total: q.data?.pages[0]?.total,
    isLoading: q.isLoading,
    error: q.error,
    hasMore: !!q.hasNextPage,
    fetchMore: () => {
      if (q.hasNextPage && !q.isFetchingNextPage) void q.fetchNextPage();
    },
    isFetchingMore: q.isFetchingNextPage,
    mode,
  };
}
