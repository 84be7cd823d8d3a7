import { useQuery } from '@tanstack/react-query';
import { Input, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Kind } from '../../api/types';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster, links } from '../../nav/links';

/** Every kind the cluster serves, CRDs included, from discovery. */
export default function KindListPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const q = useQuery({ queryKey: ['kinds', cluster], staleTime: 60_000, queryFn: () => api<{ items: Kind[] }>(`${apiCluster(cluster)}/resources`) });
  const f = filter.toLowerCase();
  const rows = (q.data?.items ?? []).filter((k) => !f || k.kind.toLowerCase().includes(f) || k.group.toLowerCase().includes(f) || k.resource.includes(f));
  return (
    <>
      <PageHeader title={t('nav.resources')} sub={t('resources.hint')} />
      <Input.Search aria-label={t('list.filter')} placeholder={t('list.filter')} allowClear onChange={(e) => setFilter(e.target.value)} style={{ maxWidth: 280, marginBottom: 8 }} />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<Kind>
        size="small"
        rowKey={(k) => `${k.group}/${k.version}/${k.resource}`}
        loading={q.isLoading}
        dataSource={rows}
        pagination={{ pageSize: 100, hideOnSinglePage: true }}
        columns={[
          { title: t('resources.kind'), render: (_, k) => <Link to={links.kind(cluster, k.group || 'core', k.version, k.resource)}>{k.kind}</Link> },
          { title: t('resources.group'), render: (_, k) => k.group || 'core' },
          { title: t('col.version'), dataIndex: 'version' },
          { title: t('resources.resource'), dataIndex: 'resource' },
          { title: t('resources.scope'), render: (_, k) => <Tag>{k.namespaced ? t('resources.namespaced') : t('resources.clusterScoped')}</Tag> },
        ]}
      />
    </>
  );
}
