// A table that renders only the rows in view (TanStack Virtual), so a list
// of 10,000 pods keeps a few dozen rows in the DOM; it asks for the next
// server page as the user nears the end of what is loaded.
import { useVirtualizer } from '@tanstack/react-virtual';
import { theme } from 'antd';
import { useEffect, useRef, type ReactNode } from 'react';

export interface VColumn<T> {
  key: string;
  title: ReactNode;
  width: number | string;
  render: (row: T) => ReactNode;
}

interface Props<T> {
  label: string;
  rows: T[];
  columns: VColumn<T>[];
  rowKey: (row: T) => string;
  /** Called when the last loaded rows come into view. */
  onEndReached?: () => void;
  height?: number | string;
  rowHeight?: number;
  empty?: ReactNode;
}

export function VirtualTable<T>({ label, rows, columns, rowKey, onEndReached, height = 'calc(100vh - 230px)', rowHeight = 40, empty }: Props<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const { token } = theme.useToken();
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => rowHeight, overscan: 12 });
  const items = v.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1].index : -1;
  useEffect(() => {
    if (onEndReached && lastIndex >= rows.length - 30) onEndReached();
  }, [lastIndex, rows.length, onEndReached]);
  // A fixed column keeps its width; an "auto" one takes what is left (at
  // least 160px), the same in the header and every row.
  const cellStyle = (c: VColumn<T>) =>
    c.width === 'auto' ? { flex: '1 1 0', minWidth: 160 } : { flex: `0 0 ${typeof c.width === 'number' ? `${c.width}px` : c.width}` };
  return (
    <div
      ref={scrollRef}
      className="vt-scroll"
      role="table"
      aria-label={label}
      aria-rowcount={rows.length + 1}
      tabIndex={0}
      style={{ height, border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadius, background: token.colorBgContainer }}
    >
      <div role="rowgroup" style={{ position: 'sticky', top: 0, zIndex: 1 }}>
        <div className="vt-head" role="row" aria-rowindex={1} style={{ background: token.colorFillAlter, borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" style={cellStyle(c)}>
              {c.title}
            </div>
          ))}
        </div>
      </div>
      <div role="rowgroup" style={{ height: v.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const row = rows[item.index];
          return (
            <div
              key={rowKey(row)}
              className="vt-row"
              role="row"
              aria-rowindex={item.index + 2}
              style={{ top: item.start, height: item.size }}
            >
              {columns.map((c) => (
                <div key={c.key} role="cell" style={cellStyle(c)}>
                  {c.render(row)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {rows.length === 0 && empty ? <div style={{ padding: 24, textAlign: 'center' }}>{empty}</div> : null}
    </div>
  );
}
