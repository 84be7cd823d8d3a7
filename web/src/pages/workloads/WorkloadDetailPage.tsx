import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Popconfirm, Table, Tabs, Tag, Spin } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { WorkloadDetail } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { EventList } from '../../components/EventList';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { useLiveDetail } from '../../live/useLiveDetail';
import { apiNs, links } from '../../nav/links';
import NotFoundPage from '../NotFoundPage';
import { WorkloadActions } from './WorkloadActions';
import { Progress } from './WorkloadListPage';
import { workloadKinds, type WorkloadKind } from './workloadForm';

const groups: Record<string, [string, string]> = {
  deployments: ['apps', 'v1'],
  statefulsets: ['apps', 'v1'],
  daemonsets: ['apps', 'v1'],
  jobs: ['batch', 'v1'],
  cronjobs: ['batch', 'v1'],
};

export default function WorkloadDetailPage() {
  const { cluster = '', namespace = '', kind = '', name = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = usePermissions({ cluster, namespace });
  const qc = useQueryClient();
  const key = ['workload', cluster, namespace, kind, name];
  const listPath = `${apiNs(cluster, namespace)}/${kind}`;
  const interval = useLiveDetail(listPath, name, key);
  const valid = workloadKinds.includes(kind as WorkloadKind);
  const q = useQuery({ queryKey: key, enabled: valid, refetchInterval: interval, queryFn: () => api<WorkloadDetail>(`${listPath}/${encodeURIComponent(name)}`) });
  const rollback = useMutation({
    mutationFn: (revision: number) => api(`${listPath}/${encodeURIComponent(name)}/rollback`, { method: 'POST', body: { revision } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: key }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  if (!valid) return <NotFoundPage />;
  const w = q.data;
  const canUpdate = can('update', kind);
  const [g, v] = groups[kind];
  return (
    <>
      <PageHeader
        title={name}
        sub={`${t(`kind.${kind}`)} · ${namespace}`}
        extra={
          w ? (
            <>
              <WorkloadActions cluster={cluster} namespace={namespace} kind={kind} w={w} canUpdate={canUpdate} canDelete={can('delete', kind)} canCreateJobs={can('create', 'jobs')} />
              <Link to={links.kindObject(cluster, g, v, kind, name, namespace)}>
                <Button>{t('action.yaml')}</Button>
              </Link>
            </>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      {w ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.status')}>
              <StatusTag status={w.status} /> {w.paused ? <Tag>{t('workloads.paused')}</Tag> : null}
            </Descriptions.Item>
            <Descriptions.Item label={kind === 'cronjobs' ? t('workloads.schedule') : t('col.ready')}>
              <span data-testid="workload-ready">
                <Progress w={w} />
              </span>
            </Descriptions.Item>
            {w.replicas ? (
              <Descriptions.Item label={t('workloads.replicas')}>
                <span data-testid="workload-replicas">{`${t('workloads.desired')} ${w.replicas.desired} · ${t('workloads.updated')} ${w.replicas.updated} · ${t('workloads.available')} ${w.replicas.available}`}</span>
              </Descriptions.Item>
            ) : null}
            <Descriptions.Item label={t('col.images')}>{w.images?.join(', ')}</Descriptions.Item>
            <Descriptions.Item label={t('col.labels')}>
              <KeyValues map={w.labels} />
            </Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={w.creationTimestamp} />
            </Descriptions.Item>
          </Descriptions>
          <Tabs
            items={[
              {
                key: 'pods',
                label: t('kind.pods'),
                children: (
                  <Table
                    size="small"
                    rowKey="name"
                    pagination={{ pageSize: 50, hideOnSinglePage: true }}
                    dataSource={w.pods ?? []}
                    columns={[
                      { title: t('col.name'), render: (_, p) => <Link to={links.nsObject(cluster, namespace, 'pods', p.name)}>{p.name}</Link> },
                      { title: t('col.phase'), render: (_, p) => <StatusTag status={p.phase} /> },
                      { title: t('col.ready'), dataIndex: 'ready' },
                      { title: t('col.restarts'), dataIndex: 'restarts' },
                      { title: t('col.node'), dataIndex: 'nodeName' },
                      { title: t('workloads.revision'), dataIndex: 'revision' },
                    ]}
                  />
                ),
              },
              {
                key: 'revisions',
                label: t('workloads.revisions'),
                children: (
                  <Table
                    size="small"
                    rowKey="name"
                    pagination={false}
                    dataSource={[...(w.revisions ?? [])].sort((a, b) => b.revision - a.revision)}
                    columns={[
                      { title: t('workloads.revision'), render: (_, r) => <>{r.revision} {r.current ? <Tag color="success">{t('workloads.current')}</Tag> : null}</> },
                      { title: t('col.images'), render: (_, r) => r.images?.join(', ') },
                      { title: t('workloads.replicas'), dataIndex: 'replicas' },
                      { title: t('workloads.changeCause'), dataIndex: 'changeCause' },
                      { title: t('col.age'), render: (_, r) => <Age since={r.creationTimestamp} /> },
                      {
                        title: t('col.actions'),
                        render: (_, r) =>
                          canUpdate && !r.current && kind !== 'jobs' && kind !== 'cronjobs' ? (
                            <Popconfirm title={t('workloads.rollbackConfirm', { revision: r.revision })} onConfirm={() => rollback.mutate(r.revision)}>
                              <Button size="small">{t('workloads.action_rollback')}</Button>
                            </Popconfirm>
                          ) : null,
                      },
                    ]}
                  />
                ),
              },
              { key: 'events', label: t('kind.events'), children: <EventList events={w.events ?? []} /> },
              {
                key: 'conditions',
                label: t('workloads.conditions'),
                children: (
                  <Table
                    size="small"
                    rowKey="type"
                    pagination={false}
                    dataSource={w.conditions ?? []}
                    columns={[
                      { title: t('col.type'), dataIndex: 'type' },
                      { title: t('col.status'), dataIndex: 'status' },
                      { title: t('col.reason'), dataIndex: 'reason' },
                      { title: t('col.message'), dataIndex: 'message' },
                    ]}
                  />
                ),
              },
            ]}
          />
        </>
      ) : null}
    </>
  );
}
