import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { StorageClass } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { apiCluster } from '../../nav/links';
import { YamlLink } from '../resources/YamlLink';

export default function StorageClassListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<StorageClass>
      title={t('kind.storageclasses')}
      cluster={cluster}
      path={`${apiCluster(cluster)}/storageclasses`}
      columns={[
        {
          key: 'name',
          title: t('col.name'),
          width: 240,
          render: (s) => (
            <>
              <YamlLink cluster={cluster} group="storage.k8s.io" resource="storageclasses" name={s.name} /> {s.default ? <Tag color="blue">{t('storage.default')}</Tag> : null}
            </>
          ),
        },
        { key: 'prov', title: t('storage.provisioner'), width: 'auto', render: (s) => s.provisioner },
        { key: 'reclaim', title: t('storage.reclaimPolicy'), width: 120, render: (s) => s.reclaimPolicy },
        { key: 'binding', title: t('storage.bindingMode'), width: 170, render: (s) => s.volumeBindingMode },
        { key: 'expand', title: t('storage.expansion'), width: 100, render: (s) => (s.allowVolumeExpansion ? t('common.yes') : t('common.no')) },
        { key: 'age', title: t('col.age'), width: 70, render: (s) => <Age since={s.createdAt} /> },
      ]}
    />
  );
}
