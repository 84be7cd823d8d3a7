// The recent copies from or to a registry (the server keeps them in
// memory), refreshed while any runs.
import { useQuery } from '@tanstack/react-query';
import { Button, Modal, Space, Table } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { recordPaths, type CopyJob, type RecordScope } from '../../api/registries';
import { Age } from '../../components/Age';
import { EmptyText } from '../../components/EmptyText';
import { ErrorView } from '../../components/ErrorView';
import { CopyBar, CopyProgress, CopyStateTag, refText, useCancelCopy } from './CopyProgress';

export function CopiesTab({ scope, registry }: { scope: RecordScope; registry: string }) {
  const { t } = useTranslation();
  const [shown, setShown] = useState<CopyJob>();
  const cancel = useCancelCopy(scope);
  const q = useQuery({
    queryKey: ['copies', recordPaths(scope).copies],
    queryFn: () => api<{ items: CopyJob[] }>(recordPaths(scope).copies),
    refetchInterval: (query) => (query.state.data?.items.some((j) => j.state === 'Running') ? 1000 : 10_000),
  });
  const rows = (q.data?.items ?? []).filter((j) => j.from.registry === registry || j.to.registry === registry);
  return (
    <>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<CopyJob>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: <EmptyText text={t('copies.none')} /> }}
        columns={[
          { title: t('copies.from'), render: (_, j) => refText(j.from) },
          { title: t('copies.to'), render: (_, j) => refText(j.to) },
          { title: t('col.status'), render: (_, j) => <CopyStateTag state={j.state} /> },
          { title: t('copies.progress'), render: (_, j) => <CopyBar job={j} /> },
          { title: t('copies.started'), render: (_, j) => <Age since={j.startedAt} /> },
          { title: t('copies.by'), dataIndex: 'startedBy' },
          {
            title: t('col.actions'),
            render: (_, j) => (
              <Space size={4}>
                <Button size="small" onClick={() => setShown(j)}>
                  {t('copies.details')}
                </Button>
                {j.state === 'Running' ? (
                  <Button size="small" danger onClick={() => cancel.mutate(j.id)}>
                    {t('copies.cancel')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={!!shown} title={t('copies.title')} onCancel={() => setShown(undefined)} footer={null} destroyOnHidden width={620}>
        {shown ? <CopyProgress scope={scope} id={shown.id} initial={shown} /> : null}
      </Modal>
    </>
  );
}
