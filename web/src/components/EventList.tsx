import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { KubeEvent } from '../api/types';
import { Age } from './Age';

/** EventList shows Kubernetes events, newest first. */
export function EventList({ events }: { events: KubeEvent[] }) {
  const { t } = useTranslation();
  const sorted = [...events].sort((a, b) => (b.lastTimestamp ?? '').localeCompare(a.lastTimestamp ?? ''));
  return (
    <Table<KubeEvent>
      size="small"
      rowKey={(e, i) => `${e.name ?? e.reason}-${i}`}
      pagination={{ pageSize: 50, hideOnSinglePage: true }}
      dataSource={sorted}
      columns={[
        { title: t('col.type'), render: (_, e) => <Tag color={e.type === 'Warning' ? 'warning' : 'default'}>{e.type}</Tag> },
        { title: t('col.reason'), dataIndex: 'reason' },
        { title: t('col.message'), dataIndex: 'message' },
        { title: t('col.count'), dataIndex: 'count' },
        { title: t('col.last'), render: (_, e) => <Age since={e.lastTimestamp} /> },
      ]}
    />
  );
}
