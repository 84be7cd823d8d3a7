import { useQuery } from '@tanstack/react-query';
import { Button, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { Cluster, List } from '../../api/types';
import { useMe } from '../../auth/useMe';
import { Age } from '../../components/Age';
import { ErrorView } from '../../components/ErrorView';
import { bytes, cores, percent } from '../../components/format';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { UsageBar } from '../../components/UsageBar';
import { links } from '../../nav/links';
import { useClusterNames } from '../../nav/useClusterNames';
import { CreateSandboxDialog } from './CreateSandboxDialog';
import { ImportClusterDialog } from './ImportClusterDialog';

/** The clusters list is a few database records: polled, not watched. */
const pollMs = 3000;

export default function ClusterListPage() {
  const { t } = useTranslation();
  const me = useMe();
  const isAdmin = me.data?.role === 'admin';
  const [dialog, setDialog] = useState<'import' | 'sandbox'>();
  const q = useQuery({
    queryKey: ['clusters'],
    enabled: me.isSuccess && isAdmin,
    refetchInterval: pollMs,
    queryFn: () => api<List<Cluster>>('/api/v1/clusters?limit=1000'),
  });
  const names = useClusterNames();
  const resource = (c: Cluster, key: 'cpuMillis' | 'memoryBytes', fmt: (n: number) => string, label: string) => {
    const r = c.resources;
    if (!r) return '-';
    const used = key === 'cpuMillis' ? r.usage?.cpuMillis : r.usage?.memoryBytes;
    return (
      <div>
        <UsageBar label={`${label} ${t('clusters.requested')}`} percent={percent(r.requested[key], r.allocatable[key])} text={`${fmt(r.requested[key])} / ${fmt(r.allocatable[key])}`} />
        {used !== undefined ? <UsageBar label={`${label} ${t('clusters.used')}`} percent={percent(used, r.allocatable[key])} text={`${t('clusters.used')} ${fmt(used)}`} /> : null}
      </div>
    );
  };
  return (
    <>
      <PageHeader
        title={t('nav.clusters')}
        extra={
          isAdmin ? (
            <>
              <Button type="primary" onClick={() => setDialog('import')}>
                {t('clusters.import')}
              </Button>
              <Button onClick={() => setDialog('sandbox')}>{t('clusters.createSandbox')}</Button>
            </>
          ) : null
        }
      />
      {me.isSuccess && !isAdmin ? (
        <>
          <Typography.Paragraph type="secondary">{t('clusters.yours')}</Typography.Paragraph>
          <Table
            rowKey={(n) => n}
            dataSource={names.data ?? []}
            loading={names.isLoading}
            pagination={false}
            columns={[{ title: t('col.name'), render: (_, n: string) => <Link to={links.cluster(n)}>{n}</Link> }]}
          />
        </>
      ) : null}
      {q.error && !(q.error instanceof ApiError && q.error.status === 403) ? <ErrorView error={q.error} /> : null}
      {isAdmin ? (
        <Table<Cluster>
          rowKey="name"
          size="small"
          loading={q.isLoading}
          dataSource={q.data?.items ?? []}
          pagination={false}
          columns={[
            { title: t('col.name'), render: (_, c) => <Link to={links.cluster(c.name)}>{c.displayName || c.name}</Link> },
            { title: t('col.phase'), render: (_, c) => <StatusTag status={c.phase} /> },
            { title: t('col.provider'), dataIndex: 'provider' },
            { title: t('col.version'), dataIndex: 'kubernetesVersion' },
            { title: t('col.nodes'), render: (_, c) => (c.resources ? `${c.resources.readyNodes}/${c.resources.nodes}` : '-') },
            { title: t('col.pods'), render: (_, c) => c.resources?.pods ?? '-' },
            { title: t('col.cpu'), width: 220, render: (_, c) => resource(c, 'cpuMillis', cores, t('col.cpu')) },
            { title: t('col.memory'), width: 220, render: (_, c) => resource(c, 'memoryBytes', bytes, t('col.memory')) },
            { title: t('col.age'), render: (_, c) => <Age since={c.createdAt} /> },
          ]}
        />
      ) : null}
      <ImportClusterDialog open={dialog === 'import'} onClose={() => setDialog(undefined)} />
      <CreateSandboxDialog open={dialog === 'sandbox'} onClose={() => setDialog(undefined)} />
    </>
  );
}
