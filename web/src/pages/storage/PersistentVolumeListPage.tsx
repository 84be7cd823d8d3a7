import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { PersistentVolume } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import { apiCluster } from '../../nav/links';
import { YamlLink } from '../resources/YamlLink';

export default function PersistentVolumeListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<PersistentVolume>
      title={t('kind.persistentvolumes')}
      cluster={cluster}
      path={`${apiCluster(cluster)}/persistentvolumes`}
      columns={[
        { key: 'name', title: t('col.name'), width: 220, render: (v) => <YamlLink cluster={cluster} group="core" resource="persistentvolumes" name={v.name} /> },
        { key: 'cap', title: t('storage.capacity'), width: 100, render: (v) => v.capacity },
        { key: 'modes', title: t('storage.accessModes'), width: 150, render: (v) => v.accessModes.join(', ') },
        { key: 'phase', title: t('col.status'), width: 100, render: (v) => <StatusTag status={v.phase} /> },
        { key: 'claim', title: t('storage.claim'), width: 'auto', render: (v) => v.claim ?? '-' },
        { key: 'class', title: t('kind.storageclasses'), width: 140, render: (v) => v.storageClassName ?? '-' },
        { key: 'age', title: t('col.age'), width: 70, render: (v) => <Age since={v.createdAt} /> },
      ]}
    />
  );
}
