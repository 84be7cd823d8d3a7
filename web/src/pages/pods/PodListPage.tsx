import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Pod } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import { apiCluster, apiNs, links } from '../../nav/links';

/** Pods come 200 to a page: enough to fill a tall screen and scroll a while. */
const pageSize = 200;

export default function PodListPage() {
  const { cluster = '', namespace = '_all' } = useParams();
  const { t } = useTranslation();
  const all = namespace === '_all';
  return (
    <LiveListPage<Pod>
      key={`${cluster}/${namespace}`}
      title={t('kind.pods')}
      cluster={cluster}
      pageSize={pageSize}
      path={all ? `${apiCluster(cluster)}/pods` : `${apiNs(cluster, namespace)}/pods`}
      columns={[
        { key: 'name', title: t('col.name'), width: 'auto', render: (p) => <Link to={links.nsObject(cluster, p.namespace, 'pods', p.name)}>{p.name}</Link> },
        ...(all ? [{ key: 'ns', title: t('col.namespace'), width: 160, render: (p: Pod) => p.namespace }] : []),
        {
          key: 'phase',
          title: t('col.status'),
          width: 130,
          render: (p) => (p.deleting ? <Tag color="warning">{t('pods.terminating')}</Tag> : <StatusTag status={p.reason || p.phase} />),
        },
        { key: 'ready', title: t('col.ready'), width: 70, render: (p) => p.ready },
        { key: 'restarts', title: t('col.restarts'), width: 80, render: (p) => p.restarts },
        { key: 'node', title: t('col.node'), width: 170, render: (p) => (p.node ? <Link to={links.node(cluster, p.node)}>{p.node}</Link> : '-') },
        { key: 'ip', title: t('pods.ip'), width: 120, render: (p) => p.podIPs?.[0] ?? '-' },
        {
          key: 'owner',
          title: t('col.owner'),
          width: 200,
          render: (p) => (p.owner ? <span title={`${p.owner.kind}/${p.owner.name}`}>{`${p.owner.kind}/${p.owner.name}`}</span> : '-'),
        },
        { key: 'age', title: t('col.age'), width: 70, render: (p) => <Age since={p.creationTimestamp} /> },
      ]}
    />
  );
}
