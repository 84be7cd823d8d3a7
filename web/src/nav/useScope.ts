import { useLocation } from 'react-router';

export interface UrlScope {
  cluster?: string;
  namespace?: string;
  /** The URL segment after the namespace (a kind) or after the cluster (a section). */
  section?: string;
}

/** parseScope reads the cluster, namespace and section from a console path. */
export function parseScope(pathname: string): UrlScope {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'clusters' || !parts[1]) return {};
  if (parts[2] === 'ns') return { cluster: parts[1], namespace: parts[3], section: parts[4] };
  return { cluster: parts[1], section: parts[2] };
}

/** useScope is parseScope of the current location, for the layout, which sits above the pages' params. */
export function useScope(): UrlScope {
  return parseScope(useLocation().pathname);
}
