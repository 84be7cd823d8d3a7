// A copy job followed live: state, bytes moved of the bytes known so far,
// and cancel while it runs.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Progress, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { recordPaths, type CopyJob, type CopyState, type ImageRef, type RecordScope } from '../../api/registries';
import { Age } from '../../components/Age';
import { Digest } from '../../components/Digest';
import { errorMessage } from '../../components/ErrorView';
import { bytes } from '../../components/format';

export const copyColors: Record<CopyState, string> = { Running: 'processing', Succeeded: 'success', Failed: 'error', Cancelled: 'warning' };

export function CopyStateTag({ state }: { state: CopyState }) {
  const { t } = useTranslation();
  return (
    <Tag color={copyColors[state]} data-testid="copy-state">
      {t(`copies.state_${state}`)}
    </Tag>
  );
}

export const refText = (r: ImageRef) => `${r.registry}/${r.repository}:${r.reference ?? r.tag ?? ''}`;

/** copyPercent is how far a copy is, by bytes (an ended one that moved nothing is whole). */
export function copyPercent(j: CopyJob): number {
  if (j.state === 'Succeeded') return 100;
  return j.totalBytes ? Math.floor((j.completeBytes / j.totalBytes) * 100) : 0;
}

export function CopyBar({ job }: { job: CopyJob }) {
  const { t } = useTranslation();
  const status = job.state === 'Failed' ? 'exception' : job.state === 'Running' ? 'active' : job.state === 'Succeeded' ? 'success' : 'normal';
  return (
    <div style={{ minWidth: 160 }}>
      <Progress percent={copyPercent(job)} status={status} size="small" aria-label={t('copies.progress')} style={{ margin: 0 }} />
      <span style={{ fontSize: 12 }} data-testid="copy-bytes">
        {job.state === 'Succeeded' && !job.totalBytes ? t('copies.nothingMoved') : t('copies.bytes', { done: bytes(job.completeBytes), total: job.totalBytes ? bytes(job.totalBytes) : '…' })}
      </span>
    </div>
  );
}

/** useCopy polls a copy each second while it runs. */
export function useCopy(scope: RecordScope, id: string | undefined, initial?: CopyJob) {
  return useQuery({
    queryKey: ['copy', recordPaths(scope).copy(id ?? '')],
    enabled: !!id,
    initialData: initial,
    queryFn: () => api<CopyJob>(recordPaths(scope).copy(id!)),
    refetchInterval: (q) => (q.state.data?.state === 'Running' ? 1000 : false),
  });
}

export function useCancelCopy(scope: RecordScope) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api<CopyJob>(recordPaths(scope).copy(id), { method: 'DELETE' }),
    onSuccess: (j) => {
      qc.setQueryData(['copy', recordPaths(scope).copy(j.id)], j);
      void qc.invalidateQueries({ queryKey: ['copies'] });
    },
    onError: (e) => void message.error(errorMessage(e)),
  });
}

/** CopyProgress shows one copy in full and follows it until it ends. */
export function CopyProgress({ scope, id, initial }: { scope: RecordScope; id: string; initial?: CopyJob }) {
  const { t } = useTranslation();
  const q = useCopy(scope, id, initial);
  const cancel = useCancelCopy(scope);
  const j = q.data;
  if (!j) return null;
  return (
    <div data-testid="copy-progress">
      <Descriptions bordered size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={t('copies.from')}>{refText(j.from)}</Descriptions.Item>
        <Descriptions.Item label={t('copies.to')}>{refText(j.to)}</Descriptions.Item>
        <Descriptions.Item label={t('col.status')}>
          <CopyStateTag state={j.state} />
        </Descriptions.Item>
        <Descriptions.Item label={t('copies.progress')}>
          <CopyBar job={j} />
        </Descriptions.Item>
        {j.digest ? (
          <Descriptions.Item label={t('registries.digest')}>
            <Digest digest={j.digest} />
          </Descriptions.Item>
        ) : null}
        {j.message ? <Descriptions.Item label={t('col.message')}>{j.message}</Descriptions.Item> : null}
        <Descriptions.Item label={t('copies.started')}>
          <Age since={j.startedAt} /> · {j.startedBy}
        </Descriptions.Item>
      </Descriptions>
      {j.state === 'Running' ? (
        <Button danger onClick={() => cancel.mutate(j.id)} loading={cancel.isPending}>
          {t('copies.cancel')}
        </Button>
      ) : null}
    </div>
  );
}
