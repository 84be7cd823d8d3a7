import { Button } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import type { Namespace } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { KeyValues } from '../../components/KeyValues';
import { LiveListPage } from '../../components/LiveListPage';
import { StatusTag } from '../../components/StatusTag';
import { apiCluster, links } from '../../nav/links';
import { CreateNamespaceDialog } from './CreateNamespaceDialog';

export default function NamespaceListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const can = usePermissions({ cluster });
  const [open, setOpen] = useState(false);
  return (
    <>
      <LiveListPage<Namespace>
        title={t('nav.namespaces')}
        cluster={cluster}
        path={`${apiCluster(cluster)}/namespaces`}
        actions={
          can('create', 'namespaces') ? (
            <Button type="primary" onClick={() => setOpen(true)}>
              {t('namespaces.create')}
            </Button>
          ) : null
        }
        columns={[
          { key: 'name', title: t('col.name'), width: 260, render: (n) => <Link to={links.namespace(cluster, n.name)}>{n.name}</Link> },
          { key: 'phase', title: t('col.status'), width: 120, render: (n) => <StatusTag status={n.phase} /> },
          { key: 'labels', title: t('col.labels'), width: 'auto', render: (n) => <KeyValues map={n.labels} max={3} /> },
          { key: 'age', title: t('col.age'), width: 80, render: (n) => <Age since={n.creationTimestamp} /> },
        ]}
      />
      <CreateNamespaceDialog cluster={cluster} open={open} onClose={() => setOpen(false)} />
    </>
  );
}
