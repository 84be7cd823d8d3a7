import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Node } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import { UsageBar } from '../../components/UsageBar';
import { apiCluster, links } from '../../nav/links';

export default function NodeListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<Node>
      title={t('nav.nodes')}
      cluster={cluster}
      path={`${apiCluster(cluster)}/nodes`}
      columns={[
        { key: 'name', title: t('col.name'), width: 'auto', render: (n) => <Link to={links.node(cluster, n.name)}>{n.name}</Link> },
        {
          key: 'status',
          title: t('col.status'),
          width: 200,
          render: (n) => (
            <Space size={2}>
              <StatusTag status={n.status} />
              {n.unschedulable ? <Tag color="warning">{t('nodes.cordoned')}</Tag> : null}
            </Space>
          ),
        },
        { key: 'roles', title: t('col.roles'), width: 120, render: (n) => n.roles?.join(', ') || '-' },
        { key: 'cpu', title: t('nodes.cpuRequested'), width: 170, render: (n) => <UsageBar label={t('nodes.cpuRequested')} percent={n.requested?.cpuPercent} /> },
        { key: 'mem', title: t('nodes.memRequested'), width: 170, render: (n) => <UsageBar label={t('nodes.memRequested')} percent={n.requested?.memoryPercent} /> },
        { key: 'cpuu', title: t('nodes.cpuUsed'), width: 150, render: (n) => <UsageBar label={t('nodes.cpuUsed')} percent={n.usage?.cpuPercent} /> },
        { key: 'memu', title: t('nodes.memUsed'), width: 150, render: (n) => <UsageBar label={t('nodes.memUsed')} percent={n.usage?.memoryPercent} /> },
        { key: 'pods', title: t('col.pods'), width: 70, render: (n) => n.podCount },
        { key: 'version', title: t('col.version'), width: 100, render: (n) => n.versions?.kubelet ?? '-' },
        { key: 'age', title: t('col.age'), width: 70, render: (n) => <Age since={n.creationTimestamp} /> },
      ]}
    />
  );
}
