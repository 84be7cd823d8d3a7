import { Tag } from 'antd';
import type { StrMap } from '../api/types';

/** KeyValues shows labels or selectors as tags. */
export function KeyValues({ map, max }: { map?: StrMap | null; max?: number }) {
  const entries = Object.entries(map ?? {});
  const shown = max ? entries.slice(0, max) : entries;
  return (
    <span>
      {shown.map(([k, v]) => (
        <Tag key={k} style={{ marginBottom: 2 }}>
          {v ? `${k}=${v}` : k}
        </Tag>
      ))}
      {max && entries.length > max ? <Tag>+{entries.length - max}</Tag> : null}
    </span>
  );
}
