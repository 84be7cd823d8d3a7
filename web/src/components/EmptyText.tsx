import { Empty } from 'antd';

/**
 * EmptyText is a table's "nothing here" in words of its own, drawn as
 * antd's own empty state: a bare string would take the disabled text
 * colour, too faint to read (WCAG AA contrast).
 */
export function EmptyText({ text }: { text: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} />;
}
