import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Table, Tag, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api/client';
import type { Node } from '../../api/types';
import { usePermissions } from '../../auth/usePermissions';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { KeyValues } from '../../components/KeyValues';
import { PageHeader } from '../../components/PageHeader';
import { StatusTag } from '../../components/StatusTag';
import { UsageBar } from '../../components/UsageBar';
import { apiCluster, links } from '../../nav/links';
import { DrainDialog } from './DrainDialog';
import { DrainProgress } from './DrainProgress';
import { NodeEditDialog } from './NodeEditDialog';

export default function NodeDetailPage() {
  const { cluster = '', node = '' } = useParams();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const can = usePermissions({ cluster });
  const qc = useQueryClient();
  const [dialog, setDialog] = useState<'drain' | 'edit'>();
  const path = `${apiCluster(cluster)}/nodes/${encodeURIComponent(node)}`;
  const q = useQuery({ queryKey: ['node', cluster, node], refetchInterval: 5000, queryFn: () => api<Node>(path) });
  const action = useMutation({
    mutationFn: (verb: 'cordon' | 'uncordon') => api<Node>(`${path}/${verb}`, { method: 'POST' }),
    // A poll sent before the change must not land after it and show the
    // node as it was: cancel it, then show what the server answered.
    onSuccess: async (n) => {
      await qc.cancelQueries({ queryKey: ['node', cluster, node] });
      qc.setQueryData(['node', cluster, node], (old: Node | undefined) => ({ ...old, ...n }));
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
  const n = q.data;
  const write = can('update', 'nodes');
  return (
    <>
      <PageHeader
        title={node}
        sub={n ? <StatusTag status={n.status} /> : null}
        extra={
          write && n ? (
            <>
              {n.unschedulable ? (
                <Button onClick={() => action.mutate('uncordon')} loading={action.isPending}>
                  {t('nodes.uncordon')}
                </Button>
              ) : (
                <Button onClick={() => action.mutate('cordon')} loading={action.isPending}>
                  {t('nodes.cordon')}
                </Button>
              )}
              <Button danger onClick={() => setDialog('drain')}>
                {t('nodes.drain')}
              </Button>
              <Button onClick={() => setDialog('edit')}>{t('nodes.editLabelsTaints')}</Button>
            </>
          ) : null
        }
      />
      {q.error ? <ErrorView error={q.error} cluster={cluster} /> : null}
      {q.isLoading ? <Spin style={{ display: 'block', margin: 24 }} /> : null}
      <DrainProgress cluster={cluster} node={node} />
      {n ? (
        <>
          <Descriptions bordered size="small" column={{ xs: 1, md: 2, xl: 3 }} style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('col.status')}>
              <StatusTag status={n.status} /> {n.unschedulable ? <Tag color="warning">{t('nodes.cordoned')}</Tag> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('col.roles')}>{n.roles?.join(', ') || '-'}</Descriptions.Item>
            <Descriptions.Item label={t('col.version')}>{n.versions?.kubelet ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('nodes.os')}>{n.versions?.osImage ?? '-'}</Descriptions.Item>
            <Descriptions.Item label={t('nodes.addresses')}>{n.addresses?.map((a) => `${a.type}: ${a.address}`).join(', ')}</Descriptions.Item>
            <Descriptions.Item label={t('col.age')}>
              <Age since={n.creationTimestamp} />
            </Descriptions.Item>
            <Descriptions.Item label={t('col.labels')} span={3}>
              <KeyValues map={n.labels} />
            </Descriptions.Item>
            <Descriptions.Item label={t('nodes.taints')} span={3}>
              {(n.taints ?? []).map((x) => (
                <Tag key={`${x.key}:${x.effect}`}>{`${x.key}${x.value ? `=${x.value}` : ''}:${x.effect}`}</Tag>
              ))}
            </Descriptions.Item>
          </Descriptions>
          <Flex gap={16} wrap="wrap" style={{ marginBottom: 16 }}>
            <Card size="small" title={t('nodes.requests')} style={{ minWidth: 280 }}>
              <UsageBar label={t('nodes.cpuRequested')} percent={n.requested?.cpuPercent} text={`${t('col.cpu')} ${n.requested?.cpu ?? ''}`} />
              <UsageBar label={t('nodes.memRequested')} percent={n.requested?.memoryPercent} text={`${t('col.memory')} ${n.requested?.memory ?? ''}`} />
              <UsageBar label={t('col.pods')} percent={n.requested?.podsPercent} text={`${t('col.pods')} ${n.requested?.pods ?? ''}`} />
            </Card>
            <Card size="small" title={t('nodes.usage')} style={{ minWidth: 280 }}>
              {n.usage ? (
                <>
                  <UsageBar label={t('nodes.cpuUsed')} percent={n.usage.cpuPercent} text={`${t('col.cpu')} ${n.usage.cpu}`} />
                  <UsageBar label={t('nodes.memUsed')} percent={n.usage.memoryPercent} text={`${t('col.memory')} ${n.usage.memory}`} />
                </>
              ) : (
                t('nodes.noMetrics')
              )}
            </Card>
          </Flex>
          <Card size="small" title={t('nodes.conditions')} style={{ marginBottom: 16 }}>
            <Table
              size="small"
              rowKey="type"
              pagination={false}
              dataSource={n.conditions ?? []}
              columns={[
                { title: t('col.type'), dataIndex: 'type' },
                { title: t('col.status'), dataIndex: 'status' },
                { title: t('col.reason'), dataIndex: 'reason' },
                { title: t('col.message'), dataIndex: 'message' },
              ]}
            />
          </Card>
          <Card size="small" title={t('kind.pods')}>
            <Table
              size="small"
              rowKey={(p) => `${p.namespace}/${p.name}`}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              dataSource={n.pods ?? []}
              columns={[
                { title: t('col.name'), render: (_, p) => <Link to={links.nsObject(cluster, p.namespace, 'pods', p.name)}>{p.name}</Link> },
                { title: t('col.namespace'), dataIndex: 'namespace' },
                { title: t('col.phase'), render: (_, p) => <StatusTag status={p.phase} /> },
                { title: t('col.cpu'), dataIndex: 'cpu' },
                { title: t('col.memory'), dataIndex: 'memory' },
                { title: t('col.owner'), render: (_, p) => (p.controllerKind ? `${p.controllerKind}/${p.controllerName}` : '-') },
              ]}
            />
          </Card>
        </>
      ) : null}
      {n ? <DrainDialog open={dialog === 'drain'} onClose={() => setDialog(undefined)} cluster={cluster} node={node} /> : null}
      {n ? <NodeEditDialog open={dialog === 'edit'} onClose={() => setDialog(undefined)} cluster={cluster} node={n} /> : null}
    </>
  );
}
