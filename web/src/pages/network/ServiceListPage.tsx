import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Service } from '../../api/types';
import { Age } from '../../components/Age';
import { KeyValues } from '../../components/KeyValues';
import { LiveListPage } from '../../components/LiveListPage';
import { apiNs } from '../../nav/links';
import { YamlLink } from '../resources/YamlLink';

export default function ServiceListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<Service>
      key={`${cluster}/${namespace}`}
      title={t('kind.services')}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/services`}
      columns={[
        { key: 'name', title: t('col.name'), width: 220, render: (s) => <YamlLink cluster={cluster} group="core" resource="services" namespace={namespace} name={s.name} /> },
        { key: 'type', title: t('col.type'), width: 110, render: (s) => s.type },
        { key: 'ip', title: t('network.clusterIP'), width: 130, render: (s) => s.clusterIP ?? '-' },
        { key: 'ports', title: t('network.ports'), width: 220, render: (s) => (s.ports ?? []).map((p) => `${p.port}${p.targetPort ? `→${p.targetPort}` : ''}/${p.protocol ?? 'TCP'}`).join(', ') },
        { key: 'selector', title: t('network.selector'), width: 'auto', render: (s) => <KeyValues map={s.selector} max={3} /> },
        { key: 'age', title: t('col.age'), width: 70, render: (s) => <Age since={s.createdAt} /> },
      ]}
    />
  );
}
