// A release's operation followed to its end: polled every second while it
// runs, with its objects ready of total as a progress bar.
import { useQuery } from '@tanstack/react-query';
import { Alert, Flex, Progress, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { releasePaths, type Operation } from '../../api/addons';
import { ageText } from '../../components/Age';

export function useOperation(cluster: string, namespace: string, release: string, initial?: Operation) {
  return useQuery({
    queryKey: ['release-operation', cluster, namespace, release, initial?.id],
    enabled: !!initial,
    initialData: initial,
    queryFn: () => api<Operation>(releasePaths(cluster).operation(namespace, release)),
    refetchInterval: (q) => (q.state.data?.state === 'Running' ? 1000 : false),
  });
}

export const opColor = { Running: 'processing', Succeeded: 'success', Failed: 'error' } as const;

export function OperationProgress({ cluster, op, onDone }: { cluster: string; op: Operation; onDone?: (op: Operation) => void }) {
  const { t } = useTranslation();
  const q = useOperation(cluster, op.namespace, op.release, op);
  const cur = q.data ?? op;
  const told = useRef(false);
  useEffect(() => {
    if (cur.state !== 'Running' && !told.current) {
      told.current = true;
      onDone?.(cur);
    }
  }, [cur, onDone]);
  const total = cur.resourcesTotal;
  const percent = total ? Math.round((cur.resourcesReady / total) * 100) : cur.state === 'Succeeded' ? 100 : 0;
  return (
    <div data-testid="operation" aria-live="polite">
      <Flex gap={8} align="center" wrap="wrap">
        <Typography.Text strong>{t(`addons.action_${cur.action}`)}</Typography.Text>
        <Tag color={opColor[cur.state]} data-testid="operation-state">
          {t(`addons.op_${cur.state}`)}
        </Tag>
        {cur.revision ? <Typography.Text type="secondary">{t('addons.revisionN', { n: cur.revision })}</Typography.Text> : null}
        <Typography.Text type="secondary">
          {t('addons.startedBy', { user: cur.startedBy, age: ageText(cur.startedAt) })}
        </Typography.Text>
      </Flex>
      {cur.action !== 'uninstall' ? (
        <Flex gap={8} align="center">
          <Progress
            percent={percent}
            status={cur.state === 'Failed' ? 'exception' : cur.state === 'Running' ? 'active' : 'success'}
            format={() => t('addons.readyOf', { ready: cur.resourcesReady, total })}
            aria-label={t('addons.progress')}
            style={{ flex: 1, marginBottom: 0 }}
          />
        </Flex>
      ) : null}
      {cur.state === 'Failed' && cur.message ? <Alert type="error" showIcon message={cur.message} style={{ marginTop: 8 }} /> : null}
    </div>
  );
}
