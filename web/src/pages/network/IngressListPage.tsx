import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import type { Ingress } from '../../api/types';
import { Age } from '../../components/Age';
import { LiveListPage } from '../../components/LiveListPage';
import { apiNs } from '../../nav/links';
import { YamlLink } from '../resources/YamlLink';

export default function IngressListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const { t } = useTranslation();
  return (
    <LiveListPage<Ingress>
      key={`${cluster}/${namespace}`}
      title={t('kind.ingresses')}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/ingresses`}
      columns={[
        { key: 'name', title: t('col.name'), width: 220, render: (i) => <YamlLink cluster={cluster} group="networking.k8s.io" resource="ingresses" namespace={namespace} name={i.name} /> },
        { key: 'class', title: t('network.class'), width: 120, render: (i) => i.className ?? '-' },
        {
          key: 'rules',
          title: t('network.rules'),
          width: 'auto',
          render: (i) => (i.rules ?? []).flatMap((r) => (r.paths ?? []).map((p) => `${r.host ?? '*'}${p.path} → ${p.service}:${p.port}`)).join(', '),
        },
        { key: 'addr', title: t('network.addresses'), width: 160, render: (i) => (i.addresses ?? []).join(', ') || '-' },
        { key: 'age', title: t('col.age'), width: 70, render: (i) => <Age since={i.createdAt} /> },
      ]}
    />
  );
}
