import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Popconfirm, Table, Tag, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, rawRequest } from '../../api/client';
import type { Cluster, ClusterEvent } from '../../api/types';
import { useMe } from '../../auth/useMe';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { bytes, cores, percent } from '../../components/format';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { UsageBar } from '../../components/UsageBar';
import { apiCluster, links } from '../../nav/links';

export default function ClusterDetailPage() {
  const { cluster = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const me = useMe();
  const isAdmin = me.data?.role === 'admin';
  const nav = useNavigate();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['cluster', cluster],
    enabled: isAdmin,
    // A cluster being provisioned reports its steps as events: poll.
    refetchInterval: 2000,
    queryFn: () => api<Cluster>(apiCluster(cluster)),
  });
  const del = useMutation({
    mutationFn: (deprovision: boolean) => api(`${apiCluster(cluster)}${deprovision ? '?deprovision=true' : ''}`, { method: 'DELETE' }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['clusters'] });
      void qc.invalidateQueries({ queryKey: ['cluster-names'] });
      nav(links.clusters());
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const download = async () => {
    const text = await rawRequest(`${apiCluster(cluster)}/kubeconfig`, { headers: { Accept: '*/*' } })
      .then((r) => r.text())
      .catch((e) => {
        void message.error(errorMessage(e));
        return undefined;
      });
    if (text === undefined) return;
    const blob = new Blob([text], { type: 'application/yaml' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${cluster}.kubeconfig`;
    a.click();
    URL.revokeObjectURL(a.href);
  };
  const c = q.data;
  const r = c?.resources;
  const sections = ['nodes', 'namespaces', 'projects', 'members', 'storageclasses', 'persistentvolumes'];
  return (
    <>
      <PageHeader
        title={c?.displayName || cluster}
        sub={c ? <StatusTag status={c.phase} /> : null}
        extra={
          <>
            <Button onClick={() => void download()}>{t('clusters.kubeconfigDownload')}</Button>
            {isAdmin ? (
              <Popconfirm title={t('clusters.disconnectConfirm')} onConfirm={() => del.mutate(false)}>
                <Button danger>{t('clusters.disconnect')}</Button>
              </Popconfirm>
            ) : null}
            {isAdmin && c?.provider === 'sandbox' ? (
              <Popconfirm title={t('clusters.deprovisionConfirm')} onConfirm={() => del.mutate(true)}>
                <Button danger>{t('clusters.deprovision')}</Button>
              </Popconfirm>
            ) : null}
          </>
        }
      />
      <Flex gap={8} wrap="wrap" style={{ marginBottom: 16 }}>
        {sections.map((s) => (
          <Link key={s} to={links.clusterSection(cluster, s)}>
            <Tag>{t(`nav.${s}`, { defaultValue: t(`kind.${s}`) })}</Tag>
          </Link>
        ))}
      </Flex>
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {c ? (
        <>
          {c.message ? <p>{c.message}</p> : null}
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.phase')}>
              <StatusTag status={c.phase} /> {c.since ? <Age since={c.since} /> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('col.provider')}>{c.provider}</Descriptions.Item>
            <Descriptions.Item label={t('col.version')}>{c.kubernetesVersion || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('clusters.server')}>{c.server || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.nodes')}>{r ? `${r.readyNodes}/${r.nodes}` : '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.pods')}>{r?.pods ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.labels')}>
              <KeyValues map={c.labels} />
            </Descriptions.Item>
            <Descriptions.Item label={t('clusters.createdBy')}>{c.createdBy || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('clusters.access')} span="filled">
              {c.access ? (
                <span data-testid="cluster-access">
                  <Tag color={{ checking: 'processing', supported: 'success', unsupported: 'warning' }[c.access.impersonation]}>
                    {t(`clusters.access_${c.access.impersonation}`)}
                  </Tag>
                  {c.access.message}
                </span>
              ) : (
                '-'
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={c.createdAt} />
            </Descriptions.Item>
          </Descriptions>
          {r ? (
            <Flex gap={16} wrap="wrap" style={{ marginBottom: 16 }}>
              <Card title={t('col.cpu')} size="small" style={{ minWidth: 300 }}>
                <UsageBar label={t('clusters.requested')} percent={percent(r.requested.cpuMillis, r.allocatable.cpuMillis)} text={`${t('clusters.requested')} ${cores(r.requested.cpuMillis)} / ${cores(r.allocatable.cpuMillis)}`} />
                {r.usage ? <UsageBar label={t('clusters.used')} percent={percent(r.usage.cpuMillis, r.allocatable.cpuMillis)} text={`${t('clusters.used')} ${cores(r.usage.cpuMillis)}`} /> : null}
              </Card>
              <Card title={t('col.memory')} size="small" style={{ minWidth: 300 }}>
                <UsageBar label={t('clusters.requested')} percent={percent(r.requested.memoryBytes, r.allocatable.memoryBytes)} text={`${t('clusters.requested')} ${bytes(r.requested.memoryBytes)} / ${bytes(r.allocatable.memoryBytes)}`} />
                {r.usage ? <UsageBar label={t('clusters.used')} percent={percent(r.usage.memoryBytes, r.allocatable.memoryBytes)} text={`${t('clusters.used')} ${bytes(r.usage.memoryBytes)}`} /> : null}
              </Card>
            </Flex>
          ) : null}
          <Card title={t('col.events')} size="small">
            <EventsTable events={c.events ?? []} />
          </Card>
        </>
      ) : null}
    </>
  );
}

export function EventsTable({ events }: { events: ClusterEvent[] }) {
  const { t } = useTranslation();
  return (
    <Table<ClusterEvent>
      size="small"
      rowKey={(e, i) => `${e.reason}-${e.firstTimestamp}-${i}`}
      dataSource={[...events].reverse()}
      pagination={false}
      columns={[
        { title: t('col.type'), render: (_, e) => <Tag color={e.type === 'Warning' ? 'warning' : 'default'}>{e.type}</Tag> },
        { title: t('col.reason'), dataIndex: 'reason' },
        { title: t('col.message'), dataIndex: 'message' },
        { title: t('col.count'), dataIndex: 'count' },
        { title: t('col.last'), render: (_, e) => <Age since={e.lastTimestamp} /> },
      ]}
    />
  );
}
