import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { KubeEvent } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { apiNs } from '../../nav/links';

type Ev = KubeEvent & { name: string; namespace: string };

export default function EventListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<Ev>
      key={`${cluster}/${namespace}`}
      title={t('kind.events')}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/events`}
      columns={[
        { key: 'type', title: t('col.type'), width: 90, render: (e) => <Tag color={e.type === 'Warning' ? 'warning' : 'default'}>{e.type}</Tag> },
        { key: 'reason', title: t('col.reason'), width: 150, render: (e) => e.reason },
        { key: 'obj', title: t('events.object'), width: 240, render: (e) => (e.involvedObject ? `${e.involvedObject.kind}/${e.involvedObject.name}` : '-') },
        { key: 'msg', title: t('col.message'), width: 'auto', render: (e) => e.message },
        { key: 'count', title: t('col.count'), width: 70, render: (e) => e.count },
        { key: 'last', title: t('col.last'), width: 70, render: (e) => <Age since={e.lastTimestamp} /> },
      ]}
    />
  );
}
