// One chart repository: its settings and last refresh, and the charts of
// its cached index (server-side pages, filtered by name), each linking to
// the add-on chart page; a chart's versions show when its row is expanded.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Descriptions, Flex, Popconfirm, Spin, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { chartRepoPaths, type ChartRepo, type RepoChart, type RepoChartVersion } from '../../api/chartrepos';
import type { RecordScope } from '../../api/registries';
import { Age } from '../../components/Age';
import { Digest } from '../../components/Digest';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { Pager, useServerPages, type ContinuePage } from '../../components/ServerPager';
import { links } from '../../nav/links';
import { ChartIcon } from '../addons/ChartIcon';
import { useCatalogScope } from '../addons/scope';
import { useCredentials } from '../registries/RegistryDialog';
import { ChartRepoDialog } from './ChartRepoDialog';
import { RepoStatus } from './RepoStatus';
import { useRefresh } from './useRefresh';

export default function ChartRepoDetailPage() {
  const { repository: name = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const nav = useNavigate();
  const qc = useQueryClient();
  const { scope, ready } = useCatalogScope();
  const paths = chartRepoPaths(scope);
  const [editing, setEditing] = useState(false);
  const q = useQuery({ queryKey: ['chart-repos', paths.repo(name)], enabled: ready, queryFn: () => api<ChartRepo>(paths.repo(name)) });
  const creds = useCredentials(scope, ready);
  const refresh = useRefresh(scope);
  const del = useMutation({
    mutationFn: () => api(paths.repo(name), { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['chart-repos'] });
      void qc.invalidateQueries({ queryKey: ['addon-charts'] });
      nav(links.chartRepos(scope));
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const r = q.data;
  const credName = (id?: number) => (id === undefined ? t('registries.anonymous') : (creds.data?.items.find((c) => c.id === id)?.name ?? `#${id}`));
  return (
    <>
      <PageHeader
        title={name}
        sub={r ? `${t(`chartRepos.type_${r.type}`)} · ${r.url}` : undefined}
        extra={
          r ? (
            <>
              <Button onClick={() => refresh.mutate(name)} loading={refresh.isPending}>
                {t('chartRepos.refresh')}
              </Button>
              <Button onClick={() => setEditing(true)}>{t('action.edit')}</Button>
              <Popconfirm title={t('chartRepos.deleteConfirm', { name })} onConfirm={() => del.mutateAsync().catch(() => {})}>
                <Button danger>{t('action.delete')}</Button>
              </Popconfirm>
            </>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} /> : null}
      {q.isLoading && ready ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {r ? (
        <>
          {r.status.lastError ? (
            <Alert type="error" showIcon message={t('chartRepos.refreshFailed')} description={r.status.lastError} style={{ marginBottom: 12 }} />
          ) : null}
          <Descriptions size="small" column={{ xs: 1, md: 2 }} bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.type')}>
              <Tag color={r.type === 'oci' ? 'purple' : 'blue'}>{t(`chartRepos.type_${r.type}`)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.url')}>
              <Typography.Text copyable>{r.url}</Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('registries.credential')}>{credName(r.credentialId)}</Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.refreshInterval')}>
              {r.refreshInterval}
              {r.refreshSeconds ? null : <Typography.Text type="secondary"> ({t('chartRepos.default')})</Typography.Text>}
            </Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.lastRefreshed')}>
              <RepoStatus repo={r} />
            </Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.changedAt')}>{r.status.changedAt ? <Age since={r.status.changedAt} /> : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.digest')}>
              <Digest digest={r.status.digest} />
            </Descriptions.Item>
            <Descriptions.Item label={t('chartRepos.tls')}>
              {r.insecure ? <Tag color="warning">{t('registries.insecure')}</Tag> : r.caBundle ? t('chartRepos.ownCA') : t('chartRepos.systemCAs')}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('chartRepos.charts')}
          </Typography.Title>
          <RepoCharts scope={scope} repo={name} />
        </>
      ) : null}
      {r ? <ChartRepoDialog open={editing} onClose={() => setEditing(false)} scope={scope} repo={r} /> : null}
    </>
  );
}

function RepoCharts({ scope, repo }: { scope: RecordScope; repo: string }) {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const [size, setSize] = useState(50);
  const path = chartRepoPaths(scope).charts(repo);
  const pages = useServerPages<RepoChart>(['chart-repo-charts', path, name, size], (cont) =>
    api<ContinuePage<RepoChart>>(`${path}${query({ name, limit: size, continue: cont })}`),
  );
  return (
    <>
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <NameFilter />
      </Flex>
      {pages.query.error ? <ErrorView error={pages.query.error} /> : null}
      <Table<RepoChart>
        size="small"
        rowKey="name"
        loading={pages.query.isFetching}
        dataSource={pages.items}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('addons.noCharts')} /> }}
        expandable={{ expandedRowRender: (c) => <ChartVersions scope={scope} repo={repo} chart={c.name} />, columnTitle: '' }}
        columns={[
          {
            title: t('col.name'),
            render: (_, c) => (
              <Flex gap={8} align="center">
                <ChartIcon name={c.name} icon={c.icon} size={24} />
                <Link to={links.addonChart(c.name, { repository: repo, cluster: scope.cluster, project: scope.project })}>{c.name}</Link>
                {c.deprecated ? <Tag color="warning">{t('addons.deprecated')}</Tag> : null}
              </Flex>
            ),
          },
          { title: t('chartRepos.latest'), render: (_, c) => c.version },
          { title: t('chartRepos.appVersion'), render: (_, c) => c.appVersion ?? '-' },
          { title: t('chartRepos.versions'), render: (_, c) => c.versions },
          {
            title: t('col.description'),
            render: (_, c) => (
              <Typography.Text ellipsis={{ tooltip: c.description }} style={{ maxWidth: 480 }}>
                {c.description}
              </Typography.Text>
            ),
          },
        ]}
      />
      <Pager page={pages.page} total={pages.total} next={pages.next} prev={pages.prev} size={size} onSize={setSize} label={t('chartRepos.charts')} />
    </>
  );
}

function ChartVersions({ scope, repo, chart }: { scope: RecordScope; repo: string; chart: string }) {
  const { t } = useTranslation();
  const path = chartRepoPaths(scope).versions(repo, chart);
  const q = useQuery({ queryKey: ['chart-repo-charts', path], queryFn: () => api<{ items: RepoChartVersion[] }>(path) });
  if (q.error) return <ErrorView error={q.error} />;
  return (
    <Table<RepoChartVersion>
      size="small"
      rowKey="version"
      loading={q.isLoading}
      dataSource={q.data?.items ?? []}
      pagination={(q.data?.items.length ?? 0) > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
      aria-label={t('chartRepos.versionsOf', { chart })}
      columns={[
        {
          title: t('col.version'),
          render: (_, v) => (
            <Flex gap={6} align="center">
              <Link to={links.addonChart(chart, { repository: repo, version: v.version, cluster: scope.cluster, project: scope.project })}>{v.version}</Link>
              {v.deprecated ? <Tag color="warning">{t('addons.deprecated')}</Tag> : null}
            </Flex>
          ),
        },
        { title: t('chartRepos.appVersion'), render: (_, v) => v.appVersion ?? '-' },
        { title: t('chartRepos.kubeVersion'), render: (_, v) => v.kubeVersion ?? '-' },
        { title: t('chartRepos.created'), render: (_, v) => (v.created ? <Age since={v.created} /> : '-') },
        { title: t('chartRepos.digest'), render: (_, v) => <Digest digest={v.digest} /> },
      ]}
    />
  );
}
