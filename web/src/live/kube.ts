// Watch events merged into Kubernetes-shaped lists ({items, metadata}) and
// objects ({metadata: {name}}), as the pipeline routes serve them: the
// console applies what changed instead of reading the list again.
import type { WatchEvent } from './merge';

export interface KubeObject {
  metadata: { name: string; resourceVersion?: string };
}

export interface KubeList<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

/**
 * applyKubeEvent returns list with one event applied (the same list when
 * nothing changed): a known object replaced or removed, a new one inserted
 * where order puts it. The list's own resourceVersion is kept: it is where
 * its watch began, and the watch follows its own cursor from there.
 */
export function applyKubeEvent<T extends KubeObject>(list: KubeList<T>, ev: WatchEvent<T>, order: (a: T, b: T) => number): KubeList<T> {
  const obj = ev.object;
  if (!obj || ev.type === 'RESET') return list;
  const i = list.items.findIndex((it) => it.metadata.name === obj.metadata.name);
  if (ev.type === 'DELETED') {
    if (i < 0) return list;
    return { ...list, items: list.items.filter((_, k) => k !== i) };
  }
  const items = list.items.slice();
  if (i >= 0) items[i] = obj;
  else {
    let at = items.findIndex((it) => order(obj, it) < 0);
    if (at < 0) at = items.length;
    items.splice(at, 0, obj);
  }
  return { ...list, items };
}

/** byName orders as the API server lists: by name. */
export function byName<T extends KubeObject>(a: T, b: T): number {
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}
