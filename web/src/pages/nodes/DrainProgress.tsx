import { useQuery } from '@tanstack/react-query';
import { Alert, Card, Progress, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { ApiError } from '../../api/problem';
import type { DrainPod, NodeDrain } from '../../api/types';
import { apiCluster } from '../../nav/links';

const running = (d: NodeDrain | undefined) => !!d && !d.finishedAt && d.state !== 'Succeeded' && d.state !== 'Failed';

/** DrainProgress follows the node's drain (polled each second while it runs). */
export function DrainProgress({ cluster, node }: { cluster: string; node: string }) {
  const { t } = useTranslation();
  const q = useQuery({
    queryKey: ['drain', cluster, node],
    queryFn: async () => {
      try {
        return await api<NodeDrain>(`${apiCluster(cluster)}/nodes/${encodeURIComponent(node)}/drain`);
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
    refetchInterval: (query) => (running(query.state.data ?? undefined) ? 1000 : false),
  });
  const d = q.data;
  if (!d) return null;
  const rows: (DrainPod & { status: string })[] = [
    ...(d.evicted ?? []).map((p) => ({ ...p, status: 'evicted' })),
    ...(d.pending ?? []).map((p) => ({ ...p, status: 'pending' })),
    ...(d.notEvicted ?? []).map((p) => ({ ...p, status: 'notEvicted' })),
    ...(d.skipped ?? []).map((p) => ({ ...p, status: 'skipped' })),
  ];
  const total = (d.evicted?.length ?? 0) + (d.pending?.length ?? 0) + (d.notEvicted?.length ?? 0);
  const pct = total ? Math.round(((d.evicted?.length ?? 0) / total) * 100) : 100;
  const colors: Record<string, string> = { evicted: 'success', pending: 'processing', notEvicted: 'error', skipped: 'default' };
  return (
    <Card size="small" title={t('nodes.drainProgress')} style={{ marginBottom: 16 }} data-testid="drain-progress">
      <Alert
        type={d.state === 'Failed' ? 'error' : running(d) ? 'info' : 'success'}
        message={`${t('nodes.drainState')}: ${d.state}`}
        description={d.message}
        style={{ marginBottom: 8 }}
      />
      <Progress percent={pct} aria-label={t('nodes.drainProgress')} status={d.state === 'Failed' ? 'exception' : running(d) ? 'active' : 'success'} />
      <Table
        size="small"
        rowKey={(p) => `${p.namespace}/${p.name}`}
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('col.name'), render: (_, p) => `${p.namespace}/${p.name}` },
          { title: t('col.status'), render: (_, p) => <Tag color={colors[p.status]}>{t(`nodes.pod_${p.status}`)}</Tag> },
          { title: t('col.reason'), dataIndex: 'reason' },
        ]}
      />
    </Card>
  );
}
