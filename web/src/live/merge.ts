// Merging watch events into the pages of a list the way the server sorts it
// (namespace, then name), so a live list looks as a fresh list would.

export interface Named {
  name: string;
  namespace?: string;
}

export interface ListPage<T> {
  items: T[];
  continue?: string;
  total?: number;
  cursor?: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'RESET';

export interface WatchEvent<T> {
  type: WatchEventType;
  object?: T;
}

/** keyOf is the identity of an object in a list: namespace/name. */
export function keyOf(o: Named): string {
  return `${o.namespace ?? ''}/${o.name}`;
}

/** compareNamed orders like the server's default sort: namespace, then name. */
export function compareNamed(a: Named, b: Named): number {
  const na = a.namespace ?? '';
  const nb = b.namespace ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  if (a.name === b.name) return 0;
  return a.name < b.name ? -1 : 1;
}

/**
 * applyEvent returns the pages with one ADDED, MODIFIED or DELETED event
 * applied (the same pages object when nothing changed):
 * - an object already loaded is replaced in place (or removed);
 * - a new object is inserted in sort order into the loaded page whose range
 *   holds it; one that sorts after everything loaded while more pages remain
 *   is left for the page that will bring it;
 * - `total` follows additions and removals.
 * RESET is not handled here: the caller refetches.
 */
export function applyEvent<T extends Named>(pages: ListPage<T>[], ev: WatchEvent<T>): ListPage<T>[] {
  const obj = ev.object;
  if (!obj || ev.type === 'RESET' || pages.length === 0) return pages;
  const key = keyOf(obj);
  for (let p = 0; p < pages.length; p++) {
    const i = pages[p].items.findIndex((it) => keyOf(it) === key);
    if (i < 0) continue;
    const items = pages[p].items.slice();
    if (ev.type === 'DELETED') items.splice(i, 1);
    else items[i] = obj;
    const delta = ev.type === 'DELETED' ? -1 : 0;
    return replacePage(pages, p, { ...pages[p], items }, delta);
  }
  if (ev.type === 'DELETED') return pages;
  const last = pages.length - 1;
  const moreToCome = !!pages[last].continue;
  let target = -1;
  for (let p = 0; p <= last; p++) {
    const items = pages[p].items;
    const lastItem = items[items.length - 1];
    if (!lastItem || compareNamed(obj, lastItem) <= 0) {
      target = p;
      break;
    }
  }
  if (target < 0) {
    if (moreToCome) return bumpTotal(pages, 1);
    target = last;
  }
  const items = pages[target].items.slice();
  let at = items.findIndex((it) => compareNamed(obj, it) < 0);
  if (at < 0) at = items.length;
  items.splice(at, 0, obj);
  return replacePage(pages, target, { ...pages[target], items }, 1);
}

function replacePage<T>(pages: ListPage<T>[], index: number, page: ListPage<T>, totalDelta: number): ListPage<T>[] {
  const out = pages.slice();
  out[index] = page;
  return totalDelta === 0 ? out : bumpTotal(out, totalDelta);
}

/** The total travels on the first page, as the server sends it there. */
function bumpTotal<T>(pages: ListPage<T>[], delta: number): ListPage<T>[] {
  if (pages[0].total === undefined) return pages;
  const out = pages.slice();
  out[0] = { ...out[0], total: Math.max(0, (out[0].total ?? 0) + delta) };
  return out;
}

/**
 * flattenPages joins the pages into one row list, dropping an object a later
 * page repeats (an ADDED event may have placed it before its page arrived).
 */
export function flattenPages<T extends Named>(pages: ListPage<T>[]): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const page of pages) {
    for (const it of page.items) {
      const k = keyOf(it);
      if (seen.has(k)) continue;
      seen.add(k);
      out.push(it);
    }
  }
  return out;
}
