import { useScope } from '../../nav/useScope';

export type ConfigKind = 'configmaps' | 'secrets';

/** useConfigKind tells the config pages (shared by both kinds) which one the URL is about. */
export function useConfigKind(): ConfigKind {
  return useScope().section === 'secrets' ? 'secrets' : 'configmaps';
}

/** entriesToData turns the editor's rows into a data map; a repeated key keeps its last value. */
export function entriesToData(entries: { key?: string; value?: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of entries) {
    const k = e.key?.trim();
    if (k) out[k] = e.value ?? '';
  }
  return out;
}
