import { useInfiniteQuery } from '@tanstack/react-query';
import { Button, Input, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { ageText } from '../../components/Age';
import { ErrorView } from '../../components/ErrorView';
import { PageHeader } from '../../components/PageHeader';
import { apiCluster, links } from '../../nav/links';

interface Obj {
  metadata: { name: string; namespace?: string; creationTimestamp?: string };
}

/** Any kind, read live from the API server with its own limit/continue paging. */
export default function ResourceListPage() {
  const { cluster = '', group = '', version = '', resource = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const namespace = params.get('namespace') ?? '';
  const { t } = useTranslation();
  const base = `${apiCluster(cluster)}/resources/${group}/${version}/${resource}`;
  const q = useInfiniteQuery({
    queryKey: ['resources', base, namespace],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<{ items: Obj[]; metadata?: { continue?: string } }>(`${base}${query({ namespace, limit: 200, continue: pageParam })}`),
    getNextPageParam: (last) => last.metadata?.continue || undefined,
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader title={resource} sub={`${group}/${version}`} />
      <Input.Search
        aria-label={t('col.namespace')}
        placeholder={t('resources.namespaceFilter')}
        defaultValue={namespace}
        allowClear
        onSearch={(v) => setParams(v ? { namespace: v } : {})}
        style={{ maxWidth: 280, marginBottom: 8 }}
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<Obj>
        size="small"
        rowKey={(o) => `${o.metadata.namespace}/${o.metadata.name}`}
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('col.name'), render: (_, o) => <Link to={links.kindObject(cluster, group, version, resource, o.metadata.name, o.metadata.namespace)}>{o.metadata.name}</Link> },
          { title: t('col.namespace'), render: (_, o) => o.metadata.namespace ?? '-' },
          { title: t('col.age'), render: (_, o) => ageText(o.metadata.creationTimestamp) },
        ]}
      />
      {q.hasNextPage ? (
        <Button style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('list.more')}
        </Button>
      ) : null}
    </>
  );
}
