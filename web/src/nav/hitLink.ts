import type { SearchHit } from '../api/types';
import { links } from './links';

const nsPages = new Set(['pods', 'deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs', 'configmaps', 'secrets']);
const nsLists = new Set(['services', 'ingresses', 'persistentvolumeclaims', 'events']);
const clusterLists = new Set(['persistentvolumes', 'storageclasses']);
const coreGroups: Record<string, [string, string]> = {
  replicasets: ['apps', 'v1'],
  resourcequotas: ['core', 'v1'],
  limitranges: ['core', 'v1'],
};

/** hitLink is the console page of a search hit (its kind is the plural resource name). */
export function hitLink(h: SearchHit): string {
  const ns = h.namespace ?? '';
  if (h.kind === 'nodes') return links.node(h.cluster, h.name);
  if (h.kind === 'namespaces') return links.namespace(h.cluster, h.name);
  if (nsPages.has(h.kind)) return links.nsObject(h.cluster, ns, h.kind, h.name);
  if (nsLists.has(h.kind)) return `${links.nsList(h.cluster, ns, h.kind)}?name=${encodeURIComponent(h.name)}`;
  if (clusterLists.has(h.kind)) return `${links.clusterSection(h.cluster, h.kind)}?name=${encodeURIComponent(h.name)}`;
  const [g, v] = coreGroups[h.kind] ?? ['core', 'v1'];
  return links.kindObject(h.cluster, g, v, h.kind, h.name, ns || undefined);
}
