// The image registries of the platform, each with its type, endpoint,
// credential and whether it can be used now (its connection test).
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { globalScope, recordPaths, type Registry } from '../../api/registries';
import type { List } from '../../api/types';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { links } from '../../nav/links';
import { RegistryDialog, useCredentials } from './RegistryDialog';
import { RegistryStatus, useTestConnection } from './RegistryStatus';

export default function RegistryListPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const scope = globalScope;
  const paths = recordPaths(scope);
  const testNow = useTestConnection(scope);
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const [dialog, setDialog] = useState<{ registry?: Registry }>();
  const q = useInfiniteQuery({
    queryKey: ['registries', paths.registries, name],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<List<Registry>>(`${paths.registries}${query({ name, limit: 100, continue: pageParam })}`),
    getNextPageParam: (last) => last.continue || undefined,
  });
  const creds = useCredentials(scope);
  const credName = (id?: number) => (id === undefined ? undefined : (creds.data?.items.find((c) => c.id === id)?.name ?? `#${id}`));
  const del = useMutation({
    mutationFn: (r: Registry) => api(paths.registry(r.name), { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['registries'] }),
    onError: (e) => void message.error(errorMessage(e)),
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.registries')}
        sub={t('registries.subtitle')}
        extra={
          <Button type="primary" onClick={() => setDialog({})}>
            {t('registries.create')}
          </Button>
        }
      />
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <NameFilter />
      </Flex>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<Registry>
        size="small"
        rowKey="name"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: t('col.name'), render: (_, r) => <Link to={links.registry(r.name)}>{r.name}</Link> },
          { title: t('col.type'), render: (_, r) => <Tag>{t(`registries.type_${r.type}`)}</Tag> },
          { title: t('registries.endpoint'), render: (_, r) => <Typography.Text copyable={{ text: r.endpoint }}>{r.endpoint}</Typography.Text> },
          { title: t('registries.credential'), render: (_, r) => credName(r.credentialId) ?? <Typography.Text type="secondary">{t('registries.anonymous')}</Typography.Text> },
          { title: t('col.status'), render: (_, r) => <RegistryStatus scope={scope} registry={r.name} /> },
          { title: t('col.age'), render: (_, r) => <Age since={r.createdAt} /> },
          {
            title: t('col.actions'),
            render: (_, r) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => void testNow(r.name).catch((e) => void message.error(errorMessage(e)))}>
                  {t('registries.test')}
                </Button>
                <Button size="small" onClick={() => setDialog({ registry: r })}>
                  {t('action.edit')}
                </Button>
                <Popconfirm title={t('registries.deleteConfirm', { name: r.name })} onConfirm={() => del.mutateAsync(r).catch(() => {})}>
                  <Button size="small" danger>
                    {t('action.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {q.hasNextPage ? (
        <Button style={{ marginTop: 8 }} onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
          {t('list.more')}
        </Button>
      ) : null}
      <RegistryDialog open={!!dialog} onClose={() => setDialog(undefined)} scope={scope} registry={dialog?.registry} />
    </>
  );
}
