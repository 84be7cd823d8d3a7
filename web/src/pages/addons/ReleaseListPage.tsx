// The add-on releases of a cluster (or of one namespace): Helm's, whoever
// installed them, with their status and any operation running on them.
import { useQuery } from '@tanstack/react-query';
import { Button, Flex, Progress, Table, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { releasePaths, type Release } from '../../api/addons';
import { Age } from '../../components/Age';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { useClusterNames } from '../../nav/useClusterNames';
import { ReleaseStatus } from './ReleaseStatus';

/** ReleasesHome sends /releases to the first cluster's releases. */
export function ReleasesHome() {
  const clusters = useClusterNames();
  const { t } = useTranslation();
  if (clusters.error) return <ErrorView error={clusters.error} />;
  if (!clusters.data) return null;
  if (!clusters.data.length) return <EmptyText text={t('addons.noClusters')} />;
  return <Navigate to={links.releases(clusters.data[0])} replace />;
}

export default function ReleaseListPage() {
  const { t } = useTranslation();
  const { cluster = '', namespace } = useParams();
  const nav = useNavigate();
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const ns = namespace && namespace !== '_all' ? namespace : undefined;
  const q = useQuery({
    queryKey: ['releases', cluster, ns, name],
    queryFn: () => api<{ items: Release[] }>(`${releasePaths(cluster).all}${query({ namespace: ns, name })}`),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.operation) ? 2000 : 15000),
  });
  return (
    <>
      <PageHeader
        title={t('addons.releases')}
        sub={ns ? t('addons.releasesInNs', { cluster, namespace: ns }) : t('addons.releasesIn', { cluster })}
        extra={
          <Button type="primary" onClick={() => nav(links.addons())}>
            {t('addons.installFromCatalog')}
          </Button>
        }
      />
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <NameFilter />
      </Flex>
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      <Table<Release>
        size="small"
        rowKey={(r) => `${r.namespace}/${r.name}`}
        loading={q.isLoading}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: <EmptyText text={t('addons.noReleases')} /> }}
        columns={[
          { title: t('col.name'), render: (_, r) => <Link to={links.release(cluster, r.namespace, r.name)}>{r.name}</Link> },
          { title: t('col.namespace'), dataIndex: 'namespace' },
          { title: t('addons.chart'), dataIndex: 'chart' },
          {
            title: t('col.version'),
            render: (_, r) => (
              <>
                {r.chartVersion}
                {r.appVersion ? <Typography.Text type="secondary"> ({r.appVersion})</Typography.Text> : null}
              </>
            ),
          },
          { title: t('addons.revision'), dataIndex: 'revision' },
          {
            title: t('col.status'),
            render: (_, r) =>
              r.description && r.status !== 'deployed' ? (
                <Tooltip title={r.description}>
                  <span>
                    <ReleaseStatus status={r.status} />
                  </span>
                </Tooltip>
              ) : (
                <ReleaseStatus status={r.status} />
              ),
          },
          { title: t('addons.updated'), render: (_, r) => <Age since={r.updated} /> },
          {
            title: t('addons.operation'),
            render: (_, r) =>
              r.operation ? (
                <Flex gap={6} align="center" style={{ minWidth: 160 }}>
                  <Tag color="processing">{t(`addons.action_${r.operation.action}`)}</Tag>
                  <Progress
                    size="small"
                    style={{ width: 90, margin: 0 }}
                    percent={r.operation.resourcesTotal ? Math.round((r.operation.resourcesReady / r.operation.resourcesTotal) * 100) : 0}
                    status="active"
                    aria-label={t('addons.progress')}
                    format={() => `${r.operation!.resourcesReady}/${r.operation!.resourcesTotal}`}
                  />
                </Flex>
              ) : (
                <Typography.Text type="secondary">-</Typography.Text>
              ),
          },
          {
            title: t('addons.managedBy'),
            render: (_, r) => (r.managedByWheelhouse ? 'Wheelhouse' : <Tag>{t('addons.helmCli')}</Tag>),
          },
        ]}
      />
    </>
  );
}
