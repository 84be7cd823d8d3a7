// The credentials of the platform: which fields each has set (never their
// secret values) and when they changed; create, rotate, see what uses one,
// delete one nothing uses.
import { LockOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Popconfirm, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { api, query } from '../../api/client';
import { ApiError } from '../../api/problem';
import { globalScope, recordPaths, type Credential, type CredentialField, type CredentialType } from '../../api/registries';
import type { List } from '../../api/types';
import { Age } from '../../components/Age';
import { ErrorView, errorMessage } from '../../components/ErrorView';
import { NameFilter } from '../../components/NameFilter';
import { PageHeader } from '../../components/PageHeader';
import { CredentialDialog } from './CredentialDialog';
import { fieldLabel } from './credentialTypes';
import { CredentialUsagesDialog } from './CredentialUsages';

export default function CredentialListPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const scope = globalScope;
  const paths = recordPaths(scope);
  const [params] = useSearchParams();
  const name = params.get('name') ?? '';
  const [dialog, setDialog] = useState<{ kind: 'create' } | { kind: 'rotate'; credential: Credential }>();
  const [usages, setUsages] = useState<{ credential: Credential; refusal?: string }>();
  const q = useInfiniteQuery({
    queryKey: ['credentials', paths.credentials, name],
    initialPageParam: '',
    queryFn: ({ pageParam }) => api<List<Credential>>(`${paths.credentials}${query({ name, limit: 100, continue: pageParam })}`),
    getNextPageParam: (last) => last.continue || undefined,
  });
  const del = useMutation({
    mutationFn: (c: Credential) => api(paths.credential(c.id), { method: 'DELETE' }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['credentials'] }),
    onError: (e, c) => {
      if (e instanceof ApiError && e.status === 409) setUsages({ credential: c, refusal: e.message });
      else void message.error(errorMessage(e));
    },
  });
  const rows = q.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <>
      <PageHeader
        title={t('nav.credentials')}
        sub={t('credentials.subtitle')}
        extra={
          <Button type="primary" onClick={() => setDialog({ kind: 'create' })}>
            {t('credentials.create')}
          </Button>
        }
      />
      <Flex gap={12} align="center" style={{ marginBottom: 8 }}>
        <NameFilter />
      </Flex>
      {q.error ? <ErrorView error={q.error} /> : null}
      <Table<Credential>
        size="small"
        rowKey="id"
        loading={q.isLoading}
        dataSource={rows}
        pagination={false}
        columns={[
          {
            title: t('col.name'),
            render: (_, c) => (
              <>
                <Typography.Text strong>{c.name}</Typography.Text>
                {c.description ? (
                  <div>
                    <Typography.Text type="secondary">{c.description}</Typography.Text>
                  </div>
                ) : null}
              </>
            ),
          },
          { title: t('col.type'), render: (_, c) => <Tag>{t(`credentials.type_${c.type}`)}</Tag> },
          { title: t('credentials.scope'), render: (_, c) => (c.project ? `${c.cluster}/${c.project}` : t('credentials.global')) },
          { title: t('credentials.fields'), render: (_, c) => <FieldTags type={c.type} fields={c.fields} /> },
          { title: t('credentials.changed'), render: (_, c) => <Age since={c.updatedAt} /> },
          { title: t('clusters.createdBy'), dataIndex: 'createdBy' },
          {
            title: t('col.actions'),
            render: (_, c) => (
              <Space size={4} wrap>
                <Button size="small" onClick={() => setDialog({ kind: 'rotate', credential: c })}>
                  {t('credentials.rotate')}
                </Button>
                <Button size="small" onClick={() => setUsages({ credential: c })}>
                  {t('credentials.usages')}
                </Button>
                <Popconfirm title={t('credentials.deleteConfirm', { name: c.name })} onConfirm={() => del.mutateAsync(c).catch(() => {})}>
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
      <CredentialDialog
        open={!!dialog}
        onClose={() => setDialog(undefined)}
        scope={scope}
        credential={dialog?.kind === 'rotate' ? dialog.credential : undefined}
      />
      <CredentialUsagesDialog scope={scope} credential={usages?.credential} refusal={usages?.refusal} onClose={() => setUsages(undefined)} />
    </>
  );
}

/** FieldTags says which fields are set: a public one with its value, a secret one only that it is set and since when. */
export function FieldTags({ type, fields }: { type: CredentialType; fields: CredentialField[] }) {
  const { t } = useTranslation();
  return (
    <Flex gap={4} wrap="wrap">
      {fields.map((f) => {
        const label = fieldLabel(t, type, f.name);
        if (!f.set) {
          return (
            <Tag key={f.name} bordered={false}>
              {label}: {t('credentials.notSet')}
            </Tag>
          );
        }
        if (!f.secret) {
          return (
            <Tag key={f.name}>
              {label}: {f.value}
            </Tag>
          );
        }
        return (
          <Tooltip key={f.name} title={f.changedAt ? `${t('credentials.setSince')} ${new Date(f.changedAt).toLocaleString()}` : undefined}>
            <Tag color="success" icon={<LockOutlined />}>
              {label}: {t('credentials.set')}
            </Tag>
          </Tooltip>
        );
      })}
    </Flex>
  );
}
