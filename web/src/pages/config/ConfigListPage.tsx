import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { ConfigMeta } from '../../api/types';
import { Age } from '../../components/Age';
import { CreateButton } from '../../components/CreateButton';
import { KeyValues } from '../../components/KeyValues';
import { LiveListPage } from '../../components/LiveListPage';
import { apiNs, links } from '../../nav/links';
import { useConfigKind } from './configKind';

export default function ConfigListPage() {
  const { cluster = '', namespace = '' } = useParams();
  const kind = useConfigKind();
  const { t } = useTranslation();
  return (
    <LiveListPage<ConfigMeta>
      key={`${cluster}/${namespace}/${kind}`}
      title={t(`kind.${kind}`)}
      cluster={cluster}
      path={`${apiNs(cluster, namespace)}/${kind}`}
      actions={<CreateButton cluster={cluster} namespace={namespace} kind={kind} />}
      columns={[
        { key: 'name', title: t('col.name'), width: 280, render: (c) => <Link to={links.nsObject(cluster, namespace, kind, c.name)}>{c.name}</Link> },
        { key: 'keys', title: t('config.keys'), width: 'auto', render: (c) => (c.keys ?? []).join(', ') || '-' },
        { key: 'labels', title: t('col.labels'), width: 260, render: (c) => <KeyValues map={c.labels} max={2} /> },
        { key: 'age', title: t('col.age'), width: 80, render: (c) => <Age since={c.creationTimestamp} /> },
      ]}
    />
  );
}
