import { useQuery } from '@tanstack/react-query';
import { api, query } from '../api/client';
import { ApiError } from '../api/problem';
import { can, everything, nothing, type Permissions, type Verb } from './permissions';
import { useMe } from './useMe';

export interface Scope {
  cluster?: string;
  namespace?: string;
  project?: string;
}

/**
 * usePermissions fetches the caller's rules in a scope. Until the server
 * offers the permissions endpoint (404), admins are offered everything and
 * so is everyone else: the server refuses what it must.
 */
export function usePermissions(scope: Scope): (verb: Verb, resource: string) => boolean {
  const me = useMe();
  const q = useQuery({
    queryKey: ['permissions', scope.cluster, scope.namespace, scope.project],
    enabled: !!scope.cluster,
    staleTime: 30_000,
    queryFn: async (): Promise<Permissions> => {
      try {
        return await api<Permissions>(
          `/api/v1/clusters/${encodeURIComponent(scope.cluster!)}/permissions${query({ namespace: scope.namespace, project: scope.project })}`,
        );
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 405)) return everything;
        throw e;
      }
    },
  });
  const isAdmin = me.data?.role === 'admin';
  let perms: Permissions = q.data ?? (q.isError ? everything : nothing);
  if (!scope.cluster) perms = isAdmin ? { admin: true, rules: [] } : everything;
  return (verb, resource) => isAdmin || can(perms, verb, resource);
}
