// The labels-and-taints editor's change as a PATCH body: labels merged (a
// removed key is sent as null), taints replaced.
import type { StrMap, Taint } from '../../api/types';

export interface KeyValue {
  key?: string;
  value?: string;
}

export function nodePatch(before: StrMap | undefined, labels: KeyValue[], taints: Taint[]): { labels: Record<string, string | null>; taints: Taint[] } {
  const out: Record<string, string | null> = {};
  const kept = new Set<string>();
  for (const l of labels) {
    const k = l.key?.trim();
    if (!k) continue;
    kept.add(k);
    if ((before ?? {})[k] !== (l.value ?? '')) out[k] = l.value ?? '';
  }
  for (const k of Object.keys(before ?? {})) if (!kept.has(k)) out[k] = null;
  return {
    labels: out,
    taints: taints.filter((x) => x.key?.trim()).map((x) => ({ key: x.key.trim(), value: x.value || undefined, effect: x.effect })),
  };
}
