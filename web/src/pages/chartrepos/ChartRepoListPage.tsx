// The Helm chart repositories add-ons are installed from: the platform's
// (admins manage them) or a project's, with their last refresh.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Flex, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { chartRepoPaths, type ChartRepo } from '../../api/chartrepos';
import type { List } from '../../api/types';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { ScopePicker, useCatalogScope } from '../addons/scope';
import { useCredentials } from '../registries/RegistryDialog';
import { ChartRepoDialog } from './ChartRepoDialog';
import { RepoStatus } from './RepoStatus';
import { useRefresh } from './useRefresh';

export default function ChartRepoListPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const { scope, admin, ready } = useCatalogScope();
  const paths = chartRepoPaths(scope);
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const [dialog, setDialog] = useState<{ repo?: ChartRepo }>();
  const q = useInfiniteQuery({
    queryKey: ['chart-repos', paths.list, name],
    enabled: ready,
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<List<ChartRepo>>(`${paths.list}${query({ name, limit: 100, continue: pageParam })}`),
    getNextPageParam: (last) => last.continue || undefined,
  });
  const creds = useCredentials(scope, ready);
  const credName = (id?: number) => (id === undefined ? undefined : (creds.data?.items.find((c) => c.id === id)?.name ?? `#${id}`));
  const refresh = useRefresh(scope);
  const del = useMutation({
    mutationFn: (r: ChartRepo) => api(paths.repo(r.name), { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['chart-repos'] });
      void qc.invalidateQueries({ queryKey: ['addon-charts'] });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.chartRepos')}
        sub={t('chartRepos.subtitle')}
        extra={
          <Button type="primary" disabled={!ready} onClick={() => setDialog({})}>
            {t('chartRepos.create')}
          </Button>
        }
      />
      <Flex gap={12} align="center" wrap="wrap" style={{ marginBottom: 8 }}>
        {admin ? null : <ScopePicker scope={scope} />}
        <NameFilter />
      </Flex>
      {!admin && !ready ? <Alert type="info" showIcon message={t('addons.pickProject')} style={{ marginBottom: 12 }} /> : null}
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<ChartRepo>
        size="small"
        rowKey="name"
        loading={q.isLoading && ready}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('chartRepos.none')} /> }}
        columns={[
          { title: t('col.name'), render: (_, r) => <Link to={links.chartRepo(r.name, scope)}>{r.name}</Link> },
          { title: t('col.type'), render: (_, r) => <Tag color={r.type === 'oci' ? 'purple' : 'blue'}>{t(`chartRepos.type_${r.type}`)}</Tag> },
          { title: t('chartRepos.url'), render: (_, r) => <Typography.Text copyable={{ text: r.url }}>{r.url}</Typography.Text> },
          { title: t('registries.credential'), render: (_, r) => credName(r.credentialId) ?? <Typography.Text type="secondary">{t('registries.anonymous')}</Typography.Text> },
          { title: t('chartRepos.lastRefreshed'), render: (_, r) => <RepoStatus repo={r} /> },
          {
            title: t('col.actions'),
            render: (_, r) => (
              <Space size={4} wrap>
                <Button size="small" loading={refresh.isPending && refresh.variables === r.name} onClick={() => refresh.mutate(r.name)}>
                  {t('chartRepos.refresh')}
                </Button>
                <Button size="small" onClick={() => setDialog({ repo: r })}>
                  {t('action.edit')}
                </Button>
                <Popconfirm title={t('chartRepos.deleteConfirm', { name: r.name })} onConfirm={() => del.mutateAsync(r).catch(() => {})}>
                  <Button size="small" danger>
                    {t('action.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {q.hasNextPage ? (
        <Button style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('list.more')}
        </Button>
      ) : null}
      <ChartRepoDialog open={!!dialog} onClose={() => setDialog(undefined)} scope={scope} repo={dialog?.repo} />
    </>
  );
}
