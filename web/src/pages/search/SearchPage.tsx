import { useQuery } from '@tanstack/react-query';
import { Alert, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import type { SearchHit } from '../../api/types';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { hitLink } from '../../nav/hitLink';

/** Objects across every cluster, by name, from the caches. */
export default function SearchPage() {
  const [params] = useSearchParams();
  const q = params.get('q') ?? '';
  const { t } = useTranslation();
  const r = useQuery({
    queryKey: ['search', q],
    enabled: q.length > 0,
    queryFn: () => api<{ items: SearchHit[]; unavailable?: string[] | null }>(`/api/v1/search${query({ q, limit: 500 })}`),
  });
  return (
    <>
      <PageHeader title={t('search.title', { q })} />
      {r.data?.unavailable?.length ? <Alert type="warning" showIcon message={t('search.unavailable', { clusters: r.data.unavailable.join(', ') })} style={{ marginBottom: 8 }} /> : null}
      {r.error ? <ErrorView error={r.error} /> : null}
      <Table<SearchHit>
        size="small"
        rowKey={(h) => `${h.cluster}/${h.kind}/${h.namespace}/${h.name}`}
        loading={r.isLoading}
        dataSource={r.data?.items ?? []}
        pagination={{ pageSize: 100, hideOnSinglePage: true }}
        columns={[
          { title: t('col.name'), render: (_, h) => <Link to={hitLink(h)}>{h.name}</Link> },
          { title: t('resources.kind'), render: (_, h) => <Tag>{h.kind}</Tag> },
          { title: t('col.namespace'), render: (_, h) => h.namespace ?? '-' },
          { title: t('search.cluster'), dataIndex: 'cluster' },
        ]}
      />
    </>
  );
}
