// The watch stream of a list lives at the list's path with /watch inserted
// after the cluster: /api/v1/clusters/C/namespaces/N/pods ↔
// /api/v1/clusters/C/watch/namespaces/N/pods.

const prefix = /^(\/api\/v1\/clusters\/[^/]+)(\/.+)$/;

/** watchPath returns the watch stream path of a cluster list path, or undefined. */
export function watchPath(listPath: string, since: string | undefined): string | undefined {
  const [path, search = ''] = listPath.split('?', 2);
  const m = prefix.exec(path);
  if (!m) return undefined;
  const q = new URLSearchParams(search);
  q.delete('limit');
  q.delete('continue');
  q.delete('sort');
  if (since) q.set('since', since);
  const qs = q.toString();
  return `${m[1]}/watch${m[2]}${qs ? `?${qs}` : ''}`;
}
