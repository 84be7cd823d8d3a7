import { useEffect } from 'react';
import { useScope } from '../nav/useScope';

const key = (cluster: string) => `wheelhouse.ns.${cluster}`;

/**
 * useLastNamespace remembers the namespace last viewed in each cluster, so
 * the navigation to namespaced lists stays in it; default: "default".
 */
export function useLastNamespace(cluster: string | undefined): string {
  const { namespace } = useScope();
  useEffect(() => {
    if (cluster && namespace && namespace !== '_all') localStorage.setItem(key(cluster), namespace);
  }, [cluster, namespace]);
  if (!cluster) return 'default';
  return localStorage.getItem(key(cluster)) ?? 'default';
}
