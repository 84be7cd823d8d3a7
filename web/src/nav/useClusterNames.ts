import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { ApiError } from '../api/problem';
import type { Cluster, List, SearchHit } from '../api/types';

/**
 * useClusterNames lists the clusters the caller can reach. Admins read the
 * cluster list; others may not (403), so their clusters are those where the
 * search finds namespaces they can see.
 */
export function useClusterNames() {
  return useQuery({
    queryKey: ['cluster-names'],
    staleTime: 30_000,
    queryFn: async (): Promise<string[]> => {
      try {
        const l = await api<List<Cluster>>('/api/v1/clusters?limit=1000');
        return l.items.map((c) => c.name);
      } catch (e) {
        if (!(e instanceof ApiError) || e.status !== 403) throw e;
        const hits = await api<{ items: SearchHit[] }>('/api/v1/search?kind=namespaces&labelSelector=kubernetes.io%2Fmetadata.name&limit=1000');
        return [...new Set(hits.items.map((h) => h.cluster))].sort();
      }
    },
  });
}
