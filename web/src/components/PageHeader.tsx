import { Flex, Typography } from 'antd';
import { useEffect, type ReactNode } from 'react';

/** PageHeader is every page's title (also the document title) and its actions. */
export function PageHeader({ title, extra, sub }: { title: string; extra?: ReactNode; sub?: ReactNode }) {
  useEffect(() => {
    document.title = `${title} · Wheelhouse`;
  }, [title]);
  return (
    <Flex justify="space-between" align="center" wrap="wrap" gap={8} style={{ marginBottom: 16 }}>
      <div>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>
          {title}
        </Typography.Title>
        {sub ? <Typography.Text type="secondary">{sub}</Typography.Text> : null}
      </div>
      <Flex gap={8} wrap="wrap">
        {extra}
      </Flex>
    </Flex>
  );
}
