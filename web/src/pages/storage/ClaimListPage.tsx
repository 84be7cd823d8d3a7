import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { PersistentVolumeClaim } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import { apiNs } from '../../nav/links';
import { YamlLink } from '../resources/YamlLink';

export default function ClaimListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<PersistentVolumeClaim>
      key={`${cluster}/${namespace}`}
      title={t('kind.persistentvolumeclaims')}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/persistentvolumeclaims`}
      columns={[
        { key: 'name', title: t('col.name'), width: 220, render: (c) => <YamlLink cluster={cluster} group="core" resource="persistentvolumeclaims" namespace={namespace} name={c.name} /> },
        { key: 'phase', title: t('col.status'), width: 100, render: (c) => <StatusTag status={c.phase} /> },
        { key: 'req', title: t('storage.request'), width: 100, render: (c) => c.request },
        { key: 'cap', title: t('storage.capacity'), width: 100, render: (c) => c.capacity ?? '-' },
        { key: 'class', title: t('kind.storageclasses'), width: 140, render: (c) => c.storageClassName ?? '-' },
        { key: 'vol', title: t('storage.volume'), width: 'auto', render: (c) => c.volumeName ?? '-' },
        { key: 'age', title: t('col.age'), width: 70, render: (c) => <Age since={c.createdAt} /> },
      ]}
    />
  );
}
